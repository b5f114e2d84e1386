package overparam.lab.plan;

import overparam.core.BadInputException;

/** The step size eta: a number, or auto = 1 / lambda_max(G(0)), computed from the network at initialization. */
public sealed interface StepSize {
    /** eta = 1 / lambda_max(G(0)): inside gradient descent's stable range (eta < 2 / lambda_max) with room to drift. */
    record Auto() implements StepSize {
        @Override public String toString() { return "auto"; }
    }

    /** A given step size, positive and finite. */
    record Fixed(double eta) implements StepSize {
        public Fixed {
            if (!(eta > 0) || !Double.isFinite(eta))
                throw BadInputException.of("--eta " + eta, eta, "a positive step size", "e.g. --eta 0.05");
        }
    }

    static StepSize parse(String text) {
        if (text == null)
            throw new BadInputException("--eta: missing. Give the step size, e.g. --eta 0.05, or --eta auto for 1 / lambda_max(G(0)).");
        if (text.trim().equalsIgnoreCase("auto")) return new Auto();
        try {
            return new Fixed(Double.parseDouble(text));
        } catch (NumberFormatException e) {
            throw BadInputException.of("--eta " + text, "'" + text + "'", "a positive number or auto", "e.g. --eta 0.05");
        }
    }
}

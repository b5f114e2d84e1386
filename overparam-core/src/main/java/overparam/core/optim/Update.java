package overparam.core.optim;

import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/**
 * One parameter's update on its way through a chain: u = alpha G + c_1 M_1 + ... + c_k M_k, G the gradient.
 * <ul>
 *   <li>G stays lazy ({@link Gradients#accumulate} forms it by BLAS into a destination with a beta), so a scaling only
 *       multiplies alpha (and the c_i), and plain gradient descent adds alpha G straight into theta: no gradient buffer.
 *   <li>A stateful transform materializes u into its own buffer v ({@link #accumulateInto}: v = decay v + alpha G by
 *       BLAS, then the terms in order); from then on G is v and alpha is 1.
 *   <li>The terms wait for that, or for theta: weight decay's lambda theta joins after momentum's product,
 *       v = (mu v + g) + lambda theta.
 *   <li>A scalar's (a PReLU slope's) gradient is a number: a scaling multiplies the number, in Java arithmetic.
 * </ul>
 */
public final class Update {
    private static final int TERMS = 4;
    private final Gradients gradients;
    private final int index;
    private final Matrix parameter;
    private final boolean scalar;
    private double alpha, value;                // u = alpha G (a matrix), or value (a scalar)
    private Matrix materialized;                // G once it is formed (a trace's buffer); null while lazy
    private final double[] coefs = new double[TERMS];
    private final Matrix[] terms = new Matrix[TERMS];
    private int count;

    Update(Gradients gradients, int index) {
        this.gradients = gradients;
        this.index = index;
        this.parameter = gradients.parameter(index);
        this.scalar = gradients.isScalar(index);
    }

    /** u = G, this step's gradient. */
    void reset() {
        alpha = 1;
        materialized = null;
        count = 0;
        if (scalar) value = gradients.scalar(index);
    }

    /** theta, the parameter this update moves. */
    public Matrix parameter() { return parameter; }

    /** u = c u. */
    public void scale(double c) {
        if (scalar) value *= c;
        else alpha *= c;
        for (int j = 0; j < count; j++) coefs[j] *= c;
    }

    /** u = u + c m, m read when u is materialized or applied (m may be theta itself, read before theta moves). */
    public void add(double c, Matrix m) {
        if (count == TERMS) throw new IllegalStateException("more than " + TERMS + " pending terms");
        coefs[count] = c;
        terms[count++] = m;
    }

    /** v = decay v + u, and u = v from here on: v is the caller's state (a momentum trace, zero at the start). */
    public void accumulateInto(double decay, Matrix v) {
        if (scalar) {
            double t = decay * v.get(0) + value;
            for (int j = 0; j < count; j++) t += coefs[j] * terms[j].get(0);
            v.set(0, t);
            value = t;
        } else {
            if (materialized == null) gradients.accumulate(index, alpha, decay, v);     // v = decay v + alpha G, one product
            else {
                Linalg.scale(decay, v);
                Linalg.addScaled(alpha, materialized, v);
            }
            for (int j = 0; j < count; j++) Linalg.addScaled(coefs[j], terms[j], v);
            materialized = v;
            alpha = 1;
        }
        count = 0;
    }

    /**
     * u = w, a buffer the caller owns and has written elementwise (Adam's direction, a masked update): from here on G is
     * w and alpha is 1, no terms pending. Call it after {@link #accumulateInto} formed u into w.
     */
    void assign(Matrix w) {
        if (count != 0) throw new IllegalStateException("assigning over pending terms: form the update first (accumulateInto)");
        if (scalar) value = w.get(0);
        else {
            materialized = w;
            alpha = 1;
        }
    }

    /**
     * ||u||^2 of a materialized update (after {@link #accumulateInto}, no terms pending), for transforms that act on
     * the norm of the whole gradient (clipping, normalization): a sum over parameters of these is ||u||^2 in R^P.
     */
    public double squaredNorm() {
        if (count != 0) throw new IllegalStateException("the norm of an update with pending terms: materialize it first");
        if (scalar) return value * value;
        if (materialized == null) throw new IllegalStateException("the norm of a lazy update: materialize it first (accumulateInto)");
        double f = alpha * Linalg.normF(materialized);
        return f * f;
    }

    /** theta += u: the terms first (theta read before it moves), then alpha G, lazily by BLAS with beta = 1. */
    void apply() {
        if (scalar) {
            double u = value;
            for (int j = 0; j < count; j++) u += coefs[j] * terms[j].get(0);
            parameter.set(0, parameter.get(0) + u);
            return;
        }
        for (int j = 0; j < count; j++) {
            if (j > 0 && terms[j] == parameter) throw new IllegalStateException("theta itself must be the first pending term: it is read before the others move it");
            Linalg.addScaled(coefs[j], terms[j], parameter);
        }
        if (materialized == null) gradients.accumulate(index, alpha, 1.0, parameter);
        else Linalg.addScaled(alpha, materialized, parameter);
    }
}

package overparam.lab.run;

import java.util.ArrayList;
import java.util.List;
import overparam.core.BadInputException;
import overparam.core.data.Dataset;
import overparam.core.instruments.EndToEndInstrument;
import overparam.core.instruments.EndToEndInstrument.Reference;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Arch;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.reference.HardMarginSvm;
import overparam.core.reference.MinimumNormInterpolant;
import overparam.core.reference.WoodworthLimit;
import overparam.lab.data.RunData;

/**
 * The solutions a linear model's end-to-end map beta is compared with (one output only), computed once from the training
 * set before training (core/reference):
 * <ul>
 *   <li>teacher: the linear teacher's beta* when one labelled the data (distance_teacher);</li>
 *   <li>regression losses, when the data can be interpolated (n <= d, X of full row rank): min_l2 and min_l1, the
 *       minimum-norm interpolants; for the diagonal network also woodworth, the exact gradient-flow limit from its
 *       initialization w_+ = w_- = alpha 1 (Woodworth et al. 2020), which moves from min_l1 (alpha -> 0) to min_l2;</li>
 *   <li>sign losses (logistic, exponential) on separable data: svm, the hard-margin direction (Soudry et al. 2018),
 *       compared as a direction (cosine_svm, direction_distance_svm).</li>
 * </ul>
 */
final class References {
    /** Relative residual below which the minimum-l2 least-squares solution interpolates. */
    static final double INTERPOLATES = 1e-9;

    private References() {}

    static List<Reference> of(NetworkSpec spec, RunData data, Loss loss, double initScale) {
        List<Reference> out = new ArrayList<>();
        if (spec.outputs() != 1) return out;
        double[] teacher = teacherBeta(spec, data);
        if (teacher != null) out.add(new Reference("teacher", teacher, false));
        Dataset train = data.train();
        double[] y = train.y().toArray();
        if (loss.takesSigns()) {
            try {
                out.add(new Reference("svm", HardMarginSvm.direction(train.x(), y).w(), true));
            } catch (BadInputException notSeparable) {
                // no hard-margin direction to converge to: nothing to compare
            }
            return out;
        }
        MinimumNormInterpolant.L2 l2 = MinimumNormInterpolant.l2(train.x(), y);
        if (!(l2.residual() <= INTERPOLATES * Math.max(1e-300, norm(y)))) return out;              // no interpolant
        out.add(new Reference("min_l2", l2.beta(), false));
        out.add(new Reference("min_l1", MinimumNormInterpolant.l1(train.x(), y).beta(), false));
        if (spec.arch() == Arch.DIAGONAL && initScale > 0) out.add(new Reference("woodworth", WoodworthLimit.of(train.x(), y, initScale).beta(), false));
        return out;
    }

    /** The linear teacher's beta* (its end-to-end map, d coefficients) when a linear model with one output labelled the data, else null. */
    static double[] teacherBeta(NetworkSpec spec, RunData data) {
        Network teacher = data.teacher();
        if (teacher == null || !teacher.spec().arch().isLinearModel() || teacher.spec().outputs() != 1 || teacher.spec().inputDim() != spec.inputDim())
            return null;
        try (EndToEndInstrument e = new EndToEndInstrument(teacher.spec(), List.of()); Matrix beta = Matrix.zeros(spec.inputDim(), 1)) {
            e.endToEndTransposed(teacher, beta);
            return beta.toArray();
        }
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }
}

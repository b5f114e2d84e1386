package overparam.lab.run;

import java.util.ArrayList;
import java.util.List;
import overparam.core.instruments.EndToEndInstrument;
import overparam.core.instruments.EndToEndInstrument.Reference;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.lab.data.RunData;

/**
 * The solutions a linear model's end-to-end map beta is compared with (one output only), computed once from the training
 * set before training: the teacher's beta* when a linear teacher labelled the data (distance_teacher).
 */
final class References {
    private References() {}

    static List<Reference> of(NetworkSpec spec, RunData data, Loss loss) {
        List<Reference> out = new ArrayList<>();
        if (spec.outputs() != 1) return out;
        Network teacher = data.teacher();
        if (teacher != null && teacher.spec().arch().isLinearModel() && teacher.spec().outputs() == 1 && teacher.spec().inputDim() == spec.inputDim()) {
            try (EndToEndInstrument e = new EndToEndInstrument(teacher.spec(), List.of()); Matrix beta = Matrix.zeros(spec.inputDim(), 1)) {
                e.endToEndTransposed(teacher, beta);
                out.add(new Reference("teacher", beta.toArray(), false));
            }
        }
        return out;
    }
}

package overparam.core.instruments;

import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Svd;
import overparam.core.nn.Arch;
import overparam.core.nn.Network;
import overparam.core.nn.Observer;
import overparam.core.nn.RunView;
import overparam.core.nn.StepRecord;

/**
 * Matrix recovery by the quadratic network (Li, Ma, Zhang, COLT 2018): the student computes f(x) = x^T M x with
 * M = W^T W (d x d), a teacher of width r the target y = x^T M* x with M* = W*^T W* of rank r. Records, at every record,
 * <ul>
 *   <li>recovery_error = ||W^T W - M*||_F / ||M*||_F, the quantity of their Figure 1;</li>
 *   <li>recovery_sv, the singular values of M = W^T W, descending (its eigenvalues, M being positive semidefinite; the
 *       squared singular values of W): r of them near M*'s and d - r near 0 when gradient descent found the low-rank
 *       solution.</li>
 * </ul>
 * Not {@link TeacherDistance}'s entry-by-entry ||W - W*||_F: f depends on W only through W^T W, so W is determined only up
 * to a rotation (W and Q W, Q orthogonal, are the same network) and the teacher's width r differs from the student's m.
 * Products by BLAS (dgemm), singular values by LAPACK (dgesdd); two d x d buffers.
 */
public final class RecoveryInstrument implements Observer {
    private final Matrix target;                 // M* = W*^T W*, d x d
    private final double targetNorm;             // ||M*||_F
    private final Matrix recovered;              // W^T W, then W^T W - M*

    public RecoveryInstrument(Network teacher) {
        if (teacher.spec().arch() != Arch.QUADRATIC) throw new IllegalArgumentException("recovery needs a quadratic teacher, not " + teacher.spec().arch());
        int d = teacher.spec().inputDim();
        this.target = Matrix.zeros(d, d);
        Linalg.multTransA(1.0, teacher.parameter(1), teacher.parameter(1), 0.0, target);
        this.targetNorm = Linalg.normF(target);
        if (!(targetNorm > 0)) {
            target.close();
            throw new IllegalArgumentException("the teacher's M* = W*^T W* is zero: no relative recovery error");
        }
        this.recovered = Matrix.zeros(d, d);
    }

    /** Whether the student's W^T W can be compared with this teacher's M*: both quadratic networks on the same inputs. */
    public static boolean applies(Network teacher, Network student) {
        return teacher.spec().arch() == Arch.QUADRATIC && student.spec().arch() == Arch.QUADRATIC
                && teacher.spec().inputDim() == student.spec().inputDim();
    }

    /** Native bytes: M* and W^T W, d x d each. */
    public static double bytes(int inputDim) { return 2 * Matrix.bytes(inputDim, inputDim); }

    @Override public void onRecord(RunView view, StepRecord record) {
        Matrix w = view.network().parameter(1);
        Linalg.multTransA(1.0, w, w, 0.0, recovered);                          // M = W^T W
        record.put("recovery_sv", Svd.values(recovered));
        Linalg.addScaled(-1.0, target, recovered);                             // M - M*
        record.put("recovery_error", Linalg.normF(recovered) / targetNorm);
    }

    @Override public void close() {
        target.close();
        recovered.close();
    }
}

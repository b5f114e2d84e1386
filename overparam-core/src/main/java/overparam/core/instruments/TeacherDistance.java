package overparam.core.instruments;

import overparam.core.linalg.Matrix;
import overparam.core.nn.Network;
import overparam.core.nn.Observer;
import overparam.core.nn.RunView;
import overparam.core.nn.StepRecord;

/**
 * Teacher-student training (seed 002, Section 5.4; Tian 2017): how far the student's hidden weights are from the
 * teacher's, ||W^(h) - W*^(h)||_F per layer (teacher_distance) and over all layers (teacher_distance_total),
 * the quantity of seed 002's Figure 4 (d, e). The teacher has the student's shape.
 */
public final class TeacherDistance implements Observer {
    private final Matrix[] teacher;

    public TeacherDistance(Network teacherNetwork) {
        teacher = new Matrix[teacherNetwork.depth()];
        for (int h = 1; h <= teacher.length; h++) teacher[h - 1] = teacherNetwork.parameter(h).copy();
    }

    /** Whether a teacher of this shape can be compared with the student entry by entry. */
    public static boolean comparable(Network teacher, Network student) {
        if (teacher.depth() != student.depth()) return false;
        for (int h = 1; h <= teacher.depth(); h++) {
            Matrix t = teacher.parameter(h), s = student.parameter(h);
            if (t.rows() != s.rows() || t.cols() != s.cols()) return false;
        }
        return true;
    }

    @Override public void onRecord(RunView view, StepRecord record) {
        double[] distances = new double[teacher.length];
        double total = 0;
        for (int h = 1; h <= teacher.length; h++) {
            distances[h - 1] = MovementInstrument.distance(view.network().parameter(h), teacher[h - 1])[0];
            total += distances[h - 1] * distances[h - 1];
        }
        record.put("teacher_distance", distances);
        record.put("teacher_distance_total", Math.sqrt(total));
    }

    @Override public void close() {
        for (Matrix m : teacher) m.close();
    }
}

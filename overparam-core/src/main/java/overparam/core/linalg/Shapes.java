package overparam.core.linalg;

/** Shape checks at the BLAS door, so a mismatch is a Java exception, not a native crash. */
final class Shapes {
    private Shapes() {}

    static void requireSameShape(String op, Matrix a, Matrix b) {
        if (a.rows() != b.rows() || a.cols() != b.cols())
            throw new IllegalArgumentException(op + ": shapes differ, " + a + " vs " + b);
    }

    /** The exception for incompatible operands; called only on failure, so the hot path allocates nothing. */
    static IllegalArgumentException mismatch(String op, Matrix... ms) {
        StringBuilder s = new StringBuilder(op).append(": incompatible shapes");
        for (Matrix m : ms) s.append(' ').append(m.rows()).append('x').append(m.cols());
        return new IllegalArgumentException(s.toString());
    }
}

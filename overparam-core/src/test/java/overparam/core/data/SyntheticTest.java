package overparam.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Svd;

/** Points on the unit sphere of a random subspace: unit norm, inside the span of the basis, spanning all of it, and the
 *  same subspace for another point seed. */
class SyntheticTest {
    @Test
    void subspacePointsAreUnitVectorsSpanningExactlyTheSubspace() {
        int n = 40, d = 12, dPrime = 3;
        try (Matrix x = Synthetic.subspace(n, d, dPrime, 5, 9); Matrix q = Synthetic.subspaceBasis(d, dPrime, 9);
             Matrix coords = Matrix.zeros(n, dPrime); Matrix back = Matrix.zeros(n, d)) {
            for (int i = 0; i < n; i++) {
                double norm = 0;
                for (double v : x.row(i)) norm += v * v;
                assertEquals(1.0, norm, 1e-12, "row " + i);
            }
            Linalg.mult(1.0, x, q, 0.0, coords);                         // Q^T x_i, then Q Q^T x_i = x_i: x_i in span(Q)
            Linalg.multTransB(1.0, coords, q, 0.0, back);
            Linalg.addScaled(-1.0, x, back);
            assertEquals(0.0, Linalg.normF(back), 1e-12);
            double[] s = Svd.values(x);                                   // rank exactly d' (40 points of a 3-dim sphere)
            for (int k = 0; k < dPrime; k++) assertTrue(s[k] > 1, "singular value " + k + ": " + s[k]);
            for (int k = dPrime; k < s.length; k++) assertTrue(s[k] < 1e-12, "singular value " + k + ": " + s[k]);
        }
    }

    @Test
    void anotherPointSeedStaysInTheSameSubspaceAndTheBasisIsOrthonormal() {
        int d = 8, dPrime = 2;
        try (Matrix a = Synthetic.subspace(10, d, dPrime, 1, 4); Matrix b = Synthetic.subspace(10, d, dPrime, 2, 4);
             Matrix both = Matrix.zeros(20, d); Matrix q = Synthetic.subspaceBasis(d, dPrime, 4); Matrix gram = Matrix.zeros(dPrime, dPrime)) {
            for (int i = 0; i < 10; i++) { both.setRow(i, a.row(i)); both.setRow(10 + i, b.row(i)); }
            double[] s = Svd.values(both);
            assertTrue(s[dPrime - 1] > 0.5 && s[dPrime] < 1e-12, "20 points of two seeds span " + java.util.Arrays.toString(s));
            Linalg.multTransA(1.0, q, q, 0.0, gram);
            for (int i = 0; i < dPrime; i++) for (int j = 0; j < dPrime; j++) assertEquals(i == j ? 1 : 0, gram.get(i, j), 1e-13);
            try (Matrix c = Synthetic.subspace(10, d, dPrime, 1, 5)) {          // another basis seed: another subspace
                for (int i = 0; i < 10; i++) both.setRow(10 + i, c.row(i));
                assertTrue(Svd.values(both)[dPrime] > 1e-3);
            }
        }
    }
}

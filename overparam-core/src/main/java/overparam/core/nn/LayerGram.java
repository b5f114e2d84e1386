package overparam.core.nn;

import java.nio.DoubleBuffer;
import java.util.stream.IntStream;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/**
 * The Gram matrix of one hidden layer, G_ij = <du_i/dW, du_j/dW>, from its structure, never from per-sample
 * Jacobians. du_i/dW = sum_l b_il phi(x_i)_l^T, with b_il the back-propagated signal of sample i at pixel l
 * and phi(x_i)_l its patch, so
 * <pre>  G_ij = sum_{l, l'} (B_i B_j^T)_{l l'} (phi(X_i) phi(X_j)^T)_{l l'},  (phi(X_i) phi(X_j)^T)_{l l'} = sum_t <x_{i, l+t}, x_{j, l'+t}></pre>
 * (t over the patch's neighbours inside the image). For the dense networks (p = 1) this is DESIGN.md's
 * G = (B B^T) o (X X^T), two dsyrk calls of O(n^2 m). For a convolution it is O(n^2 p^2 m) in matrix products on
 * blocks of samples plus O(n^2 p^2 q) to combine them, with memory bounded by the blocks: the per-sample
 * gradients (n m q d numbers) are never formed.
 */
public final class LayerGram implements AutoCloseable {
    private final int n, p;
    private final Patches patches;
    private final int[] neighbours;
    private final int blockSamples;
    private final Matrix signalProducts, inputProducts;    // B_I B^T and X_I X^T on pixel rows; dense: X X^T only (B B^T goes into G)
    /**
     * beta^2 for a layer with a bias (fc --bias-scale): du_i/db = beta b_i joins du_i/dW = b_i x_i^T, so the Gram of W and b
     * together is (B B^T) o (X X^T + beta^2); 0 without biases.
     */
    private final double biasVariance;

    public LayerGram(NetworkSpec spec, int n) {
        this.n = n;
        this.p = spec.pixels();
        this.patches = spec.patches();
        this.neighbours = p == 1 ? null : patches.neighbourTable();
        this.blockSamples = blockSamples(n, p);
        signalProducts = p == 1 ? null : Matrix.zeros(blockSamples * p, n * p);
        inputProducts = Matrix.zeros(blockSamples * p, n * p);
        biasVariance = spec.biasScale() * spec.biasScale();
        if (biasVariance > 0 && p != 1) throw new IllegalArgumentException("biases only in dense networks");
    }

    /** Samples per block: the two block products stay within 2 x 64 MiB (all samples for the dense networks). */
    private static int blockSamples(int n, int p) {
        if (p == 1) return n;
        return (int) Math.max(1, Math.min(n, (1L << 23) / ((long) p * p * n)));
    }

    /** Native bytes for n samples. */
    public static double bytes(NetworkSpec spec, long n) {
        double p = spec.pixels(), block = blockSamples((int) Math.min(n, Integer.MAX_VALUE), (int) p);
        return (p == 1 ? 1 : 2) * Matrix.bytes(block * p, n * p);
    }

    /**
     * G of the layer whose signals are {@code signal} ((n p) x m pixel rows, B) and whose input is {@code input}
     * ((n p) x d pixel rows, X), into {@code gram} (n x n, both triangles).
     */
    public void compute(Matrix signal, Matrix input, Matrix gram) {
        if (p == 1) {
            Linalg.multOuterLower(signal, gram);                                            // B B^T
            Linalg.multOuterLower(input, inputProducts);                                    // X X^T
            if (biasVariance > 0) Elementwise.shift(inputProducts, biasVariance, inputProducts);   // X X^T + beta^2: the bias's gradient
            hadamardLower(gram, inputProducts);
            Linalg.mirrorLower(gram);
            return;
        }
        for (int first = 0; first < n; first += blockSamples) {
            int count = Math.min(blockSamples, n - first), rest = n - first;
            // pixel products of this block's samples with every sample from the block on (G is symmetric)
            Linalg.multTransB(1.0, signal, first * p, count * p, signal, first * p, rest * p, 0.0, signalProducts, 0);
            Linalg.multTransB(1.0, input, first * p, count * p, input, first * p, rest * p, 0.0, inputProducts, 0);
            final int from = first;
            IntStream.range(0, count).parallel().forEach(s -> combine(s, from, rest, gram));
        }
        mirrorUpper(gram);
    }

    /**
     * Row i = first + s of G, columns j >= i: sum over l, t, l' of C[(s, l), (j, l')] Q[(s, l+t), (j, l'+t)] with
     * both neighbours inside the image; C and Q are the block products, their column j - first.
     */
    private void combine(int s, int first, int rest, Matrix gram) {
        DoubleBuffer c = signalProducts.buffer(), qq = inputProducts.buffer(), g = gram.buffer();
        int q = patches.size(), ld = signalProducts.cols(), i = first + s;
        double[] acc = new double[rest];
        for (int l = 0; l < p; l++) {
            int cRow = (s * p + l) * ld;
            for (int t = 0; t < q; t++) {
                int a = neighbours[l * q + t];
                if (a < 0) continue;
                int qRow = (s * p + a) * ld;
                for (int lp = 0; lp < p; lp++) {
                    int b = neighbours[lp * q + t];
                    if (b < 0) continue;
                    for (int j = s, cj = cRow + j * p + lp, qj = qRow + j * p + b; j < rest; j++, cj += p, qj += p)
                        acc[j] += c.get(cj) * qq.get(qj);
                }
            }
        }
        for (int j = s; j < rest; j++) g.put(i * n + first + j, acc[j]);
    }

    /** Rows were written on and above the diagonal; copy them below it. */
    private static void mirrorUpper(Matrix gram) {
        int n = gram.rows();
        DoubleBuffer g = gram.buffer();
        for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) g.put(j * n + i, g.get(i * n + j));
    }

    /** a = a o b on the lower triangle (with the diagonal). */
    private static void hadamardLower(Matrix a, Matrix b) {
        DoubleBuffer x = a.buffer(), y = b.buffer();
        int n = a.rows();
        for (int i = 0; i < n; i++) {
            int base = i * n;
            for (int j = 0; j <= i; j++) x.put(base + j, x.get(base + j) * y.get(base + j));
        }
    }

    @Override public void close() {
        if (signalProducts != null) signalProducts.close();
        inputProducts.close();
    }
}

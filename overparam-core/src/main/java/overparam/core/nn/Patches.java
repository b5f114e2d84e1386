package overparam.core.nn;

import java.nio.DoubleBuffer;
import overparam.core.BadInputException;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/**
 * The patch operator phi_h of seed 004's convolutional ResNet (Section 3.3): stride 1, zero padding, one
 * patch per pixel, so p pixels in give p pixels out. Images are rows x cols pixels (rows = 1 for 1-D signals)
 * and patches kernelRows x kernelCols (1 x k for signals, k x k for images), q = kernelRows * kernelCols
 * neighbours each. {@link #NONE} (one pixel, q = 1) is the identity: a dense layer is the convolution of a
 * one-pixel input, and every formula here reduces to the dense one there.
 *
 * <p>Layouts. Activations of n samples are n x (p d): row i is sample i's pixels, pixel-major (pixel l's d
 * channels at columns l d .. l d + d - 1), so the same memory is the (n p) x d matrix of pixel rows that the
 * products use. A patch matrix has q d columns, channel-major as in seed 004's phi (column c q + t is
 * channel c at neighbour t), which is also PyTorch's conv weight layout, weight.reshape(m, -1). Neighbour t of
 * pixel (r, c) is (r + t / kernelCols - kernelRows / 2, c + t % kernelCols - kernelCols / 2).
 */
public record Patches(int rows, int cols, int kernelRows, int kernelCols) {
    /** A single pixel and a single neighbour: phi is the identity. */
    public static final Patches NONE = new Patches(1, 1, 1, 1);

    public Patches {
        if (rows < 1 || cols < 1) throw BadInputException.of("image shape " + rows + " x " + cols, rows + " x " + cols, "at least one pixel", "Give inputs of shape n x channels x pixels.");
        if (kernelRows < 1 || kernelCols < 1 || kernelRows % 2 == 0 || kernelCols % 2 == 0)
            throw new IllegalArgumentException("patch " + kernelRows + "x" + kernelCols + ": expected an odd size (stride 1 with zero padding keeps p pixels only for odd sizes)");
    }

    /** Patches of k neighbours for 1-D signals (one row of cols pixels) or k x k for images. */
    public static Patches of(int rows, int cols, int k) {
        return rows == 1 ? new Patches(1, cols, 1, k) : new Patches(rows, cols, k, k);
    }

    /** p, the number of pixels (and of patches). */
    public int pixels() { return rows * cols; }

    /** q, the number of neighbours in a patch. */
    public int size() { return kernelRows * kernelCols; }

    /** Whether phi is the identity on each pixel (q = 1): no patch matrix is needed. */
    public boolean pointwise() { return size() == 1; }

    /** The pixel that is neighbour t of pixel l, or -1 where the patch reaches into the zero padding. */
    public int neighbour(int l, int t) {
        int r = l / cols + t / kernelCols - kernelRows / 2, c = l % cols + t % kernelCols - kernelCols / 2;
        return r < 0 || r >= rows || c < 0 || c >= cols ? -1 : r * cols + c;
    }

    /** neighbour(l, t) for every l, t, as table[l q + t]. */
    int[] neighbourTable() {
        int p = pixels(), q = size();
        int[] table = new int[p * q];
        for (int l = 0; l < p; l++) for (int t = 0; t < q; t++) table[l * q + t] = neighbour(l, t);
        return table;
    }

    /** "8x8 pixels, 3x3 patches" for summaries and messages. */
    public String describe() {
        return (rows == 1 ? cols + " pixels" : rows + "x" + cols + " pixels") + ", "
                + (kernelRows == 1 ? kernelCols + "-pixel" : kernelRows + "x" + kernelCols) + " patches";
    }

    /**
     * phi of samples [first, first + count): columns row (s p + l) is the patch of pixel l of sample first + s,
     * from pixel rows in ((n p) x d). columns has at least count p rows and q d columns.
     */
    void gather(Matrix in, int first, int count, Matrix columns, int[] table) {
        int p = pixels(), q = size(), d = in.cols(), width = columns.cols();
        DoubleBuffer from = in.buffer(), to = columns.buffer();
        for (int s = 0; s < count; s++) {
            int sample = (first + s) * p;
            for (int l = 0; l < p; l++) {
                int row = (s * p + l) * width;
                for (int t = 0; t < q; t++) {
                    int nb = table[l * q + t];
                    if (nb < 0) for (int c = 0; c < d; c++) to.put(row + c * q + t, 0.0);
                    else for (int c = 0, src = (sample + nb) * d; c < d; c++) to.put(row + c * q + t, from.get(src + c));
                }
            }
        }
    }

    /** The adjoint of gather: adds each patch entry of columns back onto the pixel it came from (into out). */
    void scatterAdd(Matrix columns, int first, int count, Matrix out, int[] table) {
        int p = pixels(), q = size(), d = out.cols(), width = columns.cols();
        DoubleBuffer from = columns.buffer(), to = out.buffer();
        for (int s = 0; s < count; s++) {
            int sample = (first + s) * p;
            for (int l = 0; l < p; l++) {
                int row = (s * p + l) * width;
                for (int t = 0; t < q; t++) {
                    int nb = table[l * q + t];
                    if (nb < 0) continue;
                    for (int c = 0, dst = (sample + nb) * d; c < d; c++) to.put(dst + c, to.get(dst + c) + from.get(row + c * q + t));
                }
            }
        }
    }

    /**
     * Samples per block of a patch matrix: as many as fit in {@link #COLUMN_BUDGET} doubles, at least one, at
     * most all. Blocks keep the memory of phi(X) bounded (it is q times the activations) at no loss of speed:
     * each block is still one large matrix product.
     */
    static int samplesPerBlock(int samples, int pixels, int patchWidth) {
        long perSample = (long) pixels * patchWidth;
        return (int) Math.max(1, Math.min(samples, COLUMN_BUDGET / Math.max(1, perSample)));
    }

    static final long COLUMN_BUDGET = 1L << 23;       // 8M doubles = 64 MiB

    /**
     * The limit of phi's inner products from the pixels' (seed 004, Def. 7.1, "tr(H_{ij, D_l D_r})" read at
     * l = r): <phi(x)_l, phi(y)_l> = sum_t <x_{l+t}, y_{l+t}> over neighbours inside the image. Slices are n x n
     * blocks stacked as (p n) x n; only same-pixel slices are needed because the output a weights each pixel
     * independently (E[a_l a_r] = 0 for l != r), and the map from same-pixel slices to same-pixel slices is closed.
     * For NONE returns the input itself.
     */
    Matrix patchSum(Matrix slices, int n) {
        if (pointwise()) return slices;
        int p = pixels(), q = size();
        Matrix out = Matrix.zeros(p * n, n);
        for (int l = 0; l < p; l++)
            for (int t = 0; t < q; t++) {
                int nb = neighbour(l, t);
                if (nb < 0) continue;
                try (Matrix to = out.rowRange(l * n, n); Matrix from = slices.rowRange(nb * n, n)) {
                    Linalg.addScaled(1.0, from, to);
                }
            }
        return out;
    }

    /** sum over pixels of the stacked slices: the n x n readout of same-pixel kernels through a in R^{m x p}. */
    static Matrix sumSlices(Matrix slices, int n) {
        int p = slices.rows() / n;
        Matrix out = Matrix.zeros(n, n);
        for (int l = 0; l < p; l++)
            try (Matrix slice = slices.rowRange(l * n, n)) {
                Linalg.addScaled(1.0, slice, out);
            }
        return out;
    }
}

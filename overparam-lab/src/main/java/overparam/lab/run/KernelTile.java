package overparam.lab.run;

import java.io.Serializable;
import overparam.core.linalg.Matrix;
import overparam.core.nn.TiledKernels;

/**
 * One tile of the kernels a tiled prediction writes: tile (r, c) of the training kernels' lower triangle (Theta and the
 * NNGP, files ntk-r-c and nngp-r-c), or of the cross kernels (ntkx-r-c, nngpx-r-c: test rows, training columns), with its
 * rows [rowStart, rowStart + rows) of the training or test inputs and columns [colStart, colStart + cols) of the training
 * inputs. Plain values, so a tile travels to whatever computes it ({@link TileExecutor}).
 */
public record KernelTile(boolean cross, int r, int c, int rowStart, int rows, int colStart, int cols) implements Serializable {
    /** The file name of a kernel's tile (i, j) in the tiles folder (kind ntk, nngp, ntkx, nngpx, or L's Lntk, ...). */
    static String name(String kind, int i, int j) {
        return kind + "-" + i + "-" + j;
    }

    public String ntkName() { return name(cross ? "ntkx" : "ntk", r, c); }

    public String nngpName() { return name(cross ? "nngpx" : "nngp", r, c); }

    /** A tile on the training kernels' diagonal: its rows and columns are the same samples. */
    public boolean diagonal() { return !cross && r == c; }

    /**
     * Theta into ntk and the NNGP into nngp (each rows x cols; gram is scratch of that shape), from the tile's own inputs
     * and variances as {@code source} gives them. A diagonal tile passes one matrix as both its rows and its columns, so
     * that {@link TiledKernels#tile} gives each sample's entry with itself its exact variance.
     */
    public void compute(TiledKernels maps, TileSource source, Matrix gram, Matrix ntk, Matrix nngp) {
        Matrix rowInputs = source.inputs(cross, rowStart, rows);
        Matrix colInputs = diagonal() ? rowInputs : source.inputs(false, colStart, cols);
        try {
            maps.tile(rowInputs, source.variances(cross, rowStart, rows), 0, colInputs, source.variances(false, colStart, cols), 0, gram, ntk, nngp);
        } finally {
            rowInputs.close();
            if (colInputs != rowInputs) colInputs.close();
        }
    }
}

package overparam.lab.run;

import java.util.List;
import overparam.core.linalg.Matrix;
import overparam.core.nn.TiledKernels;

/**
 * Kernel tiles in this process (kernel --executor local, the default): one after another, in the order given, into three
 * scratch matrices of the largest tile's shape; each tile's entries run on every core ({@link TiledKernels#tile}).
 */
public final class InProcessTiles implements TileExecutor {
    @Override public void computeAll(TileInputs inputs, List<KernelTile> tiles, Delivery delivery) {
        if (tiles.isEmpty()) return;
        TiledKernels maps = TiledKernels.of(inputs.maps());
        int rows = tiles.stream().mapToInt(KernelTile::rows).max().orElseThrow(), cols = tiles.stream().mapToInt(KernelTile::cols).max().orElseThrow();
        try (Matrix g = Matrix.zeros(rows, cols); Matrix ntk = Matrix.zeros(rows, cols); Matrix nngp = Matrix.zeros(rows, cols)) {
            for (KernelTile t : tiles) {
                Matrix gv = g.leading(t.rows(), t.cols()), tv = ntk.leading(t.rows(), t.cols()), kv = nngp.leading(t.rows(), t.cols());
                t.compute(maps, inputs, gv, tv, kv);
                delivery.accept(t, tv, kv);
            }
        }
    }
}

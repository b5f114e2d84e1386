package overparam.spark;

import org.apache.spark.broadcast.Broadcast;
import overparam.core.linalg.Matrix;
import overparam.core.nn.TiledKernels;
import overparam.lab.run.KernelTile;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

/**
 * The executor's side of a kernel tile: the maps made again from their recipe and the tile's rows and columns copied out
 * of the broadcast inputs (once per partition, which holds one tile), then the same {@link KernelTile#compute} the
 * in-process executor calls. Nothing here reads the driver's files.
 */
final class ComputeTileTask extends AbstractFunction1<Iterator<KernelTile>, TileResult> implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final Broadcast<TileBroadcast> inputs;

    ComputeTileTask(Broadcast<TileBroadcast> inputs) { this.inputs = inputs; }

    @Override public TileResult apply(Iterator<KernelTile> partition) {
        KernelTile tile = partition.next();
        if (partition.hasNext()) throw new IllegalStateException("a partition holds more than one tile");
        return compute(tile, inputs.value());
    }

    static TileResult compute(KernelTile t, TileBroadcast in) {
        TiledKernels maps = TiledKernels.of(in.maps());
        try (Matrix g = Matrix.zeros(t.rows(), t.cols()); Matrix ntk = Matrix.zeros(t.rows(), t.cols()); Matrix nngp = Matrix.zeros(t.rows(), t.cols())) {
            t.compute(maps, in, g, ntk, nngp);
            return new TileResult(t, ntk.toArray(), nngp.toArray());
        }
    }
}

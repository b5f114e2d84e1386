package overparam.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SimpleFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import overparam.core.linalg.Matrix;
import overparam.lab.run.KernelTile;
import overparam.lab.run.TileExecutor;
import overparam.lab.run.TileInputs;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;

/**
 * kernel --predict --executor spark: the missing kernel tiles as Spark tasks, one partition per tile. The inputs and
 * variances go to the executors once, as a broadcast; each task computes its tile with the in-process executor's code
 * ({@link ComputeTileTask}) and returns its doubles; the driver hands each tile to the prediction, which writes it, as it
 * arrives.
 *
 * <p>The driver keeps as many tiles in flight as Spark has task slots (one job per tile, the next submitted when a tile
 * has been written), so every core works and the driver holds at most that many tiles: RDD.toLocalIterator would also
 * bound it, but it runs one partition's job after another, one task at a time on the whole cluster.
 */
final class SparkTileExecutor implements TileExecutor {
    private final JavaSparkContext spark;

    private SparkTileExecutor(JavaSparkContext spark) { this.spark = spark; }

    /** One core per task: a tile's entries already run on every core the executor has (a parallel loop), its BLAS likewise. */
    static SparkTileExecutor open(String masterOption) {
        return new SparkTileExecutor(SparkContexts.open(masterOption, "overparam kernel", master -> 1, "or drop --executor spark"));
    }

    @Override public void computeAll(TileInputs inputs, List<KernelTile> tiles, Delivery delivery) {
        if (tiles.isEmpty()) return;
        Broadcast<TileBroadcast> shared = spark.broadcast(TileBroadcast.of(inputs));
        List<SimpleFutureAction<BoxedUnit>> running = new ArrayList<>();
        try {
            spark.setJobDescription("overparam: " + tiles.size() + " kernel tiles");
            RDD<KernelTile> rdd = spark.parallelize(tiles, tiles.size()).rdd();
            ComputeTileTask task = new ComputeTileTask(shared);
            BlockingQueue<TileResult> arrived = new LinkedBlockingQueue<>();
            int window = Math.max(1, spark.sc().defaultParallelism());
            int rows = tiles.stream().mapToInt(KernelTile::rows).max().orElseThrow(), cols = tiles.stream().mapToInt(KernelTile::cols).max().orElseThrow();
            try (Matrix ntk = Matrix.zeros(rows, cols); Matrix nngp = Matrix.zeros(rows, cols)) {
                int submitted = 0, delivered = 0;
                while (delivered < tiles.size()) {
                    for (; submitted < tiles.size() && submitted - delivered < window; submitted++) {
                        List<Object> partition = List.of(submitted);
                        running.add(spark.sc().submitJob(rdd, task, CollectionConverters.asScala(partition).toSeq(), new SparkJobResults.Arrive<>(arrived), new SparkJobResults.Unit()));
                    }
                    TileResult r = arrived.poll(100, TimeUnit.MILLISECONDS);
                    if (r == null) {
                        requireNoneFailed(running);
                        continue;
                    }
                    KernelTile t = r.tile();
                    Matrix tv = ntk.leading(t.rows(), t.cols()), kv = nngp.leading(t.rows(), t.cols());
                    tv.buffer().put(0, r.ntk());
                    kv.buffer().put(0, r.nngp());
                    delivery.accept(t, tv, kv);
                    delivered++;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            for (SimpleFutureAction<BoxedUnit> job : running) if (!job.isCompleted()) job.cancel();
            shared.destroy();
        }
    }

    /** A job that ended without its tile (a task that threw, an executor lost too often): Spark's reason. Finished jobs are dropped. */
    private static void requireNoneFailed(List<SimpleFutureAction<BoxedUnit>> running) {
        for (var it = running.iterator(); it.hasNext(); ) {
            SimpleFutureAction<BoxedUnit> job = it.next();
            if (!job.isCompleted()) continue;
            scala.util.Try<BoxedUnit> t = job.value().get();
            if (t.isFailure()) {
                Throwable e = t.failed().get();
                throw new IllegalStateException("the Spark job stopped before every kernel tile returned: " + SparkContexts.firstLine(e.getMessage()), e);
            }
            it.remove();
        }
    }

    @Override public void close() {
        spark.stop();
    }
}

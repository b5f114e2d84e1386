package overparam.lab.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import overparam.core.nn.RunStatus;
import overparam.lab.run.TrainRun;

/**
 * Cells in this process (run --executor local, the default): a pool of cores / threads-per-cell workers, so that cells x
 * BLAS threads <= cores; each cell's run writes its folder directly where its out says.
 */
public final class InProcessExecutor implements CellExecutor {
    private final int parallel;

    public InProcessExecutor(int threadsPerCell) {
        this.parallel = Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, threadsPerCell));
    }

    @Override public void runAll(List<Cell> cells, Cells callbacks) {
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Cell c : cells) futures.add(pool.submit(() -> run(c, callbacks)));
            for (Future<?> f : futures) f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void run(Cell cell, Cells callbacks) {
        long t0 = System.nanoTime();
        callbacks.started(cell);
        RunStatus status = TrainRun.execute(cell.config(), callbacks.progress(cell)).result().status();
        callbacks.finished(cell, status, (System.nanoTime() - t0) / 1e9);
    }
}

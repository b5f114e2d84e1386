package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;

/** The elementwise loops split across threads: bit-identical to one thread, and they never hang. */
class ParallelLoopsTest {
    @AfterEach void restoreThreads() { Linalg.setThreads(Runtime.getRuntime().availableProcessors()); }

    static Matrix random(int rows, int cols, long seed) {
        Random r = new Random(seed);
        Matrix m = Matrix.zeros(rows, cols);
        for (int i = 0; i < m.size(); i++) m.set(i, 3 * r.nextGaussian());
        return m;
    }

    /** 1000 x 700 elements: large enough to split into shares on 2 and 3 threads. */
    @Test
    void everyKernelGivesTheSameBitsOnAnyThreadCount() {
        int rows = 1000, cols = 700;
        double[][] reference = null;
        for (int threads : new int[] {1, 2, 3}) {
            Linalg.setThreads(threads);
            try (Matrix pre = random(rows, cols, 1); Matrix out = Matrix.zeros(rows, cols); Matrix slope = Matrix.zeros(rows, cols);
                 Matrix product = Matrix.zeros(rows, cols); Matrix scaled = Matrix.zeros(rows, cols); Matrix broadcast = Matrix.zeros(rows, cols);
                 Matrix rowScale = random(rows, 1, 2); Matrix row = random(cols, 1, 3)) {
                Elementwise.activate(new Activation.Softplus(), pre, out, slope, 0.7);
                Elementwise.multiply(out, slope, product);
                Elementwise.scaleRows(rowScale, product, scaled);
                Elementwise.broadcastRow(row, broadcast);
                double[][] now = {out.toArray(), slope.toArray(), product.toArray(), scaled.toArray(), broadcast.toArray()};
                if (reference == null) reference = now;
                else for (int k = 0; k < now.length; k++) assertArrayEquals(reference[k], now[k], 0.0, "kernel " + k + " on " + threads + " threads");
            }
        }
    }

    /** Handing a loop to the workers allocates nothing: the quietest of five windows of 1000 loops is exactly 0 bytes. */
    @Test
    void splittingALoopAllocatesNothing() {
        Linalg.setThreads(2);
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long quietest = Long.MAX_VALUE;
        try (Matrix pre = random(400, 500, 1); Matrix out = Matrix.zeros(400, 500); Matrix slope = Matrix.zeros(400, 500)) {
            Activation f = new Activation.Relu();               // cheap: the splitting, not the math, is under test
            for (int window = 0; window < 5; window++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 1000; i++) Elementwise.activate(f, pre, out, slope, 1.0);
                quietest = Math.min(quietest, threads.getCurrentThreadAllocatedBytes() - before);
            }
        }
        org.junit.jupiter.api.Assertions.assertEquals(0, quietest, "bytes allocated by 1000 split loops");
    }

    /**
     * 20,000 split loops in a row all finish, each with its whole range done (a lost wake-up would hang the caller, a
     * lost share leave zeros). A hang is told from a slow machine by progress, not by a deadline for the whole run: the
     * loops run on a thread of their own, and the test fails only if not one loop (0.15 M products, well under a
     * millisecond) finishes in 60 seconds.
     */
    @Test
    void manyLoopsInARowComplete() throws InterruptedException {
        int loops = 20_000;
        AtomicInteger done = new AtomicInteger();
        AtomicReference<double[]> last = new AtomicReference<>();
        try (Matrix a = random(300, 500, 1); Matrix b = Matrix.zeros(300, 500)) {
            Thread caller = new Thread(() -> {
                Linalg.setThreads(2);
                for (int i = 0; i < loops; i++) {
                    if (i == loops - 1) b.fill(0);
                    Elementwise.multiply(a, a, b);
                    done.incrementAndGet();
                }
                last.set(b.toArray());
            }, "parallel-loops-caller");
            caller.setDaemon(true);
            caller.start();
            for (int before = -1; caller.isAlive(); ) {
                caller.join(TimeUnit.SECONDS.toMillis(60));
                int now = done.get();
                assertTrue(now > before || !caller.isAlive(), "no loop finished in 60 s after " + now + " of " + loops + ": the workers hang");
                before = now;
            }
            assertEquals(loops, done.get());
            double[] x = a.toArray(), squares = new double[x.length];
            for (int i = 0; i < x.length; i++) squares[i] = x[i] * x[i];
            assertArrayEquals(squares, last.get(), 0.0, "the last loop's whole range");
        }
    }
}

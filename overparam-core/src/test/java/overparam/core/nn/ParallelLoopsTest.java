package overparam.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void manyLoopsInARowComplete() {
        Linalg.setThreads(2);
        try (Matrix a = random(300, 500, 1); Matrix b = Matrix.zeros(300, 500)) {
            for (int i = 0; i < 20_000; i++) Elementwise.multiply(a, a, b);
        }
    }
}

package overparam.core.nn;

import java.nio.DoubleBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import overparam.core.linalg.Linalg;

/**
 * Runs the training step's elementwise loops on as many threads as BLAS uses, allocating nothing per loop:
 * each calling thread has a few persistent workers that wait for its next loop (spinning for a few
 * microseconds, then parked), and runs the first share itself. A loop over [0, count) is cut into equal
 * index ranges, so results never depend on the thread count. Kernels are stateless; their arguments travel
 * in the runner's {@link Slots}, published to the workers by a volatile write.
 */
final class ParallelLoops {
    /**
     * Below this many elements per thread a loop stays on the calling thread: between the short BLAS calls of a
     * small network our spinning worker and OpenBLAS's own would fight over the cores (measured: a 64 x 512
     * step went from 4.6 to 7.5 ms on 2 threads with 16K). Large layers (the n = 1000, m = 4096 step has 4M
     * elements a layer) split.
     */
    private static final long MIN_SHARE = 1 << 16;
    private static final long SPIN_NANOS = 20_000;
    private static final ThreadLocal<Runner> RUNNERS = ThreadLocal.withInitial(Runner::new);

    /** A loop body over units [from, to) reading its arguments from the slots. */
    interface Kernel {
        void run(Slots s, int from, int to);
    }

    /** Arguments of the current loop. */
    static final class Slots {
        DoubleBuffer x, y, z;
        double scalar;
        int cols;
        Activation activation;
    }

    private ParallelLoops() {}

    /** The calling thread's argument slots: fill them, then {@link #run}. */
    static Slots slots() {
        return RUNNERS.get().slots;
    }

    /** Runs kernel over units [0, count), each of unitElements elements, and returns when every share is done. */
    static void run(Kernel kernel, int count, int unitElements) {
        RUNNERS.get().run(kernel, count, (long) count * unitElements, Linalg.threads());
    }

    private static final class Runner {
        final Slots slots = new Slots();
        final AtomicInteger pending = new AtomicInteger();
        Worker[] workers = new Worker[0];
        Kernel kernel;
        int count, shares;
        volatile long epoch;

        void run(Kernel k, int n, long elements, int threads) {
            int s = (int) Math.max(1, Math.min(threads, elements / MIN_SHARE));
            if (s == 1) {
                k.run(slots, 0, n);
                return;
            }
            if (workers.length < s - 1) grow(s - 1);
            kernel = k;
            count = n;
            shares = s;
            pending.set(s - 1);
            epoch++;                                           // publishes kernel, count, shares and the slots
            for (int w = 0; w < s - 1; w++) workers[w].wake();
            k.run(slots, 0, bound(0));
            while (pending.get() != 0) Thread.onSpinWait();
        }

        int bound(int share) {
            return (int) ((long) count * (share + 1) / shares);
        }

        private void grow(int size) {
            Worker[] more = java.util.Arrays.copyOf(workers, size);
            for (int w = workers.length; w < size; w++) {
                more[w] = new Worker(this, w + 1);
                more[w].thread.start();
            }
            workers = more;
        }
    }

    private static final class Worker implements Runnable {
        final Runner runner;
        final int share;
        final Thread thread;
        final long startEpoch;                  // the last job before this worker existed
        volatile boolean parked;

        Worker(Runner runner, int share) {
            this.runner = runner;
            this.share = share;
            this.startEpoch = runner.epoch;
            this.thread = new Thread(this, "overparam-loop-" + share);
            thread.setDaemon(true);
        }

        void wake() {
            if (parked) LockSupport.unpark(thread);
        }

        @Override public void run() {
            long seen = startEpoch;                      // not runner.epoch: a job may already be waiting
            while (true) {
                long spinStart = System.nanoTime();
                while (runner.epoch == seen) {
                    if (System.nanoTime() - spinStart < SPIN_NANOS) { Thread.onSpinWait(); continue; }
                    parked = true;                              // the caller unparks us if it sees this flag
                    if (runner.epoch == seen) LockSupport.park(this);
                    parked = false;
                    spinStart = System.nanoTime();
                }
                seen = runner.epoch;
                if (share < runner.shares) {
                    runner.kernel.run(runner.slots, runner.bound(share - 1), runner.bound(share));
                    runner.pending.decrementAndGet();
                }
            }
        }
    }
}

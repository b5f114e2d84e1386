package overparam.spark;

import java.util.concurrent.BlockingQueue;
import scala.runtime.AbstractFunction0;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * The two callbacks {@code SparkContext.submitJob} takes, for the executors that submit one job per cell or tile and
 * write results at the driver as they come: each result is queued for the driver's thread (Spark calls the handler on
 * its scheduler's thread, which must not do the writing), and the job's final value is unit.
 */
final class SparkJobResults {
    private SparkJobResults() {}

    /** Spark's result handler: queues each partition's result for the driver's thread. */
    static final class Arrive<T> extends AbstractFunction2<Object, T, BoxedUnit> {
        private final BlockingQueue<T> queue;

        Arrive(BlockingQueue<T> queue) { this.queue = queue; }

        @Override public BoxedUnit apply(Object partition, T result) {
            queue.add(result);
            return BoxedUnit.UNIT;
        }
    }

    /** The job's result: nothing beyond what the handler queued. */
    static final class Unit extends AbstractFunction0<BoxedUnit> {
        @Override public BoxedUnit apply() { return BoxedUnit.UNIT; }
    }
}

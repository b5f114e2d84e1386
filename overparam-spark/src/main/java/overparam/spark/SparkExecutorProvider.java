package overparam.spark;

import overparam.lab.experiment.CellExecutor;

/** run --executor spark, registered in META-INF/services for ServiceLoader (the cli has no compile-time dependency on Spark). */
public final class SparkExecutorProvider implements CellExecutor.Provider {
    @Override public String name() { return CellExecutor.SPARK; }

    @Override public CellExecutor open(String master, int threadsPerCell) {
        return SparkCellExecutor.open(master, threadsPerCell);
    }
}

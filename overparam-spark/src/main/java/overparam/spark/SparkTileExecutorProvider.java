package overparam.spark;

import overparam.lab.run.TileExecutor;

/** kernel --predict --executor spark, registered in META-INF/services for ServiceLoader (the lab has no compile-time dependency on Spark). */
public final class SparkTileExecutorProvider implements TileExecutor.Provider {
    @Override public String name() { return TileExecutor.SPARK; }

    @Override public TileExecutor open(String master) {
        return SparkTileExecutor.open(master);
    }
}

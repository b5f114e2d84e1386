package overparam.lab.run;

import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import overparam.core.BadInputException;
import overparam.lab.plan.ExecutorChoice;
import overparam.core.linalg.Matrix;

/**
 * Where a tiled prediction's kernel tiles are computed. {@link TiledPrediction} decides which tiles are missing and writes
 * each one the executor delivers (atomically, under its name), so the tile files and resuming a killed job are the same
 * whichever executor computed them; an executor only turns tiles into numbers. {@link InProcessTiles} (kernel --executor
 * local, the default) computes them one after another in this process; the Spark executor (module overparam-spark, built
 * with -Pspark) is a {@link Provider} found by ServiceLoader, so nothing here depends on Spark at compile time.
 */
public interface TileExecutor extends AutoCloseable {
    /** The executor names kernel --executor takes (those of run --executor); "local" is this process. */
    String LOCAL = ExecutorChoice.LOCAL, SPARK = ExecutorChoice.SPARK;
    List<String> NAMES = ExecutorChoice.NAMES;

    /** What the driver does with a computed tile. */
    @FunctionalInterface
    interface Delivery {
        /** Called on the thread that called {@link #computeAll}, one tile at a time; ntk and nngp (rows x cols) are only valid during the call. */
        void accept(KernelTile tile, Matrix ntk, Matrix nngp);
    }

    /**
     * Computes every tile from the inputs and delivers each one, in any order; returns once all are delivered. A failure
     * ends the call with its exception; the tiles delivered before it stay written.
     */
    void computeAll(TileInputs inputs, List<KernelTile> tiles, Delivery delivery);

    @Override default void close() {}

    /** An executor chosen but not opened yet (Spark starts only when a job has tiles to compute): its name and how to open it. */
    record Factory(String name, Supplier<TileExecutor> opener) {
        public static final Factory IN_PROCESS = new Factory(LOCAL, InProcessTiles::new);

        public TileExecutor open() { return opener.get(); }

        public boolean inProcess() { return name.equals(LOCAL); }
    }

    /** An executor built outside the lab (overparam-spark), registered in META-INF/services under this interface's name. */
    interface Provider {
        /** Its --executor name. */
        String name();

        /** Opens it on a master URL (null: its default), refusing before anything is written a master it cannot reach or parse. */
        TileExecutor open(String master);
    }

    /**
     * The executor that kernel --executor NAME [--master URL] names, checked before anything runs: an unknown name is
     * refused with the choices, --master without --executor spark is refused, and so is the Spark executor when it is not on
     * the classpath (it is built only by -Pspark; ./overparam builds it on first use).
     */
    static Factory choose(String name, String master) {
        ExecutorChoice c = ExecutorChoice.parse(name, master, "kernel tiles are computed in this process otherwise");
        if (c.local()) return Factory.IN_PROCESS;
        for (Provider p : ServiceLoader.load(Provider.class))
            if (p.name().equals(c.name())) return new Factory(c.name(), () -> p.open(master));
        throw c.notBuilt();
    }
}

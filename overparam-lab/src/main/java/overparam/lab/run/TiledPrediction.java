package overparam.lab.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import overparam.core.BadInputException;
import overparam.core.data.AtomicFile;
import overparam.core.data.TileStore;
import overparam.core.kernel.KernelPrediction;
import overparam.core.kernel.TiledCholesky;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.linalg.Memory;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.TiledKernels;
import overparam.core.nn.TrainedLayers;

/**
 * The infinite network's predictions when its kernels do not fit in memory: Theta and the NNGP made tile by tile
 * ({@link TiledKernels}) into files under {@code OUT/tiles}, each solve by the tiled Cholesky factorization
 * ({@link TiledCholesky}) with L's tiles in memory up to the budget, the predictions and the NNGP posterior variance
 * streamed from the cross-kernel tiles. Kernel tiles are written one by one, atomically, so a killed job rerun with the
 * same command resumes from its finished tiles; the tiles are deleted once the predictions are written.
 *
 * <p>Memory: the inputs, one column of A's tiles (n x tile), a few tiles of scratch, and L's tiles up to the budget (all
 * of L, n (n + tile) / 2 doubles, when it fits; the rest spills to disk and is read back per use). Disk: the lower
 * triangles of Theta and the NNGP and both cross kernels, plus L's spill.
 */
final class TiledPrediction {
    /** What the tiled solve reports next to the predictions. */
    record Solved(Matrix ntk, Matrix nngp, double[] variance, double residualNtk, double residualNngp, double[] testNtk, double[] testNngp,
                  KernelPredictionRun.Tiling tiling) implements AutoCloseable {
        @Override public void close() {
            ntk.close();
            nngp.close();
        }
    }

    /** Work units of one kernel entry per hidden layer, in flops of the factorization's BLAS (measured: see the note of issue 17). */
    static final double ENTRY_WORK = 3000;

    private final NetworkSpec spec;
    private final TiledKernels maps;
    private final TileExecutor.Factory executors;
    private final Matrix x, xTest;
    private final TiledCholesky.Grid grid, testGrid;
    private final long memory;
    private final Path dir;
    private final KernelPredictionRun.Progress progress;

    private TiledPrediction(NetworkSpec spec, TrainedLayers trained, Matrix x, Matrix xTest, int tile, long memory, Path dir, KernelPredictionRun.Progress progress,
                            TileExecutor.Factory executors) {
        this.spec = spec;
        this.maps = TiledKernels.of(spec, trained);
        this.executors = executors;
        this.x = x;
        this.xTest = xTest;
        this.grid = new TiledCholesky.Grid(x.rows(), tile);
        this.testGrid = new TiledCholesky.Grid(xTest.rows(), tile);
        this.memory = memory;
        this.dir = dir;
        this.progress = progress;
    }

    /**
     * Refuses, in one line, a network whose kernels cannot be made tile by tile ({@link TiledKernels#unsupported}): named
     * is what led to tiles (an option, or the samples that do not fit), asked whether an option asked for them, otherwise
     * the way out besides another network (e.g. "or fewer samples.").
     */
    static void requireTileable(NetworkSpec spec, String named, boolean asked, String otherwise) {
        TiledKernels.unsupported(spec).ifPresent(reason -> {
            throw new BadInputException(named + ": the kernels " + (asked ? "are made tile by tile" : "do not fit in memory and would be made tile by tile")
                    + ", but " + reason + ". Use --arch fc or two-layer with relu, leaky-relu, erf, identity or quadratic, " + otherwise);
        });
    }

    /** The tile edge when none is given: 2000 (32 MB tiles, long enough for BLAS-3 at full speed), at most n / 2 so there are tiles. */
    static int defaultTile(int n) {
        return Math.max(1, Math.min(2000, (n + 1) / 2));
    }

    /** Bytes held besides L's tiles: inputs, targets, one column of A, the scratch tiles, a variance chunk, the outputs. */
    static long fixedBytes(int n, int nTest, int d, int outputs, int tile) {
        long t = TileStore.bytes(tile, tile);
        return TileStore.bytes(n + (long) nTest, d) + 3 * TileStore.bytes(n, outputs) + 2 * TileStore.bytes(nTest, outputs)
                + TileStore.bytes(n, tile) * 2 + 5 * t + (64L << 20);
    }

    /** Bytes of L: the lower tiles of an n x n matrix. */
    static long factorBytes(TiledCholesky.Grid g) {
        long b = 0;
        for (int i = 0; i < g.count(); i++) for (int j = 0; j <= i; j++) b += TileStore.bytes(g.size(i), g.size(j));
        return b;
    }

    /** Bytes on disk: both kernels' lower tiles and cross tiles. */
    static long kernelDiskBytes(TiledCholesky.Grid g, TiledCholesky.Grid test) {
        return 2 * (factorBytes(g) + TileStore.bytes(test.n(), g.n()));
    }

    /**
     * Solves for both kernels. targets: n x k. Refuses (bad input) a memory limit too small for the fixed part, a disk
     * without room for the tiles, and an out folder holding another job's tiles. The missing kernel tiles are computed by the
     * executor {@code executors} opens (only when tiles are missing), and written here.
     */
    static Solved solve(NetworkSpec spec, TrainedLayers trained, Matrix x, Matrix xTest, Matrix targets, double ridge, int tile, long memory,
                        Path out, String job, KernelPredictionRun.Progress progress, TileExecutor.Factory executors) {
        return solve(spec, trained, x, xTest, targets, ridge, "--ridge", tile, memory, out, job, progress, executors);
    }

    /** As above; a kernel that is not positive definite is refused naming {@code ridgeOption} (train's --kernel-ridge). */
    static Solved solve(NetworkSpec spec, TrainedLayers trained, Matrix x, Matrix xTest, Matrix targets, double ridge, String ridgeOption, int tile,
                        long memory, Path out, String job, KernelPredictionRun.Progress progress, TileExecutor.Factory executors) {
        TiledPrediction p = new TiledPrediction(spec, trained, x, xTest, tile, memory, out.resolve("tiles"), progress, executors);
        return p.run(targets, ridge, ridgeOption, job);
    }

    private Solved run(Matrix y, double ridge, String ridgeOption, String job) {
        long fixed = fixedBytes(grid.n(), testGrid.n(), x.cols(), y.cols(), grid.tile());
        if (memory < fixed)
            throw new BadInputException("--memory " + Memory.format(memory) + ": the tiled solve of n = " + grid.n() + " needs at least "
                    + Memory.format(fixed) + " besides L's tiles (inputs, one column of " + grid.tile() + "-wide tiles, scratch). Give a larger --memory or a smaller --tile-size.");
        long budget = memory - fixed;
        long lBytes = factorBytes(grid);
        requireDisk(Math.max(0, lBytes - budget));                 // before anything is written
        String jobText = jobText(job);
        requireSameJob(jobText);
        double entries = (double) grid.n() * (grid.n() + grid.tile()) / 2 + (double) testGrid.n() * grid.n();
        double total = entries * spec.depth() * ENTRY_WORK + 2 * TiledCholesky.flops(grid.n()) + (double) grid.n() * grid.n() * testGrid.n();   // and the variance's forward solves
        progress.start(total, "kernel tiles, factorizations and solves of n = " + grid.n() + ", n* = " + testGrid.n());
        long t0 = System.nanoTime();
        double[][] v = maps.variances(x), vt = maps.variances(xTest);
        double[][] testDiagonal = maps.diagonal(vt);
        long[] counts = computeTiles(new TileInputs(maps.recipe(), x, xTest, v, vt), jobText);
        long t1 = System.nanoTime();
        try (TileStore store = new TileStore(dir, budget)) {
            Matrix ntk = null, nngp = null;
            try {
                double[] rNtk = new double[1], rNngp = new double[1];
                ntk = solveOne(store, "ntk", "Theta", y, ridge, ridgeOption, rNtk, null, null);
                long t2 = System.nanoTime();
                double[] variance = new double[testGrid.n()];
                nngp = solveOne(store, "nngp", "the NNGP kernel", y, ridge, ridgeOption, rNngp, testDiagonal[1], variance);
                long t3 = System.nanoTime();
                Solved s = new Solved(ntk, nngp, variance, rNtk[0], rNngp[0], testDiagonal[0], testDiagonal[1],
                        new KernelPredictionRun.Tiling(grid.tile(), memory, counts[0], counts[1], store.spilled(), (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                                (t3 - t2) / 1e9, Memory.peakResidentBytes()));
                ntk = null;
                nngp = null;
                return s;
            } finally {
                if (ntk != null) ntk.close();
                if (nngp != null) nngp.close();
            }
        }
    }

    /**
     * Every kernel tile not yet on disk (the lower triangle of the training kernels, then the cross kernels), computed by
     * the chosen executor and written here as each arrives; the executor is opened, and job.txt written, only when tiles
     * are missing, so a refused Spark master leaves nothing behind. Returns {resumed, computed}.
     */
    private long[] computeTiles(TileInputs inputs, String jobText) {
        List<KernelTile> missing = new ArrayList<>();
        long resumed = 0;
        for (KernelTile t : allTiles()) {
            if (TileStore.hasFile(dir, t.ntkName()) && TileStore.hasFile(dir, t.nngpName())) {
                resumed++;
                progress.advance(work(t), phase(t));
            } else {
                missing.add(t);
            }
        }
        if (missing.isEmpty()) return new long[] {resumed, 0};
        try (TileExecutor executor = executors.open(); TileStore files = new TileStore(writeJob(jobText), 0)) {
            executor.computeAll(inputs, missing, (t, ntk, nngp) -> {
                files.put(t.ntkName(), ntk, TileStore.Residency.DISK);
                files.put(t.nngpName(), nngp, TileStore.Residency.DISK);
                progress.advance(work(t), phase(t));
            });
        }
        return new long[] {resumed, missing.size()};
    }

    /** The job's kernel tiles in the order the in-process executor computes them: training rows by rows, then cross rows. */
    private List<KernelTile> allTiles() {
        List<KernelTile> tiles = new ArrayList<>();
        for (int i = 0; i < grid.count(); i++)
            for (int j = 0; j <= i; j++) tiles.add(new KernelTile(false, i, j, grid.start(i), grid.size(i), grid.start(j), grid.size(j)));
        for (int c = 0; c < testGrid.count(); c++)
            for (int i = 0; i < grid.count(); i++) tiles.add(new KernelTile(true, c, i, testGrid.start(c), testGrid.size(c), grid.start(i), grid.size(i)));
        return tiles;
    }

    private double work(KernelTile t) {
        return (double) t.rows() * t.cols() * spec.depth() * ENTRY_WORK;
    }

    private static String phase(KernelTile t) {
        return t.cross() ? "cross-kernel tiles" : "kernel tiles";
    }

    /**
     * One kernel's solve: factor its lower tiles (+ ridge I), alpha = (A + ridge I)^-1 Y, the relative residual from A's
     * tiles, the predictions cross alpha; with prior variances, the posterior variance of every test point.
     */
    private Matrix solveOne(TileStore store, String kind, String what, Matrix y, double ridge, String ridgeOption, double[] residual, double[] prior,
                            double[] variance) {
        TiledCholesky.Source source = (i, j, into) -> readTile(store, name(kind, i, j), into);
        try (TiledCholesky l = TiledCholesky.factor(grid, source, ridge, store, "L" + kind, what,
                flops -> progress.advance(flops, "factorization of " + what));
             Matrix alpha = l.solve(y)) {
            residual[0] = residual(store, kind, alpha, y, ridge);
            Matrix f = Matrix.zeros(testGrid.n(), y.cols());
            try (Matrix scratch = Matrix.zeros(grid.tile(), grid.tile())) {
                for (int c = 0; c < testGrid.count(); c++) {
                    try (Matrix fc = f.rowRange(testGrid.start(c), testGrid.size(c))) {
                        for (int i = 0; i < grid.count(); i++) {
                            Matrix cross = scratch.leading(testGrid.size(c), grid.size(i));
                            readTile(store, name(kind + "x", c, i), cross);
                            try (Matrix ai = alpha.rowRange(grid.start(i), grid.size(i))) {
                                Linalg.mult(1.0, cross, ai, 1.0, fc);            // f(X*_c) += K(X*_c, X_i) alpha_i
                            }
                        }
                    }
                }
                if (prior != null) posteriorVariance(store, kind, l, scratch, prior, variance);
            }
            return f;
        } catch (KernelPrediction.NotPositiveDefinite e) {
            throw new BadInputException(ridgeOption + " " + ridge + ": " + e.getMessage() + ". Add a small ridge, e.g. " + ridgeOption
                    + " 1e-6, or remove duplicated inputs.");
        }
    }

    /** var(x*) = K(x*, x*) - ||L^-1 K(X, x*)||^2, a chunk of test points at a time (Lee et al. 2018, eq. 4). */
    private void posteriorVariance(TileStore store, String kind, TiledCholesky l, Matrix scratch, double[] prior, double[] variance) {
        for (int c = 0; c < testGrid.count(); c++) {
            int bc = testGrid.size(c);
            try (Matrix z = Matrix.zeros(grid.n(), bc)) {
                for (int i = 0; i < grid.count(); i++) {
                    Matrix cross = scratch.leading(bc, grid.size(i));
                    readTile(store, name(kind + "x", c, i), cross);
                    // K(X_i, X*_c) = K(X*_c, X_i)^T into z's rows of tile i, through the buffers (one native call per element is slow at 6e8)
                    DoubleBuffer from = cross.buffer(), to = z.rowBlock(grid.start(i), grid.size(i));
                    int cols = grid.size(i);
                    for (int r = 0; r < cols; r++) for (int s = 0; s < bc; s++) to.put(r * bc + s, from.get(s * cols + r));
                }
                l.forward(z);
                double[] sq = new double[bc];
                for (int r0 = 0, step = z.rowsPerBlock(); r0 < grid.n(); r0 += step) {
                    int rows = Math.min(step, grid.n() - r0);
                    DoubleBuffer zb = z.rowBlock(r0, rows);
                    for (int r = 0; r < rows; r++) for (int s = 0; s < bc; s++) { double e = zb.get(r * bc + s); sq[s] += e * e; }
                }
                for (int s = 0; s < bc; s++) variance[testGrid.start(c) + s] = prior[testGrid.start(c) + s] - sq[s];
            }
            progress.advance((double) grid.n() * grid.n() * bc, "posterior variance");
        }
    }

    /** ||(A + ridge I) alpha - Y||_F / ||Y||_F, A's lower tiles read again (each off-diagonal tile serves both triangles). */
    private double residual(TileStore store, String kind, Matrix alpha, Matrix y, double ridge) {
        try (Matrix r = y.copy(); Matrix scratch = Matrix.zeros(grid.tile(), grid.tile())) {
            Linalg.scale(-1.0, r);
            for (int i = 0; i < grid.count(); i++) {
                for (int j = 0; j <= i; j++) {
                    Matrix a = scratch.leading(grid.size(i), grid.size(j));
                    readTile(store, name(kind, i, j), a);
                    try (Matrix ri = r.rowRange(grid.start(i), grid.size(i)); Matrix rj = r.rowRange(grid.start(j), grid.size(j));
                         Matrix xi = alpha.rowRange(grid.start(i), grid.size(i)); Matrix xj = alpha.rowRange(grid.start(j), grid.size(j))) {
                        Linalg.mult(1.0, a, xj, 1.0, ri);                      // R_i += A_ij alpha_j
                        if (i != j) Linalg.multTransA(1.0, a, xi, 1.0, rj);   // R_j += A_ij^T alpha_i
                    }
                }
            }
            Linalg.addScaled(ridge, alpha, r);
            return Linalg.normF(r) / Linalg.normF(y);
        }
    }

    private static void readTile(TileStore store, String name, Matrix into) {
        Matrix m = store.get(name, into);
        if (m != into) throw new IllegalStateException(name + ": a kernel tile is read from its file");
    }

    private static String name(String kind, int i, int j) {
        return KernelTile.name(kind, i, j);
    }

    /**
     * The job the tiles belong to (network, inputs' checksum, grid), as tiles/job.txt holds it: a folder holding another
     * job's tiles is refused, never mixed in.
     */
    private String jobText(String job) {
        return job + "\nn " + grid.n() + ", n* " + testGrid.n() + ", tile " + grid.tile() + ", inputs crc32 " + checksum(x) + " " + checksum(xTest) + "\n";
    }

    /** Refuses a tiles folder whose job.txt names another job (reads only: nothing is written here). */
    private void requireSameJob(String text) {
        Path file = dir.resolve("job.txt");
        if (!Files.isRegularFile(file)) return;
        try {
            String found = Files.readString(file);
            if (!found.equals(text))
                throw new BadInputException("--out " + dir.getParent() + ": holds the kernel tiles of another job (" + found.lines().findFirst().orElse("")
                        + ", " + found.lines().skip(1).findFirst().orElse("") + "); choose a new folder, or delete it to start again.");
        } catch (IOException e) {
            throw new BadInputException("--out " + dir.getParent() + ": cannot read " + file + " (" + e.getMessage() + "). Choose another folder.");
        }
    }

    /** The tiles folder with its job.txt (written once, before the first tile). */
    private Path writeJob(String text) {
        Path file = dir.resolve("job.txt");
        try {
            Files.createDirectories(dir);
            if (!Files.isRegularFile(file)) AtomicFile.writeString(file, text);
            return dir;
        } catch (IOException e) {
            throw new BadInputException("--out " + dir.getParent() + ": cannot write the tiles there (" + e.getMessage() + "). Choose another folder.");
        }
    }

    /** Refuses before any tile is made when the disk cannot hold the tiles still to be written (and L's spill). */
    private void requireDisk(long spill) {
        long needed = kernelDiskBytes(grid, testGrid) + spill - bytesOnDisk(dir);
        long free;
        try {
            Path existing = dir.toAbsolutePath();
            while (!Files.exists(existing)) existing = existing.getParent();
            free = Files.getFileStore(existing).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (needed > free)
            throw new BadInputException(String.format(Locale.ROOT, "--out %s: the kernel tiles of n = %d and n* = %d need %s more on disk, but only %s is free there. "
                    + "Free space, put --out on a larger disk, or use fewer samples.", dir.getParent(), grid.n(), testGrid.n(), Memory.format(needed), Memory.format(free)));
    }

    static long bytesOnDisk(Path dir) {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String checksum(Matrix m) {
        CRC32 crc = new CRC32();
        int step = m.rowsPerBlock();
        for (int r = 0; r < m.rows(); r += step) {
            ByteBuffer b = m.rowBytes(r, Math.min(step, m.rows() - r));
            crc.update(b);
        }
        return Long.toHexString(crc.getValue());
    }

    /** Deletes the tiles folder once the predictions are written. */
    static void deleteTiles(Path out) {
        Path dir = out.resolve("tiles");
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

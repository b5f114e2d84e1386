package overparam.bench;

import java.util.List;
import java.util.Locale;
import overparam.core.data.Dataset;
import overparam.core.data.Synthetic;
import overparam.core.instruments.HessianInstrument;
import overparam.core.linalg.Linalg;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Activation;
import overparam.core.nn.Arch;
import overparam.core.nn.HessianVectorProduct;
import overparam.core.nn.Loss;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.nn.TrainResult;
import overparam.core.nn.TrainSpec;
import overparam.core.nn.TrainedLayers;
import overparam.core.nn.Trainer;
import overparam.core.nn.TrainingListener;
import overparam.core.optim.Optimizer;

/**
 * The cost of one exact Hessian-vector product and of one record of the hessian instrument against one plain
 * full-batch training step: fc, depth 3, width 256, n = 256, d = 784 (Fashion-MNIST's size), softplus (so the
 * sigma'' term is on), squared loss. Prints numbers and asserts nothing. Run from the bench module's classpath:
 * <pre>
 *   java -cp bench/target/classes:$(cat bench/target/classpath.txt) overparam.bench.HessianBench [threads]
 * </pre>
 */
public final class HessianBench {
    private HessianBench() {}

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        Linalg.setThreads(threads);
        int n = 256, d = 784, width = 256, depth = 3;
        NetworkSpec spec = new NetworkSpec(Arch.FC, d, width, depth, new Activation.Softplus(), 0.5);
        TrainedLayers all = TrainedLayers.all(spec);
        try (Dataset data = new Dataset(Synthetic.sphere(n, d, 1), Synthetic.gaussianLabels(n, 1), "sphere");
             Network net = Network.initialize(spec, 1)) {
            int steps = 200;
            TrainSpec plain = new TrainSpec(Loss.SQUARED, Optimizer.gradientDescent(1e-4), steps, steps, all, 1);
            Trainer.train(net, data, plain, List.of(), TrainingListener.NONE);                         // warm-up
            TrainResult r = Trainer.train(net, data, plain, List.of(), TrainingListener.NONE);
            double step = (r.trainSeconds() - r.instrumentSeconds()) / (steps + 1);
            double hvp;
            try (HessianVectorProduct h = new HessianVectorProduct(net, all, Loss.SQUARED, n); Matrix v = h.layout().zeros();
                 Matrix out = h.layout().zeros()) {
                for (int i = 0; i < v.size(); i++) v.set(i, Math.sin(i));
                h.at(data.x(), data.y());
                for (int i = 0; i < 20; i++) h.apply(v, out);                                         // warm-up
                int reps = 200;
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) h.apply(v, out);
                hvp = (System.nanoTime() - t0) / 1e9 / reps;
            }
            HessianInstrument.Settings settings = new HessianInstrument.Settings(3, 10, 50);
            double record = Double.POSITIVE_INFINITY;
            int p = 0;
            for (int rep = 0; rep < 3; rep++) {
                try (HessianInstrument hessian = new HessianInstrument(net, all, Loss.SQUARED, n, settings, 1)) {
                    p = hessian.layout().size();
                    List<overparam.core.nn.StepRecord> records = new java.util.ArrayList<>();
                    TrainResult one = Trainer.train(net, data, new TrainSpec(Loss.SQUARED, Optimizer.gradientDescent(1e-4), 0, 1, all, 1),
                            List.of(hessian), new TrainingListener() {
                                @Override public void onRecord(overparam.core.nn.StepRecord s) { records.add(s); }
                            });
                    record = Math.min(record, one.instrumentSeconds());
                    if (rep == 2) System.out.println("record: " + records.get(0).values().entrySet().stream()
                            .map(e -> e.getKey() + "=" + (e.getValue() instanceof double[] a ? java.util.Arrays.toString(a) : e.getValue())).toList());
                }
            }
            System.out.printf(Locale.ROOT, "fc depth %d width %d n %d d %d softplus squared, P = %d, %d BLAS thread(s)%n", depth, width, n, d, p, threads);
            System.out.printf(Locale.ROOT, "training step      %8.3f ms%n", 1e3 * step);
            System.out.printf(Locale.ROOT, "Hessian-vector     %8.3f ms  (%.2f training steps)%n", 1e3 * hvp, hvp / step);
            System.out.printf(Locale.ROOT, "hessian record     %8.1f ms  (%.0f training steps; top 3, 10 probes, Tr(H Sigma) over n = %d)%n",
                    1e3 * record, record / step, n);
        }
    }
}

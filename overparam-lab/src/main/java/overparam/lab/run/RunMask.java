package overparam.lab.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import overparam.core.BadInputException;
import overparam.core.data.NdArray;
import overparam.core.data.Npz;
import overparam.core.linalg.Matrix;
import overparam.core.nn.Network;
import overparam.core.nn.NetworkSpec;
import overparam.core.optim.WeightMask;

/**
 * --mask FILE: a .npz of 0/1 arrays under the weights' own keys (W1..WH, a; shapes as weights_final.npz holds them), read
 * into a {@link WeightMask} over the network's live parameters. A key the file lacks leaves that parameter unmasked. The
 * biases of --bias-scale (b1..bH, b_out) are never masked: a mask naming one is refused. The
 * run owns the mask matrices and closes them.
 */
final class RunMask implements AutoCloseable {
    private final List<Matrix> owned;
    private final WeightMask weights;

    private RunMask(List<Matrix> owned, WeightMask weights) {
        this.owned = owned;
        this.weights = weights;
    }

    WeightMask weights() { return weights; }

    /** The fraction of the masked parameters' weights that are kept (ones), over all of them. */
    double keptFraction() {
        double kept = 0, all = 0;
        for (Matrix m : owned) for (int e = 0; e < (int) m.size(); e++) { kept += m.get(e); all++; }
        return all == 0 ? 1 : kept / all;
    }

    static RunMask read(Path path, Network network, NetworkSpec spec) {
        Map<String, NdArray> arrays = Npz.read(path);
        List<Matrix> owned = new ArrayList<>(), parameters = new ArrayList<>();
        try {
            List<String> names = new ArrayList<>();
            for (int h = 1; h <= spec.parameterCount(); h++) names.add(spec.parameterName(h));
            for (String key : arrays.keySet()) {
                for (int h = 1; h <= spec.parameterCount() && spec.hasBiases(); h++)
                    if (key.equals(Network.biasName(h, spec)))
                        throw new BadInputException("--mask " + path + ": key '" + key + "' is a bias; biases are not pruned (Frankle and Carbin prune"
                                + " weights only), so a mask names weights only: " + names + ". Drop '" + key + "' from the mask.");
                if (!names.contains(key))
                    throw new BadInputException("--mask " + path + ": key '" + key + "' is no weight of this network; its keys are " + names
                            + ". Save the mask with the weights' keys: numpy.savez(path, W1=..., a=...).");
            }
            for (int h = 1; h <= spec.parameterCount(); h++) {
                String name = spec.parameterName(h);
                NdArray given = arrays.get(name);
                if (given == null) continue;
                int[] shape = spec.parameterShape(h);
                Matrix m = given.data();
                if (m.rows() != shape[0] || m.cols() != shape[1])
                    throw new BadInputException("--mask " + path + ": '" + name + "' is " + m.rows() + " x " + m.cols() + " but the network's " + name
                            + " is " + shape[0] + " x " + shape[1] + " (--arch " + spec.arch() + " " + Network.widthOption(spec) + ", d = " + spec.inputDim()
                            + "). Make the mask from this network's weights, or change --width/--depth to match it.");
                for (int e = 0; e < (int) m.size(); e++)
                    if (m.get(e) != 0 && m.get(e) != 1)
                        throw new BadInputException("--mask " + path + ": '" + name + "' holds " + m.get(e) + " at flat index " + e
                                + "; a mask holds 0 (pruned) or 1 (kept) only.");
                boolean reordered = h == spec.depth() + 1 && spec.outputs() == 1;
                owned.add(reordered ? Network.outputFromFile(m, spec.pixels()) : m.copy());
                parameters.add(network.parameter(h));
            }
        } catch (RuntimeException e) {
            for (Matrix m : owned) m.close();
            throw e;
        } finally {
            for (NdArray a : arrays.values()) a.data().close();
        }
        return new RunMask(owned, new WeightMask(parameters, owned));
    }

    @Override public void close() {
        for (Matrix m : owned) m.close();
    }
}

package overparam.lab.plan;

import java.nio.file.Path;
import java.util.Locale;
import overparam.core.BadInputException;

/**
 * One infinite-width kernel of a network on a data set (`./overparam kernel`): the network (its width plays no
 * part), the inputs (labels optional, for y^T K^-1 y), which kernel, and the .npy file to write. Parsed from the
 * same flat configuration as a training run, so the shared options mean the same in both commands.
 */
public record KernelPlan(NetworkPlan network, DataPlan data, Kind kind, Integer layer, Path out, int threads) {
    /** K^(H) (gram, or with a layer the limit of that layer's G^(h)(0)), Theta (ntk), or the NNGP of the last hidden layer. */
    public enum Kind {
        GRAM, NTK, NNGP;

        public String cliName() { return name().toLowerCase(Locale.ROOT); }
    }

    public static KernelPlan parse(RunConfig raw, String kind, Integer layer) {
        RunConfig c = raw.withDefaults();
        NetworkPlan network = NetworkPlan.parse(c);
        Kind k = kind(kind);
        DataPlan data = DataPlan.parse(c, network.arch(), null);
        if (layer != null && (layer < 1 || layer > network.depth() + 1 || k != Kind.GRAM))
            throw BadInputException.of("--layer " + layer, layer, "a layer 1.." + (network.depth() + 1) + " with --kind gram",
                    "e.g. --kind gram --layer 1 for the limit of G^(1)(0)");
        if (c.threads() < 1) throw BadInputException.of("--threads " + c.threads(), c.threads(), "at least 1", "e.g. --threads 2");
        if (c.out() == null) throw new BadInputException("--out: missing. Name the .npy file to write, e.g. --out K.npy");
        return new KernelPlan(network, data, k, layer, Path.of(c.out()), c.threads());
    }

    private static Kind kind(String text) {
        String t = text == null ? "gram" : text.trim().toLowerCase(Locale.ROOT);
        for (Kind k : Kind.values()) if (k.cliName().equals(t)) return k;
        throw BadInputException.of("--kind " + text, "'" + text + "'", "gram (K^(H)), ntk (Theta) or nngp", "e.g. --kind gram");
    }
}

package overparam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.data.NdArray;
import overparam.core.data.Npz;

/** train --prune-rounds: iterative magnitude pruning with its controls, each training a run folder of its own. */
class PruneRoundsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path tmp;

    /** d = 5, widths 32, 32, one output: W1 5 x 32 = 160, W2 32 x 32 = 1024, a 32; 1216 weights. */
    static String[] run(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--arch", "fc", "--depth", "2", "--width", "32", "--activation", "relu",
                "--synthetic", "sphere", "--n", "60", "--d", "5", "--labels-from", "teacher", "--test-n", "30", "--validation-n", "20",
                "--optimizer", "adam", "--eta", "0.01", "--steps", "40", "--record-every", "10", "--instruments", "none",
                "--limit-kernel", "off", "--threads", "1", "--quiet", "--out", out.toString()));
        a.addAll(Arrays.asList(extra));
        return a.toArray(String[]::new);
    }

    private static double[] values(Path npz, String key) {
        Map<String, NdArray> arrays = Npz.read(npz);
        try {
            return arrays.get(key).data().toArray();
        } finally {
            for (NdArray a : arrays.values()) a.data().close();
        }
    }

    private static long ones(double[] m) { return Arrays.stream(m).filter(v -> v == 1).count(); }

    /**
     * Three rounds at 0.2 / 0.1 with both controls. The counts follow R_k = R_{k-1} - ceil(q R_{k-1}) per layer, in integers: W1
     * 160, 128, 102, 81; W2 1024, 819, 655, 524; a 32, 28, 25, 22; so 1216, 975, 782, 627 (80.2%, 64.3%, 51.6%). Each ticket's
     * mask lies inside the last one, the reinit control has the ticket's mask and a new theta_0, the random control the
     * ticket's per-layer counts elsewhere and theta_0; pruned weights end exactly 0.0; early_stop_step is the argmin of each
     * folder's validation_loss.
     */
    @Test
    void roundsPruneByTheRuleAndTrainTheControlsBeside() throws IOException {
        Path out = tmp.resolve("imp");
        CliRun r = CliRun.of(run(out, "--prune-rounds", "3", "--prune-controls", "reinit,random"));
        assertEquals(0, r.exit(), r.err());
        long[][] expected = {{160, 1024, 32}, {128, 819, 28}, {102, 655, 25}, {81, 524, 22}};
        String[] percent = {"100.0%", "80.2%", "64.3%", "51.6%"};
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals("done", summary.get("status").asText());
        JsonNode values = summary.get("lottery").get("values");
        assertEquals(10, summary.get("lottery").get("trainings").size(), "the dense network, then three networks a round");
        double[] theta0 = values(out.resolve("rounds/00-dense/weights_init.npz"), "W2");
        double[] previous = null;
        for (int k = 0; k <= 3; k++) {
            long total = expected[k][0] + expected[k][1] + expected[k][2];
            for (String network : k == 0 ? List.of("dense") : List.of("ticket", "reinit", "random")) {
                String name = String.format("r%02d_%s_", k, network);
                assertEquals((double) total / 1216, values.get(name + "fraction_remaining").asDouble(), 0.0, name);
                assertTrue(r.out().contains(String.format("round %2d  %-6s  %6s of weights remaining (%,d of 1,216)", k, network, percent[k], total)),
                        "printed: " + r.out());
                Path folder = out.resolve(String.format("rounds/%02d-%s", k, network));
                int argmin = -1;
                double least = Double.POSITIVE_INFINITY;
                for (String l : Files.readAllLines(folder.resolve("metrics.jsonl"))) {
                    JsonNode rec = JSON.readTree(l);
                    if (rec.get("validation_loss").asDouble() < least) {
                        least = rec.get("validation_loss").asDouble();
                        argmin = rec.get("step").asInt();
                    }
                }
                assertEquals(argmin, values.get(name + "early_stop_step").asInt(), name);
                if (k == 0) continue;
                String maskNetwork = network.equals("random") ? "random" : "ticket";
                Path mask = out.resolve(String.format("masks/%02d-%s/mask.npz", k, maskNetwork));
                String[] keys = {"W1", "W2", "a"};
                for (int l = 0; l < 3; l++) assertEquals(expected[k][l], ones(values(mask, keys[l])), name + keys[l]);
                double[] m = values(mask, "W2"), init = values(folder.resolve("weights_init.npz"), "W2"), fin = values(folder.resolve("weights_final.npz"), "W2");
                for (int e = 0; e < m.length; e++) if (m[e] == 0) assertEquals(0.0, fin[e], name + ": pruned W2[" + e + "] stays 0.0");
                boolean same = true;                                   // on the kept weights (the pruned ones start at 0.0 or theta_0)
                for (int e = 0; e < m.length; e++) {
                    if (m[e] == 1) same &= init[e] == theta0[e];
                    else assertTrue(init[e] == 0.0 || init[e] == theta0[e] || network.equals("reinit"), name + ": pruned W2[" + e + "] at start");
                }
                if (network.equals("reinit")) assertFalse(same, "reinit draws a new initialization");
                else assertTrue(same, network + " starts from theta_0");
                if (network.equals("ticket")) {
                    if (previous != null) for (int e = 0; e < m.length; e++) assertTrue(m[e] <= previous[e], "round " + k + ": pruned stays pruned");
                    previous = m;
                }
                if (network.equals("random")) assertNotEquals(Arrays.toString(values(out.resolve(String.format("masks/%02d-ticket/mask.npz", k)), "W2")),
                        Arrays.toString(m), "a random mask is not the ticket's");
            }
        }
    }

    @Test
    void badPruningOptionsAreOneLineRefusals() {
        String[][] bad = {{"--prune-rounds", "-1"}, {"--prune-rounds", "2", "--prune-rate", "1"}, {"--prune-rounds", "2", "--prune-rate", "-0.1"},
                {"--prune-rounds", "2", "--prune-rate-output", "1.5"}, {"--prune-rounds", "2", "--prune-controls", "reinit,shuffle"},
                {"--prune-rounds", "2", "--prune-scope", "net"}, {"--prune-rate", "0.2"}, {"--prune-rounds", "2", "--prune-scope", "global", "--prune-rate-output", "0.1"},
                {"--prune-rounds", "2", "--rewind-step", "41"}};
        String[] named = {"--prune-rounds", "--prune-rate", "--prune-rate", "--prune-rate-output", "--prune-controls", "--prune-scope", "--prune-rate",
                "--prune-rate-output", "--rewind-step"};
        for (int i = 0; i < bad.length; i++) {
            Path out = tmp.resolve("bad" + i);
            CliRun r = CliRun.of(run(out, bad[i]));
            assertEquals(2, r.exit(), Arrays.toString(bad[i]) + ": " + r.err());
            assertEquals(1, r.errorLines(), r.err());
            assertTrue(r.err().contains(named[i]), Arrays.toString(bad[i]) + ": " + r.err());
            assertFalse(Files.exists(out), "nothing written");
        }
    }
}

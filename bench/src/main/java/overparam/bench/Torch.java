package overparam.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs bench/torch-reference.sh (PyTorch, same machine, same run) and indexes its JSON lines like {@link Bench#key}. */
final class Torch {
    private Torch() {}

    static Map<String, JsonNode> run(boolean quick) throws IOException, InterruptedException {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        String budget = quick ? "3" : "8";
        // softplus: everything; relu: the steps only (the Gram route does not depend on the activation's cost much)
        read(List.of("--activation", "softplus", "--budget-seconds", budget), out);
        read(List.of("--activation", "relu", "--only", "step", "--budget-seconds", budget), out);
        return out;
    }

    private static void read(List<String> args, Map<String, JsonNode> out) throws IOException, InterruptedException {
        Path script = Path.of(System.getProperty("overparam.home", "."), "bench", "torch-reference.sh");
        List<String> command = new java.util.ArrayList<>(List.of("bash", script.toString()));
        command.addAll(args);
        System.out.println("running the PyTorch reference: " + String.join(" ", command) + " (a few minutes) ...");
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                JsonNode j = Bench.JSON.readTree(line);
                String kind = j.get("kind").asText();
                if (kind.equals("dgemm")) out.put("dgemm/" + j.get("threads").asInt(), j);
                else if (kind.equals("step"))
                    out.put(Bench.key("step", j.get("arch").asText(), j.get("size").asText(), j.get("activation").asText(), j.get("threads").asInt()), j);
                else if (kind.equals("gram"))
                    out.put(Bench.key("gram", j.get("arch").asText(), j.get("size").asText(), j.get("activation").asText(), j.get("threads").asInt())
                            + "/" + j.get("route").asText(), j);
            }
        }
        if (p.waitFor() != 0) System.out.println("(the PyTorch reference exited with " + p.exitValue() + "; its numbers may be missing)");
    }

    /**
     * What bench/torch_epoch_reference.py printed: its JSON lines, keyed "epoch/THREADS" (timing mode) or "check"
     * (--check mode), and the lines it logged on stderr (its load time and any error are only there).
     */
    record Epoch(Map<String, JsonNode> lines, List<String> log) {}

    /** Runs bench/torch-reference.sh --epoch ARGS, i.e. bench/torch_epoch_reference.py ARGS, and collects its output. */
    static Epoch epoch(List<String> args) throws IOException, InterruptedException {
        Path script = Path.of(System.getProperty("overparam.home", "."), "bench", "torch-reference.sh");
        List<String> command = new ArrayList<>(List.of("bash", script.toString(), "--epoch"));
        command.addAll(args);
        System.out.println("running the PyTorch reference: " + String.join(" ", command) + " ...");
        Map<String, JsonNode> out = new LinkedHashMap<>();
        Path stderr = Files.createTempFile("overparam-torch-epoch", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (!line.startsWith("{")) continue;
                    JsonNode j = Bench.JSON.readTree(line);
                    String kind = j.path("kind").asText();
                    if (kind.equals("epoch")) out.put("epoch/" + j.get("threads").asInt(), j);
                    else if (kind.equals("check")) out.put("check", j);
                }
            }
            int exit = p.waitFor();
            List<String> log = Files.readAllLines(stderr, StandardCharsets.UTF_8);
            if (exit != 0)
                System.out.println("(the PyTorch reference exited with " + exit + "; its numbers may be missing"
                        + (log.isEmpty() ? "" : "; it said: " + log.get(log.size() - 1)) + ")");
            return new Epoch(out, log);
        } finally {
            Files.deleteIfExists(stderr);
        }
    }
}

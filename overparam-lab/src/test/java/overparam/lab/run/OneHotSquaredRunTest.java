package overparam.lab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.BadInputException;
import overparam.core.data.Npy;
import overparam.core.data.Synthetic;
import overparam.core.linalg.Matrix;
import overparam.core.nn.TrainingListener;
import overparam.lab.plan.RunConfig;
import overparam.lab.plan.RunConfigTest;

/**
 * train --loss one-hot-squared from files: one output a class and the run's own loss as its test loss; labels that are not
 * class indices, a single class and --eta auto (a one-output rule) refused in one line naming the input, leaving nothing.
 */
class OneHotSquaredRunTest {
    @TempDir Path tmp;

    private RunConfig files(double... labels) throws IOException {
        int n = labels.length;
        try (Matrix x = Synthetic.sphere(n, 4, 9); Matrix y = Matrix.vectorOf(labels)) {
            Npy.write(tmp.resolve("X.npy"), x);
            Npy.write(tmp.resolve("y.npy"), y);
            Npy.write(tmp.resolve("Xt.npy"), x);                  // the test set is the training set: its metrics must be the training ones
            Npy.write(tmp.resolve("yt.npy"), y);
        }
        return RunConfigTest.empty().with("arch", "fc").with("depth", 1).with("width", 32).with("activation", "relu").with("loss", "one-hot-squared")
                .with("data", tmp.resolve("X.npy").toString()).with("labels", tmp.resolve("y.npy").toString())
                .with("test_data", tmp.resolve("Xt.npy").toString()).with("test_labels", tmp.resolve("yt.npy").toString())
                .with("eta", "0.05").with("steps", 4).with("record_every", 4).with("instruments", "none").with("threads", 1);
    }

    /**
     * Three classes: a 32 x 3 output layer; on a test set equal to the training set, test_loss is the training loss (the run's
     * own sum 1/2 sum_{i,c} (u_ic - t_ic)^2, not the kernels' mean square) and test_accuracy the training accuracy, at every record.
     */
    @Test
    void threeClassesTrainThreeOutputsWithTheirOwnTestLoss() throws IOException {
        RunConfig c = files(0, 1, 2, 2, 1, 0);
        Path run = tmp.resolve("run");
        TrainRun.execute(c.with("out", run.toString()), TrainingListener.NONE);
        JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
        assertEquals(3, summary.get("data").get("outputs").asInt());
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertEquals(2, lines.size(), "steps 0 and 4");
        for (String line : lines) {
            JsonNode r = new ObjectMapper().readTree(line);
            assertEquals(r.get("loss").asDouble(), r.get("test_loss").asDouble(), 1e-12 * r.get("loss").asDouble(), line);
            assertEquals(r.get("train_accuracy").asDouble(), r.get("test_accuracy").asDouble(), 0.0, line);
        }
    }

    @Test
    void labelsThatAreNotClassIndicesAreRefusedNamingTheFileAndTheLoss() throws IOException {
        RunConfig c = files(0, 1.5, 2, 0);
        Path run = tmp.resolve("bad");
        BadInputException e = assertThrows(BadInputException.class, () -> TrainRun.execute(c.with("out", run.toString()), TrainingListener.NONE));
        assertTrue(e.getMessage().contains("y.npy") && e.getMessage().contains("(label 1)") && e.getMessage().contains("the one-hot squared loss"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertFalse(Files.exists(run.resolve("summary.json")), "nothing written");
    }

    @Test
    void oneClassAndEtaAutoAreRefused() throws IOException {
        RunConfig one = files(0, 0, 0, 0);
        String m = assertThrows(BadInputException.class, () -> TrainRun.execute(one.with("out", tmp.resolve("one").toString()), TrainingListener.NONE)).getMessage();
        assertTrue(m.contains("at least two classes for --loss one-hot-squared"), m);
        RunConfig auto = files(0, 1, 2, 1).with("eta", "auto");
        String a = assertThrows(BadInputException.class, () -> TrainRun.execute(auto.with("out", tmp.resolve("auto").toString()), TrainingListener.NONE)).getMessage();
        assertTrue(a.contains("--eta auto") && a.contains("give --eta"), a);
    }
}

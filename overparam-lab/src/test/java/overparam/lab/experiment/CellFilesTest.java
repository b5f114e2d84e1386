package overparam.lab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.nn.TrainingListener;
import overparam.lab.plan.RunConfigTest;
import overparam.lab.run.TrainRun;

/** How a run folder's list metrics become the store's rows: per parameter by name, ranks and positions by number. */
class CellFilesTest {
    @TempDir Path tmp;

    @Test
    void listsArePerParameterOrNumberedByRankAndPosition() {
        TrainRun.Outcome o = TrainRun.execute(RunConfigTest.empty().with("arch", "fc").with("depth", 2).with("width", 8).with("activation", "tanh")
                .with("synthetic", "sphere").with("n", 6).with("d", 3).with("eta", "0.05").with("steps", 2).with("record_every", 2).with("threads", 1)
                .with("limit_kernel", "off").with("instruments", "movement,hessian").with("hessian_top", 4).with("out", tmp.resolve("r").toString()),
                TrainingListener.NONE);
        Map<String, Double> last = CellFiles.read(o.folder()).steps().get(1).values();
        for (String p : new String[] {"W1", "W2", "a"}) assertTrue(last.containsKey("weight_movement." + p), p);
        for (int rank = 1; rank <= 4; rank++) assertTrue(last.containsKey("hessian_top_eigenvalues." + rank), last.keySet().toString());
        assertFalse(last.containsKey("hessian_top_eigenvalues.W1"), "an eigenvalue's rank is not a parameter");
        assertEquals(last.get("hessian_top_eigenvalue"), last.get("hessian_top_eigenvalues.1"), 0.0);
        assertTrue(last.get("hessian_top_eigenvalues.1") >= last.get("hessian_top_eigenvalues.2"));
    }
}

package overparam.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.core.BadInputException;
import overparam.core.nn.RunStatus;
import overparam.lab.experiment.Cell;
import overparam.lab.plan.RunConfig;

/**
 * The executor's side of a cell without Spark, as a cluster's executor sees it: the driver's folder is never written
 * there (the run goes to a scratch folder, removed afterwards, and comes back as bytes); a cell that fails comes back as
 * its failure, a refusal as the same one-line refusal.
 */
class RunCellTaskTest {
    @TempDir Path tmp;

    static RunConfig config(Path out) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readValue("{\"arch\": \"fc\", \"depth\": 2, \"width\": 8, \"synthetic\": \"sphere\","
                + " \"n\": 8, \"d\": 3, \"eta\": \"auto\", \"steps\": 20, \"record_every\": 10, \"threads\": 1}", RunConfig.class)
                .with("out", out.toString()).withDefaults();
    }

    @Test void theRunGoesToAScratchFolderAndComesBackWhole() throws Exception {
        Path driver = tmp.resolve("experiment").resolve("cells").resolve("width=8");
        CellReturn r = RunCellTask.run(CellTask.of(new Cell("width=8", config(driver))));
        r.requireSucceeded();
        assertEquals(RunStatus.DONE, r.runStatus());
        assertFalse(Files.exists(driver), "the task never writes the driver's folder");
        assertFalse(Files.exists(Path.of(r.ranIn())), "its scratch folder is removed");
        List<String> names = r.files().stream().map(CellReturn.RunFile::path).toList();
        assertTrue(names.containsAll(List.of("summary.json", "metrics.jsonl", "weights_final.npz")), names.toString());

        r.writeInto(driver);
        String summary = Files.readString(driver.resolve("summary.json"));
        assertEquals(driver.toString(), new com.fasterxml.jackson.databind.ObjectMapper().readTree(summary).path("config").path("out").asText());
        assertFalse(summary.contains(r.ranIn()), "no trace of the executor's scratch folder");
        for (CellReturn.RunFile f : r.files())
            if (!f.path().equals("summary.json")) assertArrayEquals(f.bytes(), Files.readAllBytes(driver.resolve(f.path())), f.path());
    }

    @Test void aRefusalOnTheExecutorIsTheSameRefusalAtTheDriver() throws Exception {
        Path driver = tmp.resolve("bad");
        RunConfig missing = config(driver).with("synthetic", null).with("data", tmp.resolve("absent.npy").toString());
        CellReturn r = RunCellTask.run(CellTask.of(new Cell("bad", missing)));
        assertNull(r.status());
        assertEquals(BadInputException.class.getName(), r.failureClass());
        BadInputException e = assertThrows(BadInputException.class, r::requireSucceeded);
        assertEquals(r.failureMessage(), e.getMessage());
        assertTrue(e.getMessage().contains("absent.npy"), e.getMessage());
        assertFalse(Files.exists(driver));
    }

    @Test void localMastersRunCellsWiderThanTheirCoresOneAtATime() {
        assertEquals(1, SparkMaster.localCores("local"));
        assertEquals(3, SparkMaster.localCores("local[3]"));
        assertEquals(3, SparkMaster.localCores("local[3,2]"));
        assertEquals(Runtime.getRuntime().availableProcessors(), SparkMaster.localCores("local[*]"));
        assertEquals(0, SparkMaster.localCores("spark://h:7077"));
        assertEquals(2, SparkMaster.taskCpus("local[2]", 4));                   // one 4-thread cell at a time, as in-process
        assertEquals(1, SparkMaster.taskCpus("local[2]", 1));
        assertEquals(4, SparkMaster.taskCpus("spark://h:7077", 4));
    }

    @Test void aMasterSparkCannotParseIsRefusedNamingMaster() {
        for (String master : new String[] {"yarn", "local[0]", "local[x]", "spark://h", "mesos://h:5050"}) {
            BadInputException e = assertThrows(BadInputException.class, () -> SparkMaster.require(master));
            assertTrue(e.getMessage().startsWith("--master " + master + ": not a master this build runs on"), e.getMessage());
        }
        BadInputException port = assertThrows(BadInputException.class, () -> SparkMaster.require("spark://127.0.0.1:70000"));
        assertTrue(port.getMessage().contains("port 70000 is not a TCP port"), port.getMessage());
    }
}

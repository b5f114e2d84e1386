package overparam.lab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import overparam.core.BadInputException;

/**
 * run --executor / --master, checked before anything runs: each refusal is one line naming the option and the fix. The
 * Spark executor itself (module overparam-spark, -Pspark) is tested in that module; here it is absent, as in the
 * default build, and asking for it says how to get it.
 */
class CellExecutorTest {
    @Test void localIsTheDefaultAndRunsInProcess() {
        assertInstanceOf(InProcessExecutor.class, CellExecutor.choose(null, null).open(1));
        assertInstanceOf(InProcessExecutor.class, CellExecutor.choose("local", null).open(2));
    }

    @Test void anUnknownExecutorIsRefusedWithTheChoices() {
        BadInputException e = assertThrows(BadInputException.class, () -> CellExecutor.choose("yarn", null));
        assertEquals("--executor yarn: unknown executor; expected one of local, spark.", e.getMessage());
    }

    @Test void masterWithoutTheSparkExecutorIsRefused() {
        for (String executor : new String[] {null, "local"}) {
            BadInputException e = assertThrows(BadInputException.class, () -> CellExecutor.choose(executor, "local[2]"));
            assertTrue(e.getMessage().startsWith("--master local[2]: applies only to --executor spark"), e.getMessage());
            assertTrue(e.getMessage().contains("Add --executor spark, or drop --master."), e.getMessage());
        }
    }

    @Test void sparkWithoutItsModuleSaysHowToBuildIt() {
        BadInputException e = assertThrows(BadInputException.class, () -> CellExecutor.choose("spark", null));
        assertTrue(e.getMessage().startsWith("--executor spark: the Spark executor is not built here"), e.getMessage());
        assertTrue(e.getMessage().contains("mvn -Pspark package -DskipTests"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test void anEmptyMasterIsRefused() {
        BadInputException e = assertThrows(BadInputException.class, () -> CellExecutor.choose("spark", " "));
        assertTrue(e.getMessage().startsWith("--master: empty."), e.getMessage());
    }
}

package overparam.lab.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import overparam.lab.experiment.ExperimentRun;
import overparam.lab.experiment.ExperimentSpec;
import overparam.lab.experiment.SpecParser;
import overparam.lab.plan.RunConfig;

/** Every sweep variable is a typed column of runs: the query a researcher writes first works on the store as written. */
class SweepColumnsTest {
    @TempDir Path tmp;

    static final String SPEC = "name: tiny\nbase: {arch: fc, depth: 2, synthetic: sphere, n: 8, d: 3, steps: 2, threads: 1}\n"
            + "sweep:\n  width: [8, 16]\n  eta: [\"0.1\", \"0.05\"]\n"
            + "  label: [{label: gd}, {label: sgd, batch_size: 4}]\n  seed: [0, 1]\n";

    @Test void theSweepsVariablesAreTypedColumnsFilledForEveryCell() throws Exception {
        ExperimentSpec spec = SpecParser.parse(SPEC, "tiny.yaml");
        assertEquals(List.of("width", "eta", "label", "batch_size", "seed"), spec.sweptFields());
        Path dir = tmp.resolve("tiny");
        ExperimentRun.execute(spec, SPEC, dir, false, ExperimentRun.Listener.NONE, "run tiny.yaml");
        try (Store store = Store.open(dir); Statement s = store.connection().createStatement()) {
            Map<String, String> types = new LinkedHashMap<>();
            try (ResultSet r = s.executeQuery("PRAGMA table_info(runs)")) { while (r.next()) types.put(r.getString("name"), r.getString("type")); }
            assertEquals("INTEGER", types.get("width"));
            assertEquals("REAL", types.get("eta"), "eta is text in the config (it may say auto) but every cell's value is a number");
            assertEquals("TEXT", types.get("label"));
            assertEquals("INTEGER", types.get("batch_size"));
            assertEquals(1, types.keySet().stream().filter("seed"::equals).count(), "seed is a column already, not added twice");

            List<String> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT width, typeof(width), eta, typeof(eta), label, batch_size, seed FROM runs"
                    + " WHERE width = 16 AND eta < 0.08 ORDER BY label, seed")) {
                while (r.next()) rows.add(r.getInt(1) + " " + r.getString(2) + " " + r.getDouble(3) + " " + r.getString(4) + " " + r.getString(5)
                        + " " + r.getObject(6) + " " + r.getLong(7));
            }
            // gd leaves batch_size unset: the column holds the value the cell ran with (0, full batch), not NULL
            assertEquals(List.of("16 integer 0.05 real gd 0 0", "16 integer 0.05 real gd 0 1",
                    "16 integer 0.05 real sgd 4 0", "16 integer 0.05 real sgd 4 1"), rows);
        }
    }

    @Test void aStoreWrittenBeforeTheColumnsGetsThemOnResume() throws Exception {
        ExperimentSpec spec = SpecParser.parse(SPEC, "tiny.yaml");
        Path dir = tmp.resolve("old");
        ExperimentRun.execute(spec, SPEC, dir, false, ExperimentRun.Listener.NONE, "run tiny.yaml");
        try (Store store = Store.open(dir); Statement s = store.connection().createStatement()) {
            s.execute("ALTER TABLE runs DROP COLUMN width");                   // as a store of an earlier version has it
            s.execute("ALTER TABLE runs DROP COLUMN batch_size");
        }
        ExperimentRun.execute(spec, SPEC, dir, true, ExperimentRun.Listener.NONE, "run tiny.yaml --resume");
        try (Store store = Store.open(dir); Statement s = store.connection().createStatement();
             ResultSet r = s.executeQuery("SELECT count(*), sum(width), sum(batch_size) FROM runs")) {
            r.next();
            assertEquals(16, r.getInt(1));
            assertEquals(8 * (8 + 16), r.getInt(2));
            assertEquals(8 * 4, r.getInt(3), "filled as the cells ran: 0 for gd, 4 for sgd");
        }
    }

    @Test void typesWidenFromIntegerToRealToText() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        assertEquals(SweepColumns.SqlType.INTEGER, SweepColumns.typeOf(f.numberNode(3)));
        assertEquals(SweepColumns.SqlType.INTEGER, SweepColumns.typeOf(f.booleanNode(true)));
        assertEquals(SweepColumns.SqlType.INTEGER, SweepColumns.typeOf(f.textNode("12")));
        assertEquals(SweepColumns.SqlType.REAL, SweepColumns.typeOf(f.textNode("1e-3")));
        assertEquals(SweepColumns.SqlType.REAL, SweepColumns.typeOf(f.numberNode(0.5)));
        assertEquals(SweepColumns.SqlType.TEXT, SweepColumns.typeOf(f.textNode("auto")));
        assertNull(SweepColumns.typeOf(null));
        SweepColumns c = SweepColumns.of(List.of("eta", "width"),
                List.of(RunConfig.DEFAULTS.with("eta", "0.1").with("width", 4), RunConfig.DEFAULTS.with("eta", "auto").with("width", 8)));
        assertEquals(List.of(new SweepColumns.Column("eta", SweepColumns.SqlType.TEXT), new SweepColumns.Column("width", SweepColumns.SqlType.INTEGER)),
                c.columns(), "one cell's eta is auto: the column is text");
        assertEquals(Map.of("eta", "auto", "width", 8L), c.values(RunConfig.DEFAULTS.with("eta", "auto").with("width", 8)));
    }
}

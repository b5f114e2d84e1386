package overparam.lab.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import overparam.core.BadInputException;

public class RunConfigTest {
    public static RunConfig empty() {
        return RunConfig.JSON.convertValue(RunConfig.JSON.createObjectNode(), RunConfig.class);
    }

    @Test
    void unsetFieldsTakeTheDefaultsAndDepthDependsOnTheArchitecture() {
        RunConfig c = empty().with("arch", "resnet").with("width", 64).withDefaults();
        assertEquals(64, c.width());
        assertEquals(3, c.depth());
        assertEquals("softplus", c.activation());
        assertEquals(0.5, c.cRes());
        assertEquals(1, empty().with("arch", "two-layer").withDefaults().depth());
        assertEquals(7, empty().with("arch", "fc").with("depth", 7).withDefaults().depth());
    }

    @Test
    void fieldsAreSnakeCaseAndUnknownOnesAreRefused() {
        assertTrue(RunConfig.fieldNames().containsAll(java.util.List.of("record_every", "c_res", "leaky_slope", "labels_from")));
        assertEquals("10", RunConfig.defaultText("record_every"));
        assertEquals("", RunConfig.defaultText("eta"));
        BadInputException e = assertThrows(BadInputException.class, () -> empty().with("widht", 3));
        assertTrue(e.getMessage().contains("widht") && e.getMessage().contains("width"), e.getMessage());
        RunConfig c = empty().with("record_every", 5);
        assertEquals(5, c.recordEvery());
        assertEquals(5, c.toJson().get("record_every").asInt());
    }
}

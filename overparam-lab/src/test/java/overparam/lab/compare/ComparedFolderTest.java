package overparam.lab.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Folder names in tables and legends: the folder's own name, with parents only where two are alike. */
class ComparedFolderTest {
    @Test
    void namesAreFolderNamesTellingEqualOnesApart() {
        assertEquals(List.of("a", "b"), ComparedFolder.names(List.of(Path.of("/r/a"), Path.of("/s/b"))));
        assertEquals(List.of("runs/x/a", "old/x/a", "c"), ComparedFolder.names(List.of(Path.of("/w/runs/x/a"), Path.of("/w/old/x/a"), Path.of("/w/c"))));
        assertEquals(List.of("a", "a#2"), ComparedFolder.names(List.of(Path.of("/r/a"), Path.of("/r/./a"))));
    }
}

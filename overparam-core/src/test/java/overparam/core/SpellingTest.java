package overparam.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpellingTest {
    /** Hand-counted edit scripts. */
    @Test
    void distanceCountsInsertionsDeletionsAndSubstitutions() {
        assertEquals(0, Spelling.distance("train", "train"));
        assertEquals(3, Spelling.distance("kitten", "sitting"));      // k->s, e->i, +g
        assertEquals(2, Spelling.distance("trian", "train"));         // a swap is two substitutions
        assertEquals(1, Spelling.distance("du2019-dept", "du2019-depth"));
        assertEquals(5, Spelling.distance("", "width"));
        assertEquals(5, Spelling.distance("width", ""));
        assertEquals(Spelling.distance("--widht", "--width"), Spelling.distance("--width", "--widht"));
    }

    @Test
    void closestNamesEveryCandidateAtTheLeastDistanceAndNothingFar() {
        List<String> commands = List.of("run", "catalog", "report", "sql", "export", "train", "kernel", "help");
        assertEquals(List.of("train"), Spelling.closest("trian", commands));
        assertEquals(List.of("kernel"), Spelling.closest("kernal", commands));
        assertEquals(List.of(), Spelling.closest("x", commands));
        assertEquals(List.of(), Spelling.closest("plot", commands));
        assertEquals(List.of("--depth"), Spelling.closest("--dept", List.of("--debug", "--depth", "--data")));
        assertEquals(List.of("--n", "--d"), Spelling.closest("--k", List.of("--n", "--d", "--arch")));
        assertEquals("; did you mean --width?", Spelling.didYouMean("--widht", List.of("--width", "--depth")));
        assertEquals("", Spelling.didYouMean("--bogus", List.of("--width", "--depth")));
    }
}

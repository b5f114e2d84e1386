package overparam.lab.experiment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import overparam.core.BadInputException;
import overparam.core.Spelling;

/** The built-in experiments: YAML specs shipped in the lab's resources (catalog/NAME.yaml, listed in catalog/index.txt). */
public final class Catalog {
    private Catalog() {}

    public static List<String> names() {
        return read("index.txt").lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    /** The spec text of a catalogue entry. */
    public static String text(String name) {
        if (!names().contains(name)) {
            String hint = Spelling.didYouMean(name, names());
            throw new BadInputException("experiment " + name + ": not in the catalogue and not a file" + (hint.isEmpty()
                    ? ". Catalogue: " + String.join(", ", names()) + " (./overparam catalog); or give a path to a YAML spec."
                    : hint + " (./overparam catalog lists them all; a YAML spec is given by its path.)"));
        }
        return read(name + ".yaml");
    }

    public static ExperimentSpec spec(String name) {
        return SpecParser.parse(text(name), "catalogue entry " + name);
    }

    private static String read(String file) {
        try (InputStream in = Catalog.class.getResourceAsStream("/catalog/" + file)) {
            if (in == null) throw new IllegalStateException("catalogue resource missing: " + file);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

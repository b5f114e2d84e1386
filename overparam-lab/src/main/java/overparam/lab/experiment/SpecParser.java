package overparam.lab.experiment;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import overparam.core.BadInputException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import overparam.lab.plan.RunConfig;

/**
 * Reads an experiment spec from YAML and refuses anything malformed before it runs: a YAML error, an unknown
 * field (in the spec, its base, a figure or a check), an unknown check type, a sweep axis that is no configuration
 * field, a missing name or one that is no plain folder name, an empty file, a duplicate key, a YAML anchor or alias.
 * Every refusal names the spec, the line and the field.
 */
public final class SpecParser {
    static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES, false);

    private SpecParser() {}

    /** Parses spec text; {@code source} names it in messages (a file name or "catalogue entry x"). */
    public static ExperimentSpec parse(String text, String source) {
        ExperimentSpec spec;
        try {
            if (!hasContent(text, source)) throw new BadInputException(source + ": empty spec (no YAML in it). Give at least name, base and sweep (or search);"
                    + " see ./overparam catalog --show du2019-depth.");
            spec = YAML.readValue(text, ExperimentSpec.class);
        } catch (UnrecognizedPropertyException e) {
            // records are read through their constructors, so Jackson reports the end of the mapping: find the key itself
            int line = keyLine(text, e.getPropertyName(), line(e.getLocation()));
            List<String> known = e.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
            throw new BadInputException(source + " line " + line + ": unknown field '" + e.getPropertyName() + "'"
                    + where(e) + "; known fields: " + known + ". Fix the spelling or remove it.");
        } catch (InvalidTypeIdException e) {
            throw new BadInputException(source + " line " + line(e.getLocation()) + ": unknown check type '" + e.getTypeId()
                    + "'; known types: bound, slope, slope_compare, monotone, converges, rate, threshold, reaches, compare, mean.");
        } catch (JsonMappingException e) {
            throw new BadInputException(source + " line " + line(e.getLocation()) + ": " + firstLine(e.getOriginalMessage()) + where(e)
                    + ". See the catalogue's specs (./overparam catalog) for the format.");
        } catch (JsonProcessingException e) {
            throw yamlError(e, source);
        } catch (IOException e) {                          // reading a String: cannot happen, but the parser declares it
            throw new java.io.UncheckedIOException(e);
        }
        if (spec == null) throw new BadInputException(source + ": empty spec. Give at least name, base and sweep (or search).");
        if (spec.name() == null || spec.name().isBlank()) throw new BadInputException(source + ": missing 'name'. Add a line name: my-experiment.");
        String nameProblem = nameProblem(spec.name());
        if (nameProblem != null)
            throw new BadInputException(source + " line " + lineOf(text, "name:") + ": name '" + spec.name() + "' " + nameProblem
                    + "; the experiment runs into runs/NAME, so the name must be one plain folder name. Use letters, digits, '-', '_' and '.',"
                    + " e.g. name: my-experiment.");
        if (spec.base() == null) throw new BadInputException(source + ": missing 'base'. Add the configuration every cell starts from.");
        List<String> fields = RunConfig.fieldNames();
        for (Map.Entry<String, List<Object>> axis : spec.sweep().entrySet()) {
            if (!fields.contains(axis.getKey()))
                throw new BadInputException(source + " line " + lineOf(text, axis.getKey() + ":") + ": sweep axis '" + axis.getKey()
                        + "' is not a configuration field; known fields: " + fields + ".");
            if (axis.getValue() == null || axis.getValue().isEmpty())
                throw new BadInputException(source + " line " + lineOf(text, axis.getKey() + ":") + ": sweep axis '" + axis.getKey()
                        + "' has no values. Give a list, e.g. " + axis.getKey() + ": [1, 2].");
            if (axis.getKey().equals("threads") || axis.getKey().equals("out") || axis.getKey().equals("kernel_cache"))
                throw new BadInputException(source + " line " + lineOf(text, axis.getKey() + ":") + ": '" + axis.getKey()
                        + "' cannot be swept (the experiment sets it for every cell).");
        }
        if (spec.search() != null && !spec.sweep().isEmpty())
            throw new BadInputException(source + ": both 'sweep' and 'search' given; an experiment is one or the other.");
        if (spec.search() != null) {
            var s = spec.search();
            if (s.low() < 1 || s.high() < s.low() || s.seeds() == null || s.seeds().isEmpty() || !(s.delta() >= 0 && s.delta() < 1))
                throw new BadInputException(source + " line " + lineOf(text, "search:") + ": search needs 1 <= low <= high, a non-empty seeds"
                        + " list and 0 <= delta < 1.");
        }
        return spec;
    }

    /**
     * Why a name cannot be a folder inside runs/, or null when it can: empty, "." or "..", a path (a '/' or '\\', so
     * also an absolute path), a drive letter, or control characters.
     */
    static String nameProblem(String name) {
        if (name.isBlank()) return "is empty";
        if (!name.equals(name.strip())) return "starts or ends with a space";
        if (name.equals(".") || name.equals("..")) return "names no folder of its own";
        if (name.contains("/") || name.contains("\\")) return "is a path (it holds '/' or '\\') and could lead out of runs/";
        if (name.contains(":")) return "holds ':' (a drive letter on Windows)";
        if (name.chars().anyMatch(Character::isISOControl)) return "holds control characters";
        if (name.startsWith("-")) return "starts with '-' (a shell would read runs/NAME as an option)";
        return null;
    }

    /**
     * Reads the YAML once before mapping: false when it holds no value at all (an empty file, only comments, a bare
     * "---"). Refuses an anchor or an alias (&x, *x, <<: *x): Jackson would read an alias as the plain text of its name,
     * so a spec would silently run with a wrong value; an anchor is refused too, since it is only there to be aliased.
     * Duplicate keys are refused by the parser (STRICT_DUPLICATE_DETECTION).
     */
    private static boolean hasContent(String text, String source) throws IOException {
        try {
            // SnakeYAML's events (the parser under Jackson's) carry every anchor and alias with its position
            for (Event e : new org.yaml.snakeyaml.Yaml().parse(new java.io.StringReader(text))) {
                String anchor = e instanceof AliasEvent a ? "alias '*" + a.getAnchor() + "'"
                        : e instanceof NodeEvent n && n.getAnchor() != null ? "anchor '&" + n.getAnchor() + "'" : null;
                if (anchor != null)
                    throw new BadInputException(source + " line " + (e.getStartMark().getLine() + 1) + ": YAML " + anchor + " is not supported"
                            + " (an alias would be read as plain text). Write the value out in full wherever it is used.");
            }
        } catch (org.yaml.snakeyaml.error.YAMLException e) {
            // a syntax error: Jackson's parser below reports it with its line
        }
        try (JsonParser p = YAML.getFactory().createParser(text)) {
            boolean any = false;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                boolean emptyRoot = p.getParsingContext().inRoot() && (t == JsonToken.VALUE_NULL || t == JsonToken.VALUE_STRING && p.getText().isEmpty());
                any |= !emptyRoot;                                // "---" alone is a document holding nothing
            }
            return any;
        }
    }

    /** A YAML syntax error or a duplicate key, one line with the line of the fault. */
    private static BadInputException yamlError(JsonProcessingException e, String source) {
        String message = firstLine(e.getOriginalMessage());
        java.util.regex.Matcher dup = java.util.regex.Pattern.compile("Duplicate field '([^']*)'").matcher(message);
        if (dup.find()) {
            String key = dup.group(1);
            return new BadInputException(source + " line " + line(e.getLocation()) + ": duplicate key '" + key + "' (given twice in one"
                    + " mapping; YAML keeps only one). Remove one of them.");
        }
        return new BadInputException(source + " line " + line(e.getLocation()) + ": not valid YAML (" + message + ").");
    }

    private static String where(JsonMappingException e) {
        List<JsonMappingException.Reference> path = e.getPath();
        if (path.size() <= 1) return "";
        StringBuilder s = new StringBuilder(" (in ");
        for (int i = 0; i < path.size() - 1; i++) {
            var r = path.get(i);
            s.append(r.getFieldName() != null ? r.getFieldName() : "item " + (r.getIndex() + 1)).append(i < path.size() - 2 ? " > " : "");
        }
        return s.append(")").toString();
    }

    private static int line(JsonLocation location) {
        return location == null ? 0 : location.getLineNr();
    }

    /** The line of the last "key:" at or before Jackson's line (the key that mapping holds), else Jackson's line. */
    static int keyLine(String text, String key, int reported) {
        String[] lines = text.split("\n", -1);
        int found = 0;
        for (int i = 0; i < Math.min(lines.length, Math.max(reported, 1)); i++) {
            String t = lines[i].strip();
            if (t.startsWith("- ")) t = t.substring(2).strip();
            if (t.startsWith(key + ":")) found = i + 1;
        }
        return found > 0 ? found : reported;
    }

    /** The 1-based line of the first occurrence of a text (for errors Jackson does not locate). */
    static int lineOf(String text, String needle) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) if (lines[i].contains(needle)) return i + 1;
        return 0;
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("").trim();
    }
}

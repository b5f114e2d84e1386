package overparam.lab.check;

/** The outcome of one check: HOLDS or FAILS, with what was measured and what was expected. */
public record Verdict(String name, boolean holds, String measured, String expected) {
    public String verdict() { return holds ? "HOLDS" : "FAILS"; }

    @Override public String toString() {
        return verdict() + "  " + name + ": measured " + measured + "; expected " + expected;
    }
}

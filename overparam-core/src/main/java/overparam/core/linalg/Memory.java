package overparam.core.linalg;

import org.bytedeco.javacpp.Pointer;

/** How much native memory the process may still take: the JavaCPP limit and the machine's free memory. */
public final class Memory {
    private Memory() {}

    /**
     * Bytes still available for matrices: the smaller of what JavaCPP's limit allows
     * (org.bytedeco.javacpp.maxBytes; 0 means none) and the machine's available physical memory.
     */
    public static long availableBytes() {
        long limit = Pointer.maxBytes();
        long byLimit = limit > 0 ? limit - Pointer.totalBytes() : Long.MAX_VALUE;
        long physical = Pointer.availablePhysicalBytes();
        return Math.min(byLimit, physical > 0 ? physical : Long.MAX_VALUE);
    }

    /** Bytes the Java heap may still take: Runtime.maxMemory (-Xmx) less what is in use. */
    public static long heapAvailableBytes() {
        Runtime r = Runtime.getRuntime();
        return r.maxMemory() - (r.totalMemory() - r.freeMemory());
    }

    /** The process's peak resident memory so far (VmHWM of /proc/self/status), or -1 where the system does not say. */
    public static long peakResidentBytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")))
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** "1.5 GB"-style text for messages; estimates are doubles, so that 1e9 x 1e9 weights (8e18 bytes) do not overflow. */
    public static String format(double bytes) {
        String[] units = {"kB", "MB", "GB", "TB", "PB", "EB", "ZB"};
        double v = bytes / 1024;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}

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

    /** "1.5 GB"-style text for messages. */
    public static String format(long bytes) {
        if (bytes >= 1L << 30) return String.format("%.1f GB", bytes / (double) (1L << 30));
        if (bytes >= 1L << 20) return String.format("%.1f MB", bytes / (double) (1L << 20));
        return String.format("%.1f kB", bytes / 1024.0);
    }
}

package overparam.core.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import overparam.core.BadInputException;

/**
 * numpy's .npz format: a zip archive of .npy files, one per named array, as numpy.savez (entries STORED)
 * and numpy.savez_compressed (entries DEFLATED) write it. Used for weights: {@code W1..WH} and {@code a}.
 */
public final class Npz {
    private static final String SUFFIX = ".npy";
    /**
     * Every entry gets this modification time, so the same arrays always give the same bytes (a run's
     * weights_final.npz is compared bit for bit). Not 1980-01-01 00:00, the zip format's first instant:
     * Java takes that for "before 1980" and adds an extended timestamp that depends on the time zone.
     */
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 2, 0, 0);

    private Npz() {}

    /**
     * Reads every .npy entry of the archive, in file order, keyed by entry name without ".npy" (as
     * numpy.load does). Other entries are skipped. Any problem is a {@link BadInputException} naming the
     * file and, for a bad entry, its key, e.g. {@code W.npz[W1]}.
     */
    public static Map<String, NdArray> read(Path path) {
        String name = path.toString();
        Map<String, NdArray> arrays = new LinkedHashMap<>();
        try (ZipFile zip = open(path, name)) {
            for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory() || !entry.getName().endsWith(SUFFIX)) continue;
                String key = entry.getName().substring(0, entry.getName().length() - SUFFIX.length());
                arrays.put(key, readEntry(zip, entry, name + "[" + key + "]"));
            }
        } catch (IOException | RuntimeException e) {
            arrays.values().forEach(a -> a.data().close());   // native memory: free what was read before the failure
            if (e instanceof RuntimeException r) throw r;
            throw Npy.cannotRead(name, (IOException) e);      // only closing the archive gets here
        }
        if (arrays.isEmpty()) {
            throw new BadInputException(name + ": the archive holds no .npy arrays. Save the arrays with numpy.savez('"
                    + name + "', W1=W1, a=a).");
        }
        return arrays;
    }

    private static ZipFile open(Path path, String name) {
        if (!Files.exists(path)) throw new BadInputException(name + ": no such file. Check the path.");
        try {
            return new ZipFile(path.toFile());
        } catch (ZipException e) {
            throw new BadInputException(name + ": not a .npz file (not a zip archive, or a truncated one). Save the arrays"
                    + " with numpy.savez('" + name + "', W1=W1, a=a).");
        } catch (IOException e) {
            throw Npy.cannotRead(name, e);
        }
    }

    /** One entry, its CRC checked: ZipFile does not check it, and a damaged STORED entry would read as wrong numbers. */
    private static NdArray readEntry(ZipFile zip, ZipEntry entry, String name) {
        NdArray array = null;
        try (CheckedInputStream in = new CheckedInputStream(zip.getInputStream(entry), new CRC32())) {
            array = Npy.read(Channels.newChannel(in), name, entry.getSize());
            in.transferTo(OutputStream.nullOutputStream());   // the CRC covers any bytes after the data too
            if (entry.getCrc() != -1 && in.getChecksum().getValue() != entry.getCrc()) {
                throw corrupt(name, "its CRC-32 does not match the archive's record");
            }
            return array;
        } catch (IOException | RuntimeException e) {
            if (array != null) array.data().close();
            if (e instanceof RuntimeException r) throw r;
            throw corrupt(name, Npy.oneLine(String.valueOf(e.getMessage())));
        }
    }

    private static BadInputException corrupt(String name, String why) {
        return new BadInputException(name + ": corrupt archive entry (" + why + "). Write the file again with "
                + Npy.saveCall(name, "X") + ".");
    }

    /**
     * Writes the arrays as numpy.savez does: one STORED entry "KEY.npy" per array, in map order, each
     * holding '&lt;f8' C-order data; numpy.load reads it back. Nothing is copied in memory: each array's
     * bytes are streamed twice, once for the CRC and size that a STORED entry must declare up front, once
     * into the archive.
     */
    public static void write(Path path, Map<String, NdArray> arrays) {
        for (String key : arrays.keySet()) {
            if (key == null || key.isEmpty()) throw new IllegalArgumentException("npz keys must be non-empty, got " + arrays.keySet());
        }
        AtomicFile.write(path, ch -> writeZip(AtomicFile.stream(ch), arrays));   // never a truncated archive under the name
    }

    private static void writeZip(OutputStream file, Map<String, NdArray> arrays) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(file, 1 << 16))) {
            WritableByteChannel channel = Channels.newChannel(zip);
            for (Map.Entry<String, NdArray> e : arrays.entrySet()) {
                NdArray array = e.getValue();
                CRC32 crc = new CRC32();
                long size = Npy.emit(array.data(), array.shape(), crc::update);
                ZipEntry entry = new ZipEntry(e.getKey() + SUFFIX);
                entry.setMethod(ZipEntry.STORED);
                entry.setTimeLocal(ENTRY_TIME);
                entry.setSize(size);
                entry.setCompressedSize(size);
                entry.setCrc(crc.getValue());
                zip.putNextEntry(entry);
                Npy.emit(array.data(), array.shape(), bytes -> {
                    while (bytes.hasRemaining()) channel.write(bytes);
                });
                zip.closeEntry();
            }
        }
    }
}

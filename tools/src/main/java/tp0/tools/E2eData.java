package tp0.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** Data chores shared by the benchmark and the tests: clean folders, the course's zip. */
public final class E2eData {
    private static final Pattern AGENCY_FILE = Pattern.compile("agency-(\\d+)\\.csv");

    private E2eData() {}

    /** Deletes {@code dir} and everything below it, then creates it empty. */
    public static void reset(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        Files.createDirectories(dir);
    }

    /** Unzips the course's dataset into {@code dir}; returns agency id → file. */
    public static Map<Integer, Path> unzip(Path zip, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<Integer, Path> files = new TreeMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                String name = Path.of(entry.getName()).getFileName().toString();
                Matcher m = AGENCY_FILE.matcher(name);
                if (!entry.isDirectory() && m.matches()) {
                    Path target = dir.resolve(name);
                    Files.write(target, in.readAllBytes());
                    files.put(Integer.parseInt(m.group(1)), target);
                }
            }
        }
        return files;
    }
}

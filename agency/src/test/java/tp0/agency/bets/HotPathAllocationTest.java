package tp0.agency.bets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tp0.protocol.BetBatchWriter;

/**
 * Reading a file into frames allocates what opening it takes (its buffers), and nothing per
 * row: a file 20 times longer costs (almost) no more. Not timed; it counts this thread's
 * allocated bytes.
 */
class HotPathAllocationTest {
    @TempDir
    Path dir;

    private Path file(String name, int rows) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            sb.append(i % 3 == 0 ? "Nicolás" : "Santiago Lionel").append(',').append(i % 2 == 0 ? "Saldaña" : "\"Pérez, Ruiz\"")
                    .append(',').append(String.format("%08d", i)).append(",1999-03-17,").append(i % 10_000).append("\r\n");
        }
        Path f = dir.resolve(name);
        Files.writeString(f, sb, StandardCharsets.UTF_8);
        return f;
    }

    private static long allocatedReading(Path file, int expectedRows) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        int rows = 0;
        BetBatchWriter batch = new BetBatchWriter();
        try (CsvBetReader reader = CsvBetReader.open(file)) {
            BetBatcher batcher = new BetBatcher(reader, 500);
            for (int n; (n = batcher.next(batch)) > 0; ) {
                rows += n;
            }
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertEquals(expectedRows, rows);
        return allocated;
    }

    @Test
    void rowsAllocateNothing() throws Exception {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx
                && mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        Path small = file("small.csv", 2_000);
        Path large = file("large.csv", 40_000);
        allocatedReading(large, 40_000); // classes loaded, code warm
        long smallBytes = allocatedReading(small, 2_000);
        long largeBytes = allocatedReading(large, 40_000);
        long perExtraRow = (largeBytes - smallBytes) / 38_000;
        assertTrue(largeBytes - smallBytes < 38_000, "reading 38,000 more rows allocated " + (largeBytes - smallBytes)
                + " bytes more (" + perExtraRow + " per row); a pass allocates " + smallBytes + " bytes for 2,000 rows");
    }
}

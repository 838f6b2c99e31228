package tp0.microbench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import tp0.agency.bets.BetBatcher;
import tp0.agency.bets.BetFileException;
import tp0.agency.bets.CsvBetReader;
import tp0.protocol.BetBatchWriter;
import tp0.tools.DatasetGenerator;

/**
 * The agency's hot path without a server or a socket: a bets file (shaped like the course's:
 * accented names, CRLF) turned into BetBatch frames exactly as the agency does it — UTF-8
 * decoding, CSV parsing, validation, batching and encoding. Time per pass over the file; add
 * {@code -prof gc} for the bytes allocated.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(1)
public class AgencyReadBenchmark {
    @Param("200000")
    public int rows;

    @Param("500")
    public int maxAmount;

    private Path dir;
    private Path file;

    @Setup(Level.Trial)
    public void writeTheFile() throws IOException {
        dir = Files.createTempDirectory("tp0-agency-read");
        file = DatasetGenerator.generate(dir, new int[] {rows}, new int[] {0}, 42).files().get(1);
    }

    @TearDown(Level.Trial)
    public void deleteTheFile() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    /** Every frame of one pass; returns the bytes framed so nothing is optimised away. */
    @Benchmark
    public long fileToFrames() throws BetFileException {
        long bytes = 0;
        BetBatchWriter batch = new BetBatchWriter();
        try (CsvBetReader reader = CsvBetReader.open(file)) {
            BetBatcher batcher = new BetBatcher(reader, maxAmount);
            while (batcher.next(batch) > 0) {
                bytes += batch.size();
            }
        }
        return bytes;
    }
}

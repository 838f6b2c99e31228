package tp0.microbench;

import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tp0.lottery.store.BetsCsv;
import tp0.protocol.Bet;
import tp0.protocol.BetBatchWriter;
import tp0.protocol.Codec;
import tp0.protocol.DecodeException;
import tp0.protocol.Message;

/**
 * The server's per-batch CPU work outside the network: decode and validate a full BetBatch
 * frame (up to 500 bets or 8 KiB, as the agency packs them, accented names), then turn it into
 * bets.csv rows in the store's reused buffer. Time per batch; add {@code -prof gc} for the bytes
 * allocated per batch.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BatchDecodeBenchmark {
    private byte[] frame;
    private BetsCsv.RowBuffer rows;

    @Setup
    public void fullFrame() {
        String[] first = {"Nicolás", "María José", "Zoë", "Íñigo", "Ana", "Santiago Lionel"};
        String[] last = {"Saldaña", "Muñoz", "O'Brien", "Ruiz Díaz", "Pérez", "Etchegaray"};
        BetBatchWriter batch = new BetBatchWriter();
        for (int i = 0; batch.count() < 500; i++) {
            Bet bet = new Bet(first[i % first.length], last[(i / 7) % last.length], String.format("%08d", 10_000_000 + i),
                    LocalDate.of(1940 + i % 60, 1 + i % 12, 1 + i % 28), i % 10_000);
            if (!batch.add(bet)) {
                break; // the frame is full (8 KiB)
            }
        }
        frame = Arrays.copyOf(batch.frame(), batch.size());
        rows = new BetsCsv.RowBuffer(64 * 1024);
    }

    @Benchmark
    public Message decode() throws DecodeException {
        return Codec.decodeFrame(ByteBuffer.wrap(frame));
    }

    @Benchmark
    public int decodeIntoCsvRows() throws DecodeException {
        Message.BetBatch batch = (Message.BetBatch) Codec.decodeFrame(ByteBuffer.wrap(frame));
        rows.clear();
        rows.append(3, batch);
        return rows.length();
    }
}

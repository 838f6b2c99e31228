package tp0.lottery.bench;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tp0.lottery.store.BetsCsv;
import tp0.protocol.Batches;
import tp0.protocol.Bet;
import tp0.protocol.Codec;
import tp0.protocol.Frame;
import tp0.protocol.Message;

/**
 * Hand-run measurement (not a test) of the server's per-batch CPU work outside the network:
 * decode and validate a full BetBatch frame, then turn it into bets.csv rows in the store's
 * reused buffer. Prints ns per batch, ns per bet and bytes allocated per batch.
 *
 * <pre>
 *   mvn -q -o -pl protocol,lottery -am test-compile
 *   java -cp lottery/target/test-classes:lottery/target/classes:protocol/target/classes \
 *        tp0.lottery.bench.DecodeCsvBench
 * </pre>
 */
public final class DecodeCsvBench {

    private DecodeCsvBench() {}

    public static void main(String[] args) throws Exception {
        List<Bet> bets = new ArrayList<>();
        String[] first = {"Nicolás", "María José", "Zoë", "Íñigo", "Ana", "Santiago Lionel"};
        String[] last = {"Saldaña", "Muñoz", "O'Brien", "Ruiz Díaz", "Pérez", "Etchegaray"};
        int size = Codec.BET_BATCH_OVERHEAD;
        for (int i = 0; ; i++) {
            Bet bet = new Bet(first[i % first.length], last[(i / 7) % last.length], String.format("%08d", 10_000_000 + i),
                    LocalDate.of(1940 + i % 60, 1 + i % 12, 1 + i % 28), i % 10_000);
            if (bets.size() == 500 || size + Codec.encodedSize(bet) > Frame.MAX_FRAME_BYTES) {
                break;
            }
            bets.add(bet);
            size += Codec.encodedSize(bet);
        }
        byte[] frame = Codec.encode(Batches.of(bets));
        BetsCsv.RowBuffer rows = new BetsCsv.RowBuffer(64 * 1024);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        long sink = 0;
        for (int round = 0; round < 8; round++) {
            int n = 20_000;
            long allocated = threads.getThreadAllocatedBytes(self);
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Message.BetBatch batch = (Message.BetBatch) Codec.decodeFrame(ByteBuffer.wrap(frame));
                rows.clear();
                rows.append(3, batch);
                sink += rows.length();
            }
            long ns = System.nanoTime() - start;
            allocated = threads.getThreadAllocatedBytes(self) - allocated;
            System.out.printf(Locale.ROOT, "round %d: %d bets/batch, %.1f µs/batch, %.0f ns/bet, %d B allocated/batch%n",
                    round, bets.size(), ns / 1e3 / n, (double) ns / n / bets.size(), allocated / n);
        }
        System.out.println(sink > 0 ? "" : "?");
    }
}

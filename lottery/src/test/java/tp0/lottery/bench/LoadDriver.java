package tp0.lottery.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import tp0.protocol.Batches;
import tp0.protocol.Bet;
import tp0.protocol.Codec;
import tp0.protocol.Frame;
import tp0.protocol.FrameReader;
import tp0.protocol.Message;
import tp0.protocol.Protocol;

/**
 * Hand-run load generator for the server alone (not a test): K connections, each says Hello,
 * then sends pre-encoded BetBatch frames (up to 8 KiB / 500 bets, as the agency packs them)
 * keeping {@code window} unacknowledged, then AllBetsSent and WinnersQuery. Frames are encoded
 * once and resent, so the driver costs the machine little next to the server it measures.
 *
 * <pre>
 *   mvn -q -o -pl protocol,lottery,agency -am -DskipTests package
 *   (cd /tmp/run && NUM_AGENCIES=5 SERVER_PORT=23456 java -jar .../lottery/target/lottery.jar) &
 *   java -cp lottery/target/test-classes:protocol/target/classes tp0.lottery.bench.LoadDriver \
 *        127.0.0.1 23456 5 1000000 16
 * </pre>
 *
 * Prints ingest bets/s (first Hello → last ack) and the time from the last AllBetsSent to the
 * last agency's winners (the draw).
 */
public final class LoadDriver {

    private LoadDriver() {}

    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 12345;
        int agencies = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        long betsPerAgency = args.length > 3 ? Long.parseLong(args[3]) : 200_000;
        int window = args.length > 4 ? Integer.parseInt(args[4]) : 16;

        List<byte[]> frames = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        int serial = 0;
        for (int f = 0; f < 64; f++) {
            List<Bet> batch = new ArrayList<>();
            int size = Codec.BET_BATCH_OVERHEAD;
            while (true) {
                Bet bet = bet(serial);
                int s = Codec.encodedSize(bet);
                if (batch.size() == 500 || size + s > Frame.MAX_FRAME_BYTES) {
                    break;
                }
                batch.add(bet);
                size += s;
                serial++;
            }
            frames.add(Codec.encode(Batches.of(batch)));
            counts.add(batch.size());
        }
        System.out.printf(Locale.ROOT, "frames of %d bets, %d bytes%n", counts.get(0), frames.get(0).length);

        AtomicLong lastAck = new AtomicLong();
        AtomicLong lastWinners = new AtomicLong();
        AtomicLong lastFinished = new AtomicLong();
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int a = 1; a <= agencies; a++) {
            int agency = a;
            Thread t = new Thread(() -> {
                try {
                    runAgency(host, port, agency, betsPerAgency, window, frames, counts, lastAck, lastFinished,
                            lastWinners);
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }, "agency-" + a);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        double ingest = (lastAck.get() - start) / 1e9;
        double draw = (lastWinners.get() - lastFinished.get()) / 1e9;
        long total = betsPerAgency * agencies;
        System.out.printf(Locale.ROOT, "ingest: %d bets in %.2f s = %,.0f bets/s; draw (last AllBetsSent → last winners): %.2f s%n",
                total, ingest, total / ingest, draw);
    }

    private static Bet bet(int i) {
        String[] first = {"Nicolás", "María José", "Zoë", "Íñigo", "Ana", "Santiago Lionel"};
        String[] last = {"Saldaña", "Muñoz", "O'Brien", "Ruiz Díaz", "Pérez", "Etchegaray"};
        return new Bet(first[i % first.length], last[(i / 7) % last.length], String.format("%08d", 10_000_000 + i),
                LocalDate.of(1940 + i % 60, 1 + i % 12, 1 + i % 28), i % 997 == 0 ? 7574 : i % 10_000);
    }

    private static void runAgency(String host, int port, int agency, long bets, int window, List<byte[]> frames,
                                  List<Integer> counts, AtomicLong lastAck, AtomicLong lastFinished,
                                  AtomicLong lastWinners) throws IOException, tp0.protocol.DecodeException {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port));
            OutputStream out = socket.getOutputStream();
            FrameReader in = new FrameReader(new BufferedInputStream(socket.getInputStream(), 1 << 16));
            out.write(Codec.encode(new Message.Hello(Protocol.VERSION, agency, "")));
            Message welcome = in.read();
            if (!(welcome instanceof Message.Welcome)) {
                throw new IOException("agency " + agency + ": expected Welcome, got " + welcome);
            }
            long sent = 0;
            long acked = 0;
            int inFlight = 0;
            int next = 0;
            while (acked < bets) {
                while (sent < bets && inFlight < window) {
                    int n = counts.get(next);
                    if (sent + n > bets) {
                        // a last, shorter batch
                        List<Bet> rest = new ArrayList<>();
                        for (long k = sent; k < bets; k++) {
                            rest.add(bet((int) k));
                        }
                        out.write(Codec.encode(Batches.of(rest)));
                        n = rest.size();
                    } else {
                        out.write(frames.get(next));
                    }
                    next = (next + 1) % frames.size();
                    sent += n;
                    inFlight++;
                }
                Message reply = in.read();
                if (!(reply instanceof Message.BatchAck ack)) {
                    throw new IOException("agency " + agency + ": expected BatchAck, got " + reply);
                }
                acked += ack.count();
                inFlight--;
            }
            lastAck.accumulateAndGet(System.nanoTime(), Math::max);
            out.write(Codec.encode(Message.AllBetsSent.INSTANCE));
            Message ack = in.read();
            if (ack != Message.AllBetsSentAck.INSTANCE) {
                throw new IOException("agency " + agency + ": expected AllBetsSentAck, got " + ack);
            }
            lastFinished.accumulateAndGet(System.nanoTime(), Math::max);
            out.write(Codec.encode(Message.WinnersQuery.INSTANCE));
            int winners = 0;
            while (true) {
                Message m = in.read();
                if (!(m instanceof Message.Winners w)) {
                    throw new IOException("agency " + agency + ": expected Winners, got " + m);
                }
                winners += w.documents().size();
                if (w.last()) {
                    break;
                }
            }
            lastWinners.accumulateAndGet(System.nanoTime(), Math::max);
            System.out.printf(Locale.ROOT, "agency %d: %d bets acked, %d winners%n", agency, acked, winners);
        }
    }
}

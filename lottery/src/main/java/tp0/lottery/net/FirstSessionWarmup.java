package tp0.lottery.net;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import tp0.lottery.session.AgencySession;
import tp0.lottery.session.Outbound;
import tp0.lottery.store.BetStore;
import tp0.protocol.BetBatchWriter;
import tp0.protocol.Codec;
import tp0.protocol.Message;
import tp0.protocol.Protocol;

/**
 * The first session's cold path, walked once in memory right after the bind, so the first
 * agencies do not pay it: the inbound stages (first-byte split, framing, decoding) over a
 * Hello, a batch and the closing messages, and over an echo line; the outbound encoding of
 * the replies; and a stored-count ask to the store, which starts the store's own thread.
 * Measured with five agencies saying Hello at once to a fresh server (JDK 17, with its
 * class-data archive): their Welcome came ~50 ms after the Hello without this, ~30 ms with
 * it. Nothing here opens a socket, changes state or logs a line; it
 * runs on the actor system's threads while the agencies' JVMs are still starting, and a
 * failure only means a colder first session.
 */
final class FirstSessionWarmup {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private FirstSessionWarmup() {}

    static CompletionStage<?> run(ActorSystem<?> system, Materializer mat, AgencySession.Deps deps) {
        CompletionStage<?> inbound = Source.single(firstSession()).via(WireFormat.inbound())
                .runWith(Sink.ignore(), mat);
        CompletionStage<?> echo = Source.single(ByteString.fromString("hola\n")).via(WireFormat.inbound())
                .runWith(Sink.ignore(), mat);
        CompletionStage<?> outbound = Source.<Outbound>from(List.of(
                        new Outbound.Send(new Message.Welcome(Protocol.VERSION, 0)),
                        new Outbound.Send(new Message.BatchAck(1, 1)),
                        new Outbound.Send(Message.AllBetsSentAck.INSTANCE),
                        new Outbound.Send(new Message.Winners(List.of("00012345"), true)),
                        new Outbound.Echo(ByteString.fromString("hola")),
                        Outbound.Close.INSTANCE))
                .via(WireFormat.outbound())
                .runWith(Sink.ignore(), mat);
        CompletionStage<?> count = AskPattern.<BetStore.Command, BetStore.StoredCount>ask(deps.links().counts(),
                replyTo -> new BetStore.GetStoredCount(1, replyTo), TIMEOUT, system.scheduler());
        return CompletableFuture.allOf(inbound.toCompletableFuture(), echo.toCompletableFuture(),
                outbound.toCompletableFuture(), count.toCompletableFuture());
    }

    /** What a first session's agency sends: Hello, a batch, all bets sent, the winners query. */
    static ByteString firstSession() {
        BetBatchWriter batch = new BetBatchWriter();
        batch.add("Nicolás", "Saldaña", "00012345", 1999, 3, 17, 7574);
        return ByteString.fromArrayUnsafe(Codec.encode(new Message.Hello(Protocol.VERSION, 1, "")))
                .concat(ByteString.fromArray(batch.frame(), 0, batch.size()))
                .concat(ByteString.fromArrayUnsafe(Codec.encode(Message.AllBetsSent.INSTANCE)))
                .concat(ByteString.fromArrayUnsafe(Codec.encode(Message.WinnersQuery.INSTANCE)));
    }
}

package tp0.lottery.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.serialization.JavaSerializer;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tp0.lottery.config.ClusterSettings;
import tp0.lottery.draw.DrawCoordinator;
import tp0.lottery.session.AgencySession;
import tp0.lottery.session.SessionRegistry;
import tp0.lottery.store.BetStore;
import tp0.protocol.Batches;
import tp0.protocol.Bet;
import tp0.protocol.ErrorCode;

/**
 * Every message that crosses cluster nodes goes through the serializer the cluster config binds
 * for it (never Java serialization, which is off) and comes back equal. The classes are
 * enumerated from the protocols the cluster routes — the agency ledger's requests and their
 * replies, the draw coordinator's commands and answers, the ledger's messages to sessions — and
 * from every class marked {@link CrossNode} in the build; a class without a sample here, or
 * without a binding, fails the test.
 */
class CrossNodeSerializationTest {

    private static final ActorTestKit kit = ActorTestKit.create("lottery",
            ClusterTopology.config(new ClusterSettings.Member("127.0.0.1", 0, List.of())));

    @AfterAll
    static void shutdown() {
        kit.shutdownTestKit();
    }

    /** The message types the cluster sends between nodes, found from the protocols themselves. */
    private static Set<Class<?>> crossNodeClasses() throws IOException {
        Set<Class<?>> classes = new LinkedHashSet<>();
        // Sessions to an agency's ledger (whatever AgencyLedger.agencyOf routes) and the replies.
        classes.add(SessionRegistry.Claim.class);
        classes.add(SessionRegistry.Release.class);
        classes.add(BetStore.GetStoredCount.class);
        classes.add(BetStore.StoreBatch.class);
        classes.add(BetStore.StoredCount.class);
        classes.addAll(List.of(SessionRegistry.ClaimReply.class.getPermittedSubclasses()));
        classes.addAll(List.of(BetStore.StoreReply.class.getPermittedSubclasses()));
        classes.add(AgencySession.TakenOver.class);
        classes.add(AgencyLedger.HandOff.class);
        // Relays to the draw coordinator singleton, and its answers.
        for (Class<?> nested : DrawCoordinator.class.getDeclaredClasses()) {
            if (DrawCoordinator.Command.class.isAssignableFrom(nested) && java.lang.reflect.Modifier.isPublic(nested.getModifiers())
                    && !nested.isInterface()) {
                classes.add(nested);
            }
        }
        classes.addAll(List.of(DrawCoordinator.WinnersAnswer.class.getPermittedSubclasses()));
        // And whatever else the build marks as crossing nodes.
        classes.addAll(markedCrossNode());
        return classes;
    }

    /** Every class under target/classes implementing {@link CrossNode}. */
    private static Set<Class<?>> markedCrossNode() throws IOException {
        Path classes = Path.of(CrossNode.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Set<Class<?>> marked = new LinkedHashSet<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                try {
                    Class<?> c = Class.forName(name, false, CrossNode.class.getClassLoader());
                    if (CrossNode.class.isAssignableFrom(c) && !c.isInterface()) {
                        marked.add(c);
                    }
                } catch (ClassNotFoundException | LinkageError e) {
                    // not a loadable class of ours
                }
            }
        }
        return marked;
    }

    private static Map<Class<?>, List<Object>> samples() {
        ActorRef<AgencySession.Command> session = kit.<AgencySession.Command>createTestProbe().ref();
        ActorRef<SessionRegistry.ClaimReply> claimReplies = kit.<SessionRegistry.ClaimReply>createTestProbe().ref();
        ActorRef<BetStore.StoreReply> storeReplies = kit.<BetStore.StoreReply>createTestProbe().ref();
        ActorRef<BetStore.StoredCount> counts = kit.<BetStore.StoredCount>createTestProbe().ref();
        ActorRef<StatusReply<Done>> acks = kit.<StatusReply<Done>>createTestProbe().ref();
        ActorRef<DrawCoordinator.WinnersAnswer> answers = kit.<DrawCoordinator.WinnersAnswer>createTestProbe().ref();
        List<Bet> bets = List.of(new Bet("Ñandú José", "Pérez-Núñez", "00012345", LocalDate.of(1990, 2, 28), 7574),
                new Bet("Ana", "O'Brien, \"Jr\"", "30876370", LocalDate.of(2001, 12, 31), 1));
        Map<Class<?>, List<Object>> samples = new LinkedHashMap<>();
        add(samples, new SessionRegistry.Claim(3, session, claimReplies));
        add(samples, new SessionRegistry.Release(3, session));
        add(samples, new SessionRegistry.Granted(3));
        add(samples, new SessionRegistry.Superseded(3));
        add(samples, new BetStore.GetStoredCount(3, counts));
        add(samples, new BetStore.StoredCount(3, 12_345_678_901L));
        add(samples, new BetStore.StoreBatch(3, Batches.of(bets), storeReplies, session));
        add(samples, new BetStore.StoreBatch(3, Batches.of(bets), storeReplies));
        add(samples, new BetStore.Stored(2, 4_000_000_000L));
        add(samples, new BetStore.Refused(ErrorCode.STORAGE_FAILURE, "not this agency's live session; ñ"));
        add(samples, new AgencySession.TakenOver(3));
        add(samples, AgencyLedger.HandOff.INSTANCE);
        add(samples, new DrawCoordinator.AgencyFinished(3, acks));
        add(samples, new DrawCoordinator.QueryWinners(3, answers));
        add(samples, new DrawCoordinator.AgencyWinners(3, List.of("30876370", "00012345")));
        add(samples, new DrawCoordinator.AgencyWinners(5, List.of()));
        add(samples, new DrawCoordinator.DrawUnavailable("database: gone"));
        return samples;
    }

    private static void add(Map<Class<?>, List<Object>> samples, Object sample) {
        samples.computeIfAbsent(sample.getClass(), c -> new ArrayList<>()).add(sample);
    }

    @Test
    void everyCrossNodeMessageRoundTripsThroughItsConfiguredSerializer() throws Exception {
        Serialization serialization = SerializationExtension.get(Adapter.toClassic(kit.system()));
        Map<Class<?>, List<Object>> samples = samples();
        Set<String> missing = new TreeSet<>();
        Set<Class<?>> classes = crossNodeClasses();
        for (Class<?> c : classes) {
            if (!samples.containsKey(c)) {
                missing.add(c.getName());
            }
        }
        if (!missing.isEmpty()) {
            fail("cross-node message classes without a sample in this test: " + missing);
        }
        int checked = 0;
        for (Class<?> c : classes) {
            Serializer bound = serialization.serializerFor(c);
            assertTrue(!(bound instanceof JavaSerializer), c.getName() + " would use Java serialization");
            for (Object sample : samples.get(c)) {
                Serializer serializer = serialization.findSerializerFor(sample);
                assertEquals(bound.identifier(), serializer.identifier(), c.getName());
                byte[] bytes = serialization.serialize(sample).get(); // as remoting does: with the system set
                Object back = serialization.deserialize(bytes, serializer.identifier(),
                        Serializers.manifestFor(serializer, sample)).get();
                assertEquals(sample, back, c.getName() + " through " + serializer.getClass().getSimpleName());
                checked++;
            }
        }
        System.out.println("CrossNodeSerializationTest: " + classes.size() + " classes, " + checked + " samples");
        assertTrue(classes.size() >= 15, "found the protocols' classes: " + classes);
    }

    @Test
    void batchesCrossAsTheirFrameBytesNotJson() throws Exception {
        Serialization serialization = SerializationExtension.get(Adapter.toClassic(kit.system()));
        assertEquals(BatchSerializer.IDENTIFIER, serialization.serializerFor(BetStore.StoreBatch.class).identifier());
        assertNotEquals(BatchSerializer.IDENTIFIER, serialization.serializerFor(BetStore.Stored.class).identifier());
    }

    @Test
    void statusRepliesOfAllBetsSentRoundTrip() throws Exception {
        Serialization serialization = SerializationExtension.get(Adapter.toClassic(kit.system()));
        for (Object reply : List.of(StatusReply.ack(), StatusReply.error("store is closed"))) {
            Serializer serializer = serialization.findSerializerFor(reply);
            assertTrue(!(serializer instanceof JavaSerializer));
            Object back = serialization.deserialize(serialization.serialize(reply).get(), serializer.identifier(),
                    Serializers.manifestFor(serializer, reply)).get();
            assertEquals(reply.toString(), back.toString());
        }
    }

    @Test
    void javaSerializationIsOff() {
        assertEquals(false, kit.system().settings().config().getBoolean("pekko.actor.allow-java-serialization"));
    }
}

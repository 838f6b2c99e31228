package tp0.lottery.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
 * for it (never Java serialization, which is off) and comes back equal. The configured bindings
 * must name exactly the messages that cross: those of the protocols other nodes reach — the
 * agency ledger (a sharded entity) and the draw coordinator (a singleton) — and, following every
 * {@code ActorRef} such a message carries, the replies sent back through it. A message that
 * crosses without a binding, a binding for a message that does not cross, or a crossing message
 * without a sample here each fails the test.
 */
class CrossNodeSerializationTest {

    private static final ActorTestKit kit = ActorTestKit.create("lottery",
            ClusterTopology.config(new ClusterSettings.Member("127.0.0.1", 0, List.of())));

    /** What other nodes send to: the actors the cluster starts as a sharded entity and as a singleton. */
    private static final Map<Class<?>, Class<?>> REACHED_ACROSS_NODES = Map.of(
            AgencyLedger.class, AgencyLedger.Command.class,
            DrawCoordinator.class, DrawCoordinator.Command.class,
            ClusterStatus.class, ClusterStatus.Command.class);

    @AfterAll
    static void shutdown() {
        kit.shutdownTestKit();
    }

    /**
     * The messages that cross nodes, found from the protocols: the public messages of the actors
     * other nodes reach, then whatever can be sent back through an {@code ActorRef} they carry —
     * every member of a sealed reply type, or, for another actor's open protocol (a session's),
     * the members of it that the cluster's code creates.
     */
    private static Set<Class<?>> crossNodeClasses() {
        Set<Class<?>> found = new TreeSet<>(BY_NAME);
        Deque<Class<?>> toVisit = new ArrayDeque<>();
        REACHED_ACROSS_NODES.forEach((actor, protocol) -> {
            for (Class<?> nested : actor.getDeclaredClasses()) {
                if (protocol.isAssignableFrom(nested) && !nested.equals(protocol) && Modifier.isPublic(nested.getModifiers())) {
                    toVisit.addAll(concreteMembers(nested));
                }
            }
        });
        while (!toVisit.isEmpty()) {
            Class<?> message = toVisit.poll();
            if (!found.add(message) || !message.isRecord()) {
                continue;
            }
            for (RecordComponent component : message.getRecordComponents()) {
                if (component.getType() == ActorRef.class
                        && component.getGenericType() instanceof ParameterizedType ref
                        && ref.getActualTypeArguments()[0] instanceof Class<?> protocol
                        && protocol.getName().startsWith("tp0.")) { // Pekko's own (StatusReply): Pekko's serializers
                    toVisit.addAll(protocol.isInterface() && !protocol.isSealed()
                            ? createdByTheCluster(protocol) : concreteMembers(protocol));
                }
            }
        }
        return found;
    }

    /** A class itself, or every concrete member of a sealed interface. */
    private static Set<Class<?>> concreteMembers(Class<?> type) {
        Set<Class<?>> members = new LinkedHashSet<>();
        if (!type.isInterface()) {
            members.add(type);
        } else if (type.isSealed()) {
            for (Class<?> member : type.getPermittedSubclasses()) {
                members.addAll(concreteMembers(member));
            }
        } else {
            fail(type.getName() + " is an open interface: bind its messages, or seal it");
        }
        return members;
    }

    /** The members of another actor's open protocol that the cluster's code creates (and sends). */
    private static Set<Class<?>> createdByTheCluster(Class<?> protocol) {
        Set<Class<?>> created = new LinkedHashSet<>();
        for (JavaClass clazz : clusterCode()) {
            clazz.getConstructorCallsFromSelf().stream().map(call -> call.getTargetOwner())
                    .filter(owner -> owner.isAssignableTo(protocol) && !owner.isInterface())
                    .forEach(owner -> created.add(owner.reflect()));
        }
        return created;
    }

    /** The classes the cluster config binds to a serializer of ours (sealed interfaces: their members). */
    private static Set<Class<?>> boundClasses() throws ClassNotFoundException {
        Set<Class<?>> bound = new TreeSet<>(BY_NAME);
        for (String name : kit.system().settings().config().getConfig("pekko.actor.serialization-bindings").root().keySet()) {
            if (name.startsWith("tp0.")) {
                bound.addAll(concreteMembers(Class.forName(name)));
            }
        }
        return bound;
    }

    private static final Comparator<Class<?>> BY_NAME = Comparator.comparing(Class::getName);

    /** The cluster package's main classes, read from their class files (with the server's others they use). */
    private static Iterable<JavaClass> clusterCode() {
        try {
            Path classes = Path.of(ClusterTopology.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return new ClassFileImporter().importPath(classes)
                    .that(JavaClass.Predicates.resideInAPackage(ClusterTopology.class.getPackageName()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
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
        add(samples, new AgencyLedger.Claim(3, session, claimReplies));
        add(samples, new AgencyLedger.Release(3, session));
        add(samples, new AgencyLedger.GetStoredCount(3, counts));
        add(samples, new AgencyLedger.Append(3, Batches.of(bets), session, storeReplies));
        add(samples, new AgencyLedger.Append(3, Batches.of(bets), null, storeReplies));
        add(samples, AgencyLedger.HandOff.INSTANCE);
        add(samples, new SessionRegistry.Granted(3));
        add(samples, new SessionRegistry.Superseded(3));
        add(samples, new BetStore.StoredCount(3, 12_345_678_901L));
        add(samples, new BetStore.Stored(2, 4_000_000_000L));
        add(samples, new BetStore.Refused(ErrorCode.STORAGE_FAILURE, "not this agency's live session; ñ"));
        add(samples, new AgencySession.TakenOver(3));
        add(samples, new DrawCoordinator.AgencyFinished(3, acks));
        add(samples, new DrawCoordinator.QueryWinners(3, answers));
        add(samples, new DrawCoordinator.AgencyWinners(3, List.of("30876370", "00012345")));
        add(samples, new DrawCoordinator.AgencyWinners(5, List.of()));
        add(samples, new DrawCoordinator.DrawUnavailable("database: gone"));
        add(samples, new ClusterStatus.NodeView("127.0.0.1:25521", List.of(40_000L, 0L, 12L), List.of(1, 3), List.of(2),
                2, 1_767_000_000_000L, Map.of(1, 4, 3, 2), null));
        add(samples, new ClusterStatus.NodeView("127.0.0.1:25522", List.of(), List.of(), List.of(), 0, 0, Map.of(),
                "database: gone"));
        return samples;
    }

    private static void add(Map<Class<?>, List<Object>> samples, Object sample) {
        samples.computeIfAbsent(sample.getClass(), c -> new ArrayList<>()).add(sample);
    }

    @Test
    void theBindingsNameExactlyTheMessagesThatCrossNodes() throws Exception {
        Set<Class<?>> crossing = crossNodeClasses();
        assertEquals(names(crossing), names(boundClasses()),
                "cluster.conf's serialization-bindings against the messages of the protocols reached across nodes");
        assertTrue(crossing.size() >= 15, "found the protocols' classes: " + names(crossing));
    }

    private static List<String> names(Set<Class<?>> classes) {
        return classes.stream().map(Class::getName).sorted().toList();
    }

    @Test
    void everyCrossNodeMessageRoundTripsThroughItsConfiguredSerializer() throws Exception {
        Serialization serialization = SerializationExtension.get(Adapter.toClassic(kit.system()));
        Map<Class<?>, List<Object>> samples = samples();
        Set<Class<?>> classes = crossNodeClasses();
        Set<String> missing = new TreeSet<>();
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
    }

    @Test
    void batchesCrossAsTheirFrameBytesNotJson() throws Exception {
        Serialization serialization = SerializationExtension.get(Adapter.toClassic(kit.system()));
        assertEquals(BatchSerializer.IDENTIFIER, serialization.serializerFor(AgencyLedger.Append.class).identifier());
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

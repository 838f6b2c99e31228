package tp0.lottery;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.library.dependencies.SliceRule;
import java.net.URL;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tp0.lottery.layersfixture.cluster.Ledger;
import tp0.lottery.layersfixture.draw.Draw;
import tp0.lottery.layersfixture.store.Bets;
import tp0.protocol.Codec;

/**
 * The server's packages in layers, written down here and nowhere else. Lowest first; a layer may
 * use the layers below it, never one above, and two layers side by side never use each other:
 *
 * <pre>
 *   wiring      tp0.lottery (Main, LotteryGuardian), tp0.lottery.cli
 *   cluster     tp0.lottery.cluster
 *   net  |  topology      (side by side)
 *   session     tp0.lottery.session
 *   draw        tp0.lottery.draw
 *   store       tp0.lottery.store (the actor), tp0.lottery.store.file | tp0.lottery.store.pg (its backends)
 *   ops         tp0.lottery.ops
 *   config      tp0.lottery.config
 *   -- the shared modules (protocol: tp0.protocol, tp0.logline, tp0.tls, tp0.net, tp0.cli), which know no server
 * </pre>
 *
 * Every class of the server sits in a layer (a new package must be placed here), and no two
 * packages depend on each other, also within a layer. {@link #theRulesCatchALowerPackageReachingUp()}
 * runs the same rules on a deliberately wrong set of classes ({@code tp0.lottery.layersfixture}).
 */
class LayersTest {

    private static final String CONFIG = "config";
    private static final String OPS = "ops";
    private static final String STORE = "store";
    private static final String DRAW = "draw";
    private static final String SESSION = "session";
    private static final String NET = "net";
    private static final String TOPOLOGY = "topology";
    private static final String CLUSTER = "cluster";
    private static final String WIRING = "wiring";

    /** The layering of the packages under {@code root}: the server's is {@code tp0.lottery}. */
    static LayeredArchitecture layers(String root) {
        return layeredArchitecture().consideringOnlyDependenciesInLayers()
                // Settings, read once into immutable objects: knows nothing else of the server.
                .layer(CONFIG).definedBy(root + ".config..")
                // Metrics, status, health and the HTTP port: the layers above report to it
                // (LotteryMetrics); it reads settings only.
                .layer(OPS).definedBy(root + ".ops..")
                // The one owner of the bets: the store actor and its backend interface; the backends
                // (store.file, store.pg) below the actor's package, beside each other.
                .layer(STORE).definedBy(root + ".store..")
                // The draw: waits for every agency's "all bets sent", asks the store to draw.
                .layer(DRAW).definedBy(root + ".draw..")
                // One agency's conversation, and the registry of live agencies: writes to the store,
                // finishes and asks winners at the draw. Knows no socket.
                .layer(SESSION).definedBy(root + ".session..")
                // TCP and TLS, framing: feeds sessions.
                .layer(NET).definedBy(root + ".net..")
                // Where the actors sessions talk to live (the Topology port, and a single node).
                .layer(TOPOLOGY).definedBy(root + ".topology..")
                // The same actors over a Pekko Cluster: ledgers, their door, the winners relay.
                .layer(CLUSTER).definedBy(root + ".cluster..")
                // Starts and connects everything: Main, the guardian, the command line.
                .layer(WIRING).definedBy(root, root + ".cli..")
                .whereLayer(CONFIG).mayNotAccessAnyLayer()
                .whereLayer(OPS).mayOnlyAccessLayers(CONFIG)
                .whereLayer(STORE).mayOnlyAccessLayers(OPS, CONFIG)
                .whereLayer(DRAW).mayOnlyAccessLayers(STORE, OPS, CONFIG)
                .whereLayer(SESSION).mayOnlyAccessLayers(DRAW, STORE, OPS, CONFIG)
                .whereLayer(NET).mayOnlyAccessLayers(SESSION, DRAW, STORE, OPS, CONFIG)
                .whereLayer(TOPOLOGY).mayOnlyAccessLayers(SESSION, DRAW, STORE, OPS, CONFIG)
                // Implements the topology; never touches TCP.
                .whereLayer(CLUSTER).mayOnlyAccessLayers(TOPOLOGY, SESSION, DRAW, STORE, OPS, CONFIG)
                .whereLayer(WIRING).mayNotBeAccessedByAnyLayer()
                .ensureAllClassesAreContainedInArchitectureIgnoring(resideOutsideOfPackage(root + ".."));
    }

    /** The store actor knows its backends only through their interface: the wiring picks one. */
    static ArchRule storeBackends(String root) {
        return noClasses().that().resideInAPackage(root + ".store")
                .should().dependOnClassesThat().resideInAnyPackage(root + ".store.file..", root + ".store.pg..");
    }

    /** The backends (store.file, store.pg) sit side by side: neither uses the other. */
    static ArchRule backendsBesideEachOther(String root) {
        return slices().matching(root + ".store.(*)..").should().notDependOnEachOther().allowEmptyShould(true);
    }

    /** No cycle between any two packages under {@code root} (each package its own slice). */
    static SliceRule noPackageCycles(String root) {
        return slices().assignedFrom(new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                String pkg = javaClass.getPackageName();
                return pkg.equals(root) || pkg.startsWith(root + ".") ? SliceIdentifier.of(pkg) : SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return "the packages under " + root;
            }
        }).should().beFreeOfCycles();
    }

    /** The shared modules serve both programs: none of them may know the server. */
    static ArchRule sharedModulesKnowNoServer(String root) {
        return noClasses().that().resideOutsideOfPackage(root + "..")
                .should().dependOnClassesThat().resideInAPackage(root + "..");
    }

    private static JavaClasses server;

    @BeforeAll
    static void importTheServer() {
        // The server's main classes and the shared protocol module's, nothing else of the class
        // path (tests may reach anywhere); archunit.properties keeps other libraries unread.
        server = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importLocations(Set.of(Location.of(codeSourceOf(Main.class)), Location.of(codeSourceOf(Codec.class))));
    }

    private static URL codeSourceOf(Class<?> c) {
        return c.getProtectionDomain().getCodeSource().getLocation();
    }

    @Test
    void everyPackageUsesOnlyTheLayersBelowIt() {
        layers("tp0.lottery").check(server);
    }

    @Test
    void noTwoPackagesDependOnEachOther() {
        noPackageCycles("tp0.lottery").check(server);
    }

    @Test
    void theStoreActorAndItsBackendsStayApart() {
        storeBackends("tp0.lottery").check(server);
        backendsBesideEachOther("tp0.lottery").check(server);
    }

    @Test
    void theSharedModulesKnowNoServer() {
        sharedModulesKnowNoServer("tp0.lottery").check(server);
        noClasses().that().resideInAPackage("tp0.lottery..").should().dependOnClassesThat().resideInAPackage("tp0.agency..")
                .check(server);
    }

    /**
     * The rules against {@code tp0.lottery.layersfixture}'s test classes: a store that uses a cluster
     * class, which uses the store back (a cycle), and a store backend that uses the other backend.
     * Without them the same classes pass, so the rules do not fail for any other reason.
     */
    @Test
    void theRulesCatchALowerPackageReachingUp() throws Exception {
        String root = "tp0.lottery.layersfixture";
        JavaClasses all = new ClassFileImporter().importPath(
                Path.of(codeSourceOf(Bets.class).toURI()).resolve(root.replace('.', '/')));
        JavaClasses wellLayered = new ClassFileImporter().importClasses(Bets.class, Draw.class, Ledger.class);

        EvaluationResult layered = layers(root).withOptionalLayers(true).evaluate(all);
        assertTrue(layered.hasViolation(), "a store reaching up to the cluster passed the layers");
        assertTrue(layered.getFailureReport().getDetails().stream()
                .anyMatch(line -> line.contains("StoreThatKnowsTheCluster") && line.contains("cluster.Ledger")),
                () -> "the store's reach up is not what failed: " + layered.getFailureReport());
        assertTrue(noPackageCycles(root).evaluate(all).hasViolation(), "the store <-> cluster cycle passed");
        assertTrue(backendsBesideEachOther(root).evaluate(all).hasViolation(), "a backend using the other passed");
        assertTrue(storeBackends(root).evaluate(all).hasViolation(), "the store actor using a backend passed");

        assertFalse(layers(root).withOptionalLayers(true).evaluate(wellLayered).hasViolation(),
                () -> layers(root).withOptionalLayers(true).evaluate(wellLayered).getFailureReport().toString());
        assertFalse(noPackageCycles(root).evaluate(wellLayered).hasViolation());
    }
}

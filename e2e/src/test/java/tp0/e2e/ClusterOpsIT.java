package tp0.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tp0.e2e.RunDirs.ROOT;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import tp0.testkit.PostgresExtension;
import tp0.tools.ClusterRun;
import tp0.tools.DatasetGenerator;

/**
 * One lottery whichever node you ask: three real lottery nodes over one throwaway PostgreSQL, an
 * HTTP port on each, five agencies spread over them (agency k on node ((k−1) mod 3)+1). While
 * four agencies wait for the draw every node's {@code /status} shows the same lottery within a
 * bound, and node 2's page in a real headless Chromium shows the agencies connected to node 1;
 * after the draw every node's {@code /status} is the truth. Then {@code /health/ready} on node 1
 * is 503 while the two others are frozen (SIGSTOP: it cannot see a majority) and 200 again after
 * SIGCONT.
 */
class ClusterOpsIT {
    private static final Duration LONG = Duration.ofMinutes(3);
    /** How long the nodes' pages may disagree once the lottery holds still: two spreading rounds and the page's. */
    private static final Duration CONVERGES_WITHIN = Duration.ofSeconds(3);
    private static final int[] BETS = {3000, 2500, 2000, 1500, 1000};
    private static final int[] WINNERS = {2, 1, 3, 0, 2};
    private static final Pattern ROW = Pattern.compile(
            "\\{\"id\":(\\d+),\"connected\":(true|false),\"stored\":(\\d+),\"finished\":(true|false),\"node\":(null|\"[^\"]*\")}");
    private static final Pattern DRAW = Pattern.compile("\"draw\":(\\{[^}]*(\\{[^}]*})?})");
    private static final Pattern MEMBER_STATUS = Pattern.compile("\"status\":\"([a-z_]+)\"");

    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension();
    @RegisterExtension
    final RunDir runDir = new RunDir("e2e-cluster-ops");

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One agency's row as a node's /status shows it. */
    private record Row(boolean connected, long stored, boolean finished, String node) {}

    @Test
    void everyNodeShowsTheWholeLotteryAndReadinessFollowsTheMajority() throws Exception {
        long seed = System.nanoTime();
        System.out.println("ClusterOpsIT seed " + seed);
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.path().resolve("data"), BETS, WINNERS, seed);
        Map<String, String> env = new HashMap<>(postgres.serverEnv("DB_CONNECT_TIMEOUT", "120"));
        env.putAll(HttpEndpointsIT.httpOn());
        try (ClusterRun cluster = ClusterRun.start(ROOT, runDir.path(), 3, 5, env, line -> { })) {
            List<String> bases = new ArrayList<>();
            for (ClusterRun.Node node : cluster.nodes()) {
                Matcher bound = node.process().awaitLine(HttpEndpointsIT.HTTP_LISTEN.pattern(), LONG);
                bases.add("http://127.0.0.1:" + bound.group(1));
            }
            for (String base : bases) {
                await().atMost(LONG).pollInterval(Duration.ofMillis(100)).alias(base + " ready")
                        .until(() -> get(base, "/health/ready").statusCode() == 200);
            }

            // Agencies 1..4, each on its own node, send everything and wait for the draw, connected.
            for (int k = 1; k <= 4; k++) {
                cluster.startAgency(k, data.files().get(k), agencyOn(cluster, k), line -> { });
            }
            await().atMost(LONG).pollInterval(Duration.ofMillis(50)).alias("4 agencies finished, seen on node 1")
                    .until(() -> finished(rows(get(bases.get(0), "/status").body())) == 4);
            long settledAt = System.nanoTime();
            Map<Integer, Row> expected = new HashMap<>();
            for (int k = 1; k <= 4; k++) {
                expected.put(k, new Row(true, BETS[k - 1], true, clusterAddress(cluster, k)));
            }
            expected.put(5, new Row(false, 0, false, null));
            await().atMost(CONVERGES_WITHIN).pollInterval(Duration.ofMillis(50))
                    .alias("every node's /status shows agencies 1..4 finished, each on its node")
                    .until(() -> bases.stream().allMatch(base -> expected.equals(rowsOf(base))));
            System.out.printf("ClusterOpsIT: the three nodes' /status agreed %.2f s after node 1 saw 4 finished%n",
                    (System.nanoTime() - settledAt) / 1e9);
            for (String base : bases) {
                String status = get(base, "/status").body();
                List<String> members = statuses(status);
                assertEquals(List.of("up", "up", "up"), members, base + " members: " + status);
            }
            pageOnNode2ShowsNode1sAgencies(bases.get(1), clusterAddress(cluster, 1));

            cluster.startAgency(5, data.files().get(5), agencyOn(cluster, 5), line -> { });
            Outcomes.assertEachLearnedItsWinners(cluster.awaitAgencies(LONG), data);
            Map<Integer, Row> truth = new HashMap<>();
            StringBuilder winners = new StringBuilder();
            for (int k = 1; k <= 5; k++) {
                truth.put(k, new Row(false, data.betsPerAgency().get(k), true, null));
                if (WINNERS[k - 1] > 0) {
                    winners.append(winners.length() == 0 ? "" : ",").append('"').append(k).append("\":").append(WINNERS[k - 1]);
                }
            }
            String winnersByAgency = "\"winnersByAgency\":{" + winners + "}";
            await().atMost(CONVERGES_WITHIN).pollInterval(Duration.ofMillis(50))
                    .alias("every node's /status is the lottery's truth after the draw")
                    .until(() -> bases.stream().allMatch(base -> {
                        String status = statusOf(base);
                        String draw = draw(status);
                        return truth.equals(rows(status)) && draw.contains("\"state\":\"held\"")
                                && draw.contains(winnersByAgency) && status.contains("\"finished\":5,");
                    }));

            // Node 1 alone (the two others frozen): no majority, not ready; back when they are.
            String node1 = bases.get(0);
            cluster.signal(cluster.node(2), "STOP");
            cluster.signal(cluster.node(3), "STOP");
            long frozenAt = System.nanoTime();
            String said;
            try {
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(25)).alias("node 1 not ready")
                        .until(() -> get(node1, "/health/ready").statusCode() == 503);
                said = get(node1, "/health/ready").body();
            } finally {
                // At once: the split brain resolver downs a side that stays a minority for stable-after (1.5 s).
                cluster.signal(cluster.node(2), "CONT");
                cluster.signal(cluster.node(3), "CONT");
            }
            double notReadyAfter = (System.nanoTime() - frozenAt) / 1e9;
            assertTrue(said.contains("\"cluster\":\"reaches 1 of 3 members: no majority\""), said);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).alias("node 1 ready again")
                    .until(() -> get(node1, "/health/ready").statusCode() == 200);
            System.out.printf("ClusterOpsIT: two nodes frozen: node 1 not ready after %.1f s (%s), ready again %.1f s"
                    + " after they resumed%n", notReadyAfter, said, (System.nanoTime() - frozenAt) / 1e9 - notReadyAfter);
            String metrics = get(node1, "/metrics").body();
            assertTrue(metrics.contains("lottery_cluster_members{status=\"up\"} 3.0"), metrics);
            assertTrue(metrics.contains("lottery_cluster_unreachable_members 0.0"), metrics);

            List<Integer> exits = cluster.stopAll(Duration.ofSeconds(60));
            assertEquals(List.of(0, 0, 0), exits, "every node's exit status after SIGTERM");
        }
    }

    /** Agency k's only address: node ((k−1) mod 3)+1. */
    private static Map<String, String> agencyOn(ClusterRun cluster, int k) {
        return Map.of("CLI_SERVER_ADDRESS", cluster.node((k - 1) % 3 + 1).address(),
                "CLI_SERVER_CONNECTTIMEOUT", "120s");
    }

    /** The cluster address of agency k's node, as the status names nodes. */
    private static String clusterAddress(ClusterRun cluster, int k) {
        return "127.0.0.1:" + cluster.node((k - 1) % 3 + 1).clusterPort;
    }

    private HttpResponse<String> get(String base, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Map<Integer, Row> rowsOf(String base) {
        return rows(statusOf(base));
    }

    private String statusOf(String base) {
        try {
            return get(base, "/status").body();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(base, e);
        }
    }

    private static Map<Integer, Row> rows(String status) {
        Map<Integer, Row> rows = new HashMap<>();
        Matcher m = ROW.matcher(status);
        while (m.find()) {
            String node = m.group(5).equals("null") ? null : m.group(5).substring(1, m.group(5).length() - 1);
            rows.put(Integer.parseInt(m.group(1)), new Row(Boolean.parseBoolean(m.group(2)), Long.parseLong(m.group(3)),
                    Boolean.parseBoolean(m.group(4)), node));
        }
        return rows;
    }

    private static long finished(Map<Integer, Row> rows) {
        return rows.values().stream().filter(Row::finished).count();
    }

    private static String draw(String status) {
        Matcher m = DRAW.matcher(status);
        return m.find() ? m.group(1) : "";
    }

    private static List<String> statuses(String status) {
        List<String> found = new ArrayList<>();
        Matcher m = MEMBER_STATUS.matcher(status.substring(status.indexOf("\"members\":")));
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    /** Node 2's page, in a real browser, shows agencies 1 and 4 connected to node 1. */
    private void pageOnNode2ShowsNode1sAgencies(String node2, String node1) {
        if (!HeadlessChromium.available()) {
            System.out.println("ClusterOpsIT: SKIPPED the page check: " + HeadlessChromium.MISSING);
            return;
        }
        WebDriver browser = HeadlessChromium.start(runDir.path().resolve("chromium-profile"));
        try {
            browser.get(node2 + "/");
            new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(100)).until(b ->
                    b.findElement(By.id("link")).getText().equals("en vivo") && nodeCells(b).size() == 5);
            List<String> nodes = nodeCells(browser);
            for (int k : new int[] {1, 4}) {
                assertEquals(node1, nodes.get(k - 1), "agency " + k + "'s node on node 2's page: " + nodes);
            }
            // Read in one script: the page replaces the members' list with every event.
            String members = (String) ((JavascriptExecutor) browser).executeScript(
                    "return document.getElementById('member-list').textContent;");
            assertTrue(members.contains(node1 + " up"), members);
        } finally {
            browser.quit();
        }
    }

    /** The node column of every row, read in one script (the page replaces its rows with every event). */
    @SuppressWarnings("unchecked")
    private static List<String> nodeCells(WebDriver browser) {
        return (List<String>) ((JavascriptExecutor) browser).executeScript(
                "return Array.from(document.querySelectorAll('#rows tr td.node')).map(function (td) {"
                        + " return td.textContent; });");
    }
}

package tp0.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static tp0.e2e.RunDirs.ROOT;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import tp0.testkit.SlowLink;
import tp0.tools.DatasetGenerator;
import tp0.tools.LotteryRun;

/**
 * The live status page in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}, which {@code .ci/run} installs) during a real five-agency run: the
 * per-agency counts rise, the draw appears with each agency's winners' count, and no document
 * is ever on the page. The agencies reach the server through a {@link SlowLink}, so the run
 * lasts seconds however fast the server is. Screenshots: e2e/target/status-page-*.png.
 */
class StatusPageBrowserIT {
    private static final int[] BETS = {5000, 4000, 3000, 2500, 1500};
    private static final int[] WINNERS = {3, 1, 2, 0, 4};
    /** Per agency: 5000 bets of ~55 bytes at 60 kB/s take ~4.5 s. */
    private static final long LINK_BYTES_PER_SECOND = 60_000;

    @RegisterExtension
    final RunDir runDir = new RunDir("e2e");

    @Test
    void thePageShowsTheCountsRiseAndTheDrawWithWinnersCounts() throws Exception {
        assumeTrue(HeadlessChromium.available(), HeadlessChromium.MISSING);
        long seed = System.nanoTime();
        System.out.println("StatusPageBrowserIT seed " + seed);
        DatasetGenerator.Dataset data = DatasetGenerator.generate(runDir.path().resolve("data"), BETS, WINNERS, seed);

        WebDriver browser = HeadlessChromium.start(runDir.path().resolve("chromium-profile"));
        try (LotteryRun run = LotteryRun.start(ROOT, runDir.path(), 5, HttpEndpointsIT.httpOn(), line -> { });
             SlowLink link = new SlowLink(run.port(), LINK_BYTES_PER_SECOND)) {
            browser.get("http://127.0.0.1:" + HttpEndpointsIT.httpPort(run) + "/");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60), Duration.ofMillis(100));
            wait.until(b -> b.findElement(By.id("link")).getText().equals("en vivo")
                    && b.findElements(By.cssSelector("#rows tr")).size() == 5);
            assertEquals("Sorteo: esperando a 5 de 5 agencias", browser.findElement(By.id("draw-text")).getText());

            for (int k = 1; k <= 5; k++) {
                run.startAgency(k, data.files().get(k), Map.of("CLI_SERVER_ADDRESS", "127.0.0.1:" + link.port()),
                        line -> { });
            }
            // Read the page until the draw is on it, keeping every count it showed on the way.
            Map<Integer, TreeSet<Long>> shown = new HashMap<>();
            List<Long> totals = new ArrayList<>();
            boolean[] sawConnected = new boolean[6];
            boolean[] midRunShot = {false};
            new WebDriverWait(browser, Duration.ofMinutes(3), Duration.ofMillis(200)).until(b -> {
                PageState now = PageState.read(b);
                totals.add(number(now.total()));
                for (int k = 1; k <= 5; k++) {
                    List<String> cells = now.rows().get(k - 1);
                    shown.computeIfAbsent(k, x -> new TreeSet<>()).add(number(cells.get(2)));
                    sawConnected[k] |= cells.get(1).equals("sí");
                }
                if (!midRunShot[0] && totals.get(totals.size() - 1) > data.totalBets() / 3) {
                    midRunShot[0] = true;
                    shot(b, "status-page-ingesting.png");
                }
                return now.drawClass().contains("held");
            });
            for (LotteryRun.AgencyOutcome outcome : run.awaitAgencies(Duration.ofMinutes(3))) {
                assertEquals(0, outcome.exitCode(), "agency " + outcome.agency());
            }

            Path finalShot = shot(browser, "status-page-drawn.png");
            for (int k = 1; k <= 5; k++) {
                long stored = data.betsPerAgency().get(k);
                assertTrue(shown.get(k).stream().anyMatch(v -> v > 0 && v < stored),
                        "agency " + k + " seen rising, not only at its end: " + shown.get(k));
                assertTrue(sawConnected[k], "agency " + k + " seen connected");
                List<String> cells = PageState.read(browser).rows().get(k - 1);
                assertEquals(stored, number(cells.get(2)), "agency " + k + " stored");
                assertEquals("sí", cells.get(4), "agency " + k + " finished");
                assertEquals(WINNERS[k - 1], number(cells.get(5)), "agency " + k + " winners");
            }
            assertTrue(totals.stream().distinct().filter(t -> t > 0 && t < data.totalBets()).count() >= 3,
                    "the total rose through several values: " + totals);
            for (int i = 1; i < totals.size(); i++) {
                assertTrue(totals.get(i) >= totals.get(i - 1), "the total never goes down: " + totals);
            }
            assertEquals(data.totalBets(), number(browser.findElement(By.id("total")).getText()));
            String drawText = browser.findElement(By.id("draw-text")).getText();
            assertTrue(drawText.matches("Sorteo realizado a las \\d{1,2}:\\d{2}:\\d{2}.* — 10 ganadores"), drawText);
            String page = browser.getPageSource();
            for (List<String> documents : data.winnersPerAgency().values()) {
                for (String document : documents) {
                    assertFalse(page.contains(document), "a winner's document on the page: " + document);
                }
            }
            assertTrue(Files.size(finalShot) > 10_000, "screenshot " + finalShot);
            assertEquals(0, run.stopServer(Duration.ofSeconds(30)));
        } finally {
            browser.quit();
        }
    }

    /**
     * What the page shows, read in one script: the page replaces its rows with every event, so
     * element handles found one by one could belong to a table already gone.
     */
    private record PageState(String total, String drawClass, List<List<String>> rows) {
        @SuppressWarnings("unchecked")
        static PageState read(WebDriver browser) {
            Map<String, Object> state = (Map<String, Object>) ((JavascriptExecutor) browser).executeScript(
                    "return {total: document.getElementById('total').textContent,"
                            + " draw: document.getElementById('draw').className,"
                            + " rows: Array.from(document.querySelectorAll('#rows tr')).map(function (tr) {"
                            + "   return Array.from(tr.cells).map(function (td) { return td.textContent; }); })};");
            return new PageState((String) state.get("total"), (String) state.get("draw"),
                    (List<List<String>>) state.get("rows"));
        }
    }

    /** "12.345" (the page's es-AR grouping) → 12345. */
    private static long number(String shown) {
        String digits = shown.replaceAll("[^0-9]", "");
        return digits.isEmpty() ? -1 : Long.parseLong(digits);
    }

    private static Path shot(WebDriver browser, String name) {
        try {
            Path target = ROOT.resolve("e2e/target").resolve(name);
            File png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
            Files.copy(png.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

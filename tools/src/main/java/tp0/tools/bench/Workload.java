package tp0.tools.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import tp0.tools.DatasetGenerator;
import tp0.tools.E2eData;

/** The bet files a benchmark sends, one per agency: the course's dataset or generated bets. */
record Workload(Map<Integer, Path> files, long totalBets, String description) {

    /**
     * {@code dataset [path/to/dataset.zip]}, else {@code [agencies] [betsPerAgency]} generated
     * (default 5 × 200,000), written under {@code runDir/data}; prints what it is.
     */
    static Workload of(String[] args, Path runDir) throws IOException {
        Map<Integer, Path> files;
        String description;
        E2eData.reset(runDir);
        if (args.length > 0 && args[0].equals("dataset")) {
            Path zip = Path.of(args.length > 1 ? args[1] : "../shared/datasets/dataset.zip");
            if (!Files.isRegularFile(zip)) {
                throw new Benchmark.UsageError("no dataset at " + zip.toAbsolutePath().normalize()
                        + ": give its path, `dataset path/to/dataset.zip` (the course's dataset.zip)");
            }
            files = E2eData.unzip(zip, runDir.resolve("data"));
            description = "course dataset (" + zip + ")";
        } else {
            int agencies = args.length > 0 ? Integer.parseInt(args[0]) : 5;
            int bets = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
            int[] perAgency = new int[agencies];
            int[] winners = new int[agencies];
            Arrays.fill(perAgency, bets);
            Arrays.fill(winners, 1);
            files = DatasetGenerator.generate(runDir.resolve("data"), perAgency, winners, 1).files();
            description = agencies + " agencies × " + bets + " generated bets";
        }
        long totalBets = 0;
        for (Path f : files.values()) {
            try (var lines = Files.lines(f, StandardCharsets.UTF_8)) {
                totalBets += lines.filter(l -> !l.isBlank()).count();
            }
        }
        System.out.println("workload: " + description + " = " + totalBets + " bets");
        return new Workload(files, totalBets, description);
    }
}

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checks that keep the docs from rotting, run by .ci/docs-check.sh as a single-file Java
 * program (the JDK is the one tool CI is sure to have; Debian's awk knows no Unicode, which
 * GitHub's heading anchors need).
 *
 * <pre>java .ci/DocsCheck.java ROOT LOTTERY_HELP_FILE AGENCY_HELP_FILE</pre>
 *
 * <ol>
 *   <li>README.md has at most 300 lines, and no time of day in UTC or load average (no run log).</li>
 *   <li>Every relative link in README.md, CONTRIBUTING.md and docs/**.md resolves: the file
 *       exists and, for a {@code #anchor}, a heading of that Markdown file has that GitHub slug.</li>
 *   <li>Every setting printed by {@code lottery --help} and {@code agency --help} is documented in
 *       docs/configuration.md, and every setting documented there is one the programs print.
 *       The documented form, which this reads: a Markdown table whose header's first cell is
 *       {@code key} holds server keys in its first column; one whose header starts
 *       {@code config.yaml key | environment} holds the agency's YAML key and environment variable
 *       in its first two columns ({@code —} for none); one whose header's first cell is
 *       {@code single-bet variable} holds environment variables named in the agency's --help text.
 *       Each name is in backticks.</li>
 * </ol>
 * Every problem is printed on its own line; the exit status is 1 if there was any.
 */
public final class DocsCheck {

    private static final int README_MAX_LINES = 300;
    private static final Pattern LINK = Pattern.compile("!?\\[(?:[^\\[\\]]|\\[[^\\]]*\\])*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern REF_DEF = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*(\\S+)");
    private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern INLINE_CODE = Pattern.compile("`+[^`]*`+");
    /** What a run log looks like: "19:55 UTC", "load average 3", "(load 2–7)". */
    private static final Pattern RUN_LOG = Pattern.compile(
            "\\b\\d{1,2}:\\d{2}(:\\d{2})?\\s*UTC\\b|load average|\\(load \\d", Pattern.CASE_INSENSITIVE);
    private static final Pattern BACKTICKED = Pattern.compile("^`([^`]+)`$");

    private final Path root;
    private final List<String> problems = new ArrayList<>();
    private final Map<Path, Set<String>> anchorsByFile = new HashMap<>();

    private DocsCheck(Path root) {
        this.root = root;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: java .ci/DocsCheck.java ROOT LOTTERY_HELP_FILE AGENCY_HELP_FILE");
            System.exit(2);
        }
        DocsCheck check = new DocsCheck(Path.of(args[0]).toAbsolutePath().normalize());
        List<Path> docs = check.markdownFiles();
        check.readmeLength();
        for (Path doc : docs) {
            check.links(doc);
        }
        check.settings(Files.readString(Path.of(args[1])), Files.readString(Path.of(args[2])));
        if (check.problems.isEmpty()) {
            System.out.println("docs-check: ok: README.md within " + README_MAX_LINES + " lines; the links of "
                    + docs.size() + " Markdown files resolve; docs/configuration.md documents exactly the settings"
                    + " of both programs' --help");
            return;
        }
        for (String problem : check.problems) {
            System.out.println("!! docs-check: " + problem);
        }
        System.out.println("!! docs-check: FAILED with " + check.problems.size() + " problem(s)");
        System.exit(1);
    }

    private List<Path> markdownFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String top : List.of("README.md", "CONTRIBUTING.md")) {
            Path file = root.resolve(top);
            if (Files.isRegularFile(file)) {
                files.add(file);
            } else {
                problems.add(top + " is missing");
            }
        }
        Path docs = root.resolve("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> walk = Files.walk(docs)) {
                walk.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
            }
        }
        return files;
    }

    private void readmeLength() throws IOException {
        Path readme = root.resolve("README.md");
        if (Files.isRegularFile(readme)) {
            long lines = Files.readAllLines(readme, StandardCharsets.UTF_8).size();
            if (lines > README_MAX_LINES) {
                problems.add("README.md has " + lines + " lines, more than " + README_MAX_LINES
                        + ": move the detail into docs/ and link to it");
            }
            List<String> text = Files.readAllLines(readme, StandardCharsets.UTF_8);
            for (int i = 0; i < text.size(); i++) {
                if (RUN_LOG.matcher(text.get(i)).find()) {
                    problems.add("README.md:" + (i + 1) + ": a time of day or load average ('" + text.get(i).strip()
                            + "'): figures go to docs/benchmarks.md with their commit, evidence to docs/decisions/");
                }
            }
        }
    }

    // ---- links ----

    private void links(Path file) throws IOException {
        List<String> lines = proseLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line == null) {
                continue;
            }
            String prose = INLINE_CODE.matcher(line).replaceAll("");
            Matcher link = LINK.matcher(prose);
            while (link.find()) {
                target(file, i + 1, link.group(1));
            }
            Matcher def = REF_DEF.matcher(prose);
            if (def.find()) {
                target(file, i + 1, def.group(1));
            }
        }
    }

    private void target(Path file, int line, String target) throws IOException {
        if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return; // http:, https:, mailto:: not ours to check offline
        }
        String where = root.relativize(file) + ":" + line + ": link '" + target + "'";
        int hash = target.indexOf('#');
        String pathPart = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = pathPart.isEmpty() ? file : file.getParent().resolve(pathPart).normalize();
        if (!resolved.startsWith(root)) {
            problems.add(where + ": points outside the repository");
            return;
        }
        if (!Files.exists(resolved)) {
            problems.add(where + ": no file " + root.relativize(resolved));
            return;
        }
        if (anchor != null && !anchor.isEmpty()) {
            if (!resolved.toString().endsWith(".md")) {
                problems.add(where + ": an anchor into a file that is not Markdown");
            } else if (!anchors(resolved).contains(anchor)) {
                problems.add(where + ": " + root.relativize(resolved) + " has no heading with anchor #" + anchor
                        + " (its anchors: " + String.join(", ", anchors(resolved)) + ")");
            }
        }
    }

    /** The file's lines with those inside fenced code blocks replaced by null. */
    private static List<String> proseLines(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        String fence = null;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String trimmed = line.stripLeading();
            if (fence == null && (trimmed.startsWith("```") || trimmed.startsWith("~~~"))) {
                fence = trimmed.substring(0, 3);
                out.add(null);
            } else if (fence != null) {
                if (trimmed.startsWith(fence)) {
                    fence = null;
                }
                out.add(null);
            } else {
                out.add(line);
            }
        }
        return out;
    }

    private Set<String> anchors(Path file) throws IOException {
        Set<String> cached = anchorsByFile.get(file);
        if (cached != null) {
            return cached;
        }
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : proseLines(file)) {
            if (line == null) {
                continue;
            }
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(2));
                int n = seen.merge(slug, 1, Integer::sum);
                anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
            }
        }
        anchorsByFile.put(file, anchors);
        return anchors;
    }

    /** GitHub's heading anchor: the text without markup, lower case, only letters, digits, '-', '_' and spaces as '-'. */
    static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replace("`", "");
        StringBuilder out = new StringBuilder();
        text.toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                out.appendCodePoint(c);
            } else if (c == ' ') {
                out.append('-');
            }
        });
        return out.toString();
    }

    // ---- settings ----

    private void settings(String lotteryHelp, String agencyHelp) throws IOException {
        Set<String> serverKeys = helpColumn(lotteryHelp, "KEY", 1, "lottery --help");
        Set<String> agencyYaml = helpColumn(agencyHelp, "CONFIG.YAML", 1, "agency --help");
        Set<String> agencyEnv = helpColumn(agencyHelp, "CONFIG.YAML", 2, "agency --help");
        agencyYaml.remove("—");

        Path config = root.resolve("docs/configuration.md");
        if (!Files.isRegularFile(config)) {
            problems.add("docs/configuration.md is missing");
            return;
        }
        Set<String> docServer = new TreeSet<>();
        Set<String> docYaml = new TreeSet<>();
        Set<String> docEnv = new TreeSet<>();
        Set<String> docSingleBet = new TreeSet<>();
        String table = null;
        int row = 0;
        List<String> lines = proseLines(config);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line == null || !line.startsWith("|")) {
                table = null;
                continue;
            }
            List<String> cells = cells(line);
            if (table == null) {
                String first = cells.isEmpty() ? "" : cells.get(0).toLowerCase(Locale.ROOT);
                String second = cells.size() < 2 ? "" : cells.get(1).toLowerCase(Locale.ROOT);
                table = first.equals("key") ? "server"
                        : first.equals("config.yaml key") && second.equals("environment") ? "agency"
                        : first.equals("single-bet variable") ? "single-bet" : "other";
                row = 0;
                continue;
            }
            if (++row == 1 || table.equals("other")) {
                continue; // the |---| line, or a table that documents no settings
            }
            String where = "docs/configuration.md:" + (i + 1);
            switch (table) {
                case "server" -> name(cells, 0, where).ifPresent(docServer::add);
                case "agency" -> {
                    name(cells, 0, where).filter(n -> !n.equals("—")).ifPresent(docYaml::add);
                    name(cells, 1, where).ifPresent(docEnv::add);
                }
                default -> name(cells, 0, where).ifPresent(docSingleBet::add);
            }
        }
        compare("lottery --help", "server key", serverKeys, docServer);
        compare("agency --help", "agency config.yaml key", agencyYaml, docYaml);
        compare("agency --help", "agency environment variable", agencyEnv, docEnv);
        if (docSingleBet.isEmpty()) {
            problems.add("docs/configuration.md: no 'single-bet variable' table (NOMBRE, APELLIDO, … of agency --help)");
        }
        for (String variable : docSingleBet) {
            if (!Pattern.compile("\\b" + Pattern.quote(variable) + "\\b").matcher(agencyHelp).find()) {
                problems.add("docs/configuration.md documents single-bet variable " + variable
                        + ", which agency --help does not name");
            }
        }
    }

    private java.util.Optional<String> name(List<String> cells, int column, String where) {
        if (cells.size() <= column) {
            problems.add(where + ": a settings row without column " + (column + 1));
            return java.util.Optional.empty();
        }
        String cell = cells.get(column);
        if (cell.equals("—")) {
            return java.util.Optional.of(cell);
        }
        Matcher m = BACKTICKED.matcher(cell);
        if (!m.matches()) {
            problems.add(where + ": column " + (column + 1) + " must be one name in backticks (or —), not '" + cell + "'");
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(m.group(1));
    }

    private static List<String> cells(String line) {
        String inner = line.strip();
        inner = inner.substring(1, inner.endsWith("|") && inner.length() > 1 ? inner.length() - 1 : inner.length());
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (c == '\\' && i + 1 < inner.length() && inner.charAt(i + 1) == '|') {
                cell.append('|');
                i++;
            } else if (c == '|') {
                cells.add(cell.toString().strip());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString().strip());
        return cells;
    }

    /** The given column (1-based) of the --help settings table, which starts at the line whose first word is header. */
    private Set<String> helpColumn(String help, String header, int column, String program) {
        Set<String> names = new TreeSet<>();
        boolean inTable = false;
        for (String line : help.split("\n", -1)) {
            String[] words = line.strip().split("\\s+");
            if (!inTable) {
                inTable = words[0].equals(header) && line.startsWith("  ");
                continue;
            }
            if (line.isBlank() || !line.startsWith("  ")) {
                break;
            }
            if (words.length >= column) {
                names.add(words[column - 1]);
            }
        }
        if (names.isEmpty()) {
            problems.add(program + " printed no settings table (no line starting with '" + header + "'): was the jar built?");
        }
        return names;
    }

    private void compare(String program, String what, Set<String> printed, Set<String> documented) {
        for (String name : printed) {
            if (!documented.contains(name)) {
                problems.add(program + " prints " + what + " " + name + ", which docs/configuration.md does not document");
            }
        }
        for (String name : documented) {
            if (!printed.contains(name)) {
                problems.add("docs/configuration.md documents " + what + " " + name + ", which " + program
                        + " does not print (renamed or removed?)");
            }
        }
    }
}

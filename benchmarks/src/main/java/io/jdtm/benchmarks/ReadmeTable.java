package io.jdtm.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes the generated blocks of the README and the docs from a run's results, so that no figure
 * there is typed by hand: {@code java -cp benchmarks.jar io.jdtm.benchmarks.ReadmeTable
 * benchmarks/results/short README.md docs/durability.md} (run from the repository's root, as
 * {@code scripts/bench} does). A block lies between {@code <!-- bench:begin NAME DIR ... -->} and
 * {@code <!-- bench:end NAME -->}; DIR is the results directory it was made from, relative to the
 * root, so a test can make it again from the committed results and compare. Blocks:
 *
 * <ul>
 *   <li>{@code targets}: the machine's details and every performance target with the measured
 *       ratio and whether it is met ({@link Targets});
 *   <li>{@code h2-write-delay}: one sentence with the cost of write-through commits on H2 files.
 * </ul>
 *
 * Stateless and thread-safe.
 */
public final class ReadmeTable {
  private static final Pattern BLOCK = Pattern.compile(
      "<!-- bench:begin ([a-z0-9-]+) (\\S+)[^\\n]*-->\\n(.*?)<!-- bench:end \\1 -->",
      Pattern.DOTALL);

  private ReadmeTable() {}

  /**
   * Rewrites every block of each file from the results in the first argument.
   *
   * @param args the results directory, then the Markdown files to update
   * @throws IOException when a file cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: ReadmeTable <results-dir> <file.md>...");
      System.exit(2);
    }
    Path root = Path.of("").toAbsolutePath();
    String source = root.relativize(Path.of(args[0]).toAbsolutePath()).toString()
        .replace('\\', '/');
    for (int i = 1; i < args.length; i++) {
      Path file = Path.of(args[i]);
      String text = Files.readString(file);
      String updated = update(text, root, root.relativize(file.toAbsolutePath()), source);
      if (!updated.equals(text)) {
        Files.writeString(file, updated);
        System.err.println("bench: updated " + file);
      }
    }
  }

  /**
   * The text with each block made again from the results in {@code source}, or from the
   * directory its marker names when {@code source} is null.
   *
   * @param root the repository's root, against which the directories resolve
   * @param file the file's path relative to the root, for the links to the results
   */
  static String update(String text, Path root, Path file, String source) throws IOException {
    Matcher m = BLOCK.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String dir = source != null ? source : m.group(2);
      String body = block(m.group(1), read(root.resolve(dir)), RunInfo.read(root.resolve(dir)),
          link(file, dir));
      m.appendReplacement(out, Matcher.quoteReplacement(begin(m.group(1), dir) + body
          + "<!-- bench:end " + m.group(1) + " -->"));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The blocks of {@code text}: name, then the directory it was made from. */
  static List<List<String>> blocks(String text) {
    return BLOCK.matcher(text).results().map(r -> List.of(r.group(1), r.group(2))).toList();
  }

  /** Every JMH result in {@code dir}, files in name order. */
  static List<JmhResult> read(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return Report.read(files.filter(f -> f.toString().endsWith(".json")).sorted().toList());
    }
  }

  /** The body of block {@code name}; {@code results} links to the run's results.md. */
  static String block(String name, List<JmhResult> rows, RunInfo run, String results) {
    return switch (name) {
      case "targets" -> targets(rows, run, results);
      case "h2-write-delay" -> writeDelay(rows, run, results);
      default -> throw new IllegalArgumentException("unknown generated block '" + name + "'");
    };
  }

  /** The targets table alone, as results.md shows it. */
  static String targetsTable(List<JmhResult> rows) {
    StringBuilder b = new StringBuilder("| Target | Goal | Measured | Met |\n|---|---|---|---|\n");
    for (Targets.Row r : new Targets(rows).check()) {
      b.append("| ").append(r.target()).append(" | ").append(r.goal()).append(" | ")
          .append(r.measured()).append(" | ").append(r.verdict().text()).append(" |\n");
    }
    return b.toString();
  }

  private static String targets(List<JmhResult> rows, RunInfo run, String results) {
    List<Targets.Row> checked = new Targets(rows).check();
    long met = count(checked, Targets.Verdict.MET);
    long missed = count(checked, Targets.Verdict.MISSED);
    long unmeasured = count(checked, Targets.Verdict.NOT_MEASURED);
    return run.describe(rows) + " Each ratio divides two figures of this one run; every figure, "
        + "with latencies and baselines: [the full results](" + results + ").\n\n"
        + "Targets met: " + met + " of " + (met + missed + unmeasured) + " (" + missed
        + " missed, " + unmeasured + " not measured).\n\n" + targetsTable(rows);
  }

  private static String writeDelay(List<JmhResult> rows, RunInfo run, String results) {
    Targets targets = new Targets(rows);
    Optional<JmhResult> through = targets.writeDelayRow(0);
    Optional<JmhResult> delayed = targets.writeDelayRow(500);
    if (through.isEmpty() || delayed.isEmpty()) {
      return "The latest benchmark run ([results](" + results + ")) has no figure for it: "
          + "`H2WriteDelayBenchmark` did not run.\n";
    }
    double ratio = through.get().opsPerSecond() / delayed.get().opsPerSecond();
    return "In the latest benchmark run (`H2WriteDelayBenchmark`: 3-step sagas of no-op handlers "
        + "through `submitAndWait`, one client thread, on the H2 file store), write-through ran "
        + "at " + ResultTables.ratio(ratio, 1) + " the rate of `WRITE_DELAY=500` ("
        + ResultTables.ops(through.get().opsPerSecond()) + " vs "
        + ResultTables.ops(delayed.get().opsPerSecond()) + " sagas/s). "
        + run.describe(List.of(through.get())) + " All figures: [results](" + results + ").\n";
  }

  private static long count(List<Targets.Row> rows, Targets.Verdict verdict) {
    return rows.stream().filter(r -> r.verdict() == verdict).count();
  }

  private static String begin(String name, String dir) {
    return "<!-- bench:begin " + name + " " + dir
        + " (generated by scripts/bench from the results there: do not edit) -->\n";
  }

  /** The path from {@code file}'s directory to {@code dir}'s results.md. */
  private static String link(Path file, String dir) {
    int depth = file.getParent() == null ? 0 : file.getParent().getNameCount();
    return "../".repeat(depth) + dir + "/results.md";
  }
}

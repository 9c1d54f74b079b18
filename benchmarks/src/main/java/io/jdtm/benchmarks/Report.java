package io.jdtm.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes the Markdown table of one benchmark run from JMH's JSON result files, so that no other
 * tool (python, jq) is needed: {@code java -cp benchmarks.jar io.jdtm.benchmarks.Report
 * results.md a.json b.json ...}. With {@code --compact} first, it also rewrites each JSON file
 * without JMH's raw samples (megabytes in sample mode), keeping scores and percentiles. Peers' rows (benchmarks named {@code *PeerBenchmark}) go beside
 * the matching jdtm workload; the performance targets ({@link Targets}) come last. The run's
 * details ({@link RunInfo}) go beside the Markdown file. Stateless and thread-safe.
 */
public final class Report {
  private Report() {}

  public static void main(String[] args) throws IOException {
    boolean compact = args.length > 0 && args[0].equals("--compact");
    int first = compact ? 1 : 0;
    if (args.length < first + 2) {
      System.err.println("usage: Report [--compact] <out.md> <jmh-result.json>...");
      System.exit(2);
    }
    List<Path> inputs = new ArrayList<>();
    for (int i = first + 1; i < args.length; i++) {
      inputs.add(Path.of(args[i]));
    }
    if (compact) {
      compact(inputs);
    }
    RunInfo run = RunInfo.current();
    String markdown = markdown(read(inputs), run.machine(), run.when());
    Path out = Path.of(args[first]).toAbsolutePath();
    Files.writeString(out, markdown);
    run.write(out.getParent());
    System.out.print(markdown);
  }

  static List<JmhResult> read(List<Path> files) throws IOException {
    JsonMapper mapper = JsonMapper.builder().build();
    List<JmhResult> rows = new ArrayList<>();
    for (Path f : files) {
      JsonNode tree = mapper.readTree(Files.readString(f));
      if (!tree.isArray()) {
        continue; // not JMH's: the run's details (RunInfo)
      }
      for (JsonNode row : tree.values()) {
        rows.add(JmhResult.parse(row));
      }
    }
    return rows;
  }

  /** Rewrites each file without the raw samples of every metric. */
  static void compact(List<Path> files) throws IOException {
    JsonMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    for (Path f : files) {
      JsonNode tree = mapper.readTree(Files.readString(f));
      for (JsonNode row : tree.values()) {
        List<JsonNode> metrics = new ArrayList<>(row.path("secondaryMetrics").values());
        metrics.add(row.path("primaryMetric"));
        for (JsonNode metric : metrics) {
          if (metric instanceof ObjectNode o) {
            o.remove(List.of("rawData", "rawDataHistogram"));
          }
        }
      }
      Files.writeString(f, mapper.writeValueAsString(tree));
    }
  }

  static String markdown(List<JmhResult> rows, String machine, String when) {
    return new ResultTables(rows).markdown(machine, when) + "### Targets\n\n"
        + ReadmeTable.targetsTable(rows);
  }
}

package io.jdtm.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the Markdown table of one benchmark run from JMH's JSON result files, so that no other
 * tool (python, jq) is needed: {@code java -cp benchmarks.jar io.jdtm.benchmarks.Report
 * results.md a.json b.json ...}. Peers' rows (benchmarks named {@code *PeerBenchmark}) go beside
 * the matching jdtm workload. Stateless and thread-safe.
 */
public final class Report {
  private Report() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: Report <out.md> <jmh-result.json>...");
      System.exit(2);
    }
    List<Path> inputs = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      inputs.add(Path.of(args[i]));
    }
    String markdown = markdown(read(inputs), Machine.describe(),
        Instant.now().truncatedTo(ChronoUnit.MINUTES).toString());
    Files.writeString(Path.of(args[0]), markdown);
    System.out.print(markdown);
  }

  static List<JmhResult> read(List<Path> files) throws IOException {
    JsonMapper mapper = JsonMapper.builder().build();
    List<JmhResult> rows = new ArrayList<>();
    for (Path f : files) {
      for (JsonNode row : mapper.readTree(Files.readString(f)).values()) {
        rows.add(JmhResult.parse(row));
      }
    }
    return rows;
  }

  static String markdown(List<JmhResult> rows, String machine, String when) {
    return new ResultTables(rows).markdown(machine, when);
  }
}

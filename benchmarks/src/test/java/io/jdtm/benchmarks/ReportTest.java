package io.jdtm.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
  private static List<JmhResult> sample() throws Exception {
    return Report.read(List.of(resource("sample-results.json")));
  }

  private static String markdown() throws Exception {
    return Report.markdown(sample(), "2 cores", "2026-12-05T06:00Z");
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(ReportTest.class.getResource(name).toURI());
  }

  @Test
  void compact_rowWithRawSamples_dropsThemAndKeepsScores(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("run.json");
    Files.writeString(file, "[{\"benchmark\": \"io.jdtm.benchmarks.SagaBenchmark.saga\","
        + " \"mode\": \"sample\", \"threads\": 2, \"params\": {\"store\": \"memory\"},"
        + " \"primaryMetric\": {\"score\": 500.0, \"scoreUnit\": \"us/op\","
        + " \"scorePercentiles\": {\"99.0\": 900.0}, \"rawDataHistogram\": [[[1.0, 7]]],"
        + " \"rawData\": [[1.0]]}, \"secondaryMetrics\": {}}]");

    Report.compact(List.of(file));

    assertThat(Files.readString(file)).doesNotContain("rawData");
    JmhResult saga = Report.read(List.of(file)).get(0);
    assertThat(saga.opsPerSecond()).isEqualTo(4000.0);
    assertThat(saga.p99()).isEqualTo(0.9);
  }

  @Test
  void parse_sampleTimeRow_throughputIsThreadsOverMeanTime() throws Exception {
    JmhResult saga = sample().get(0);

    assertThat(saga.opsPerSecond()).isEqualTo(4000.0);
    assertThat(saga.p50()).isEqualTo(1.5);
    assertThat(saga.p99()).isEqualTo(3.0);
    assertThat(saga.p999()).isEqualTo(5.0);
  }

  @Test
  void parse_throughputRowInOpsPerMillisecond_countsPerSecond() throws Exception {
    JmhResult create = sample().get(2);

    assertThat(create.opsPerSecond()).isEqualTo(100_000.0);
    assertThat(create.p99()).isNaN();
  }

  @Test
  void markdown_endToEndRow_showsLatencyBaselineAndRatio() throws Exception {
    String md = markdown();

    assertThat(md)
        .contains("| saga | h2mem | 3 | 8 | 4,000 | 1.50 | 3.00 | 5.00 | 8,000 | 0.50x |");
  }

  @Test
  void markdown_storeRow_showsBaselineAndRatio() throws Exception {
    String md = markdown();

    assertThat(md).contains("| create | postgres |  | 1 | 100,000 | 200,000 | 0.50x |");
  }

  @Test
  void markdown_peerWithMatchingWorkload_showsJdtmOverPeer() throws Exception {
    String md = markdown();

    assertThat(md).contains("| SeataSagaPeerBenchmark.saga (h2=mem) | 8 | 3 | 2,000 | 4,000 "
        + "| saga on h2mem | 2.00x |");
  }

  @Test
  void markdown_outboxPeer_isComparedMethodForMethodWithTheMessageInTheLocalTransaction(
      @TempDir Path dir) throws Exception {
    Path file = dir.resolve("run.json");
    Files.writeString(file, "[" + row("peers.OutboxPeerBenchmark.commit", "thrpt", "h2", "file",
        100.0, "ops/s") + ", " + row("peers.OutboxPeerBenchmark.delivered", "thrpt", "h2", "file",
        50.0, "ops/s") + ", " + row("benchmarks.OutboxMsgBenchmark.commit", "sample", "store",
        "h2file", 5000.0, "us/op") + ", " + row("benchmarks.OutboxMsgBenchmark.delivered",
        "sample", "store", "h2file", 10000.0, "us/op") + "]");

    String md = Report.markdown(Report.read(List.of(file)), "2 cores", "2026-12-05T06:00Z");

    assertThat(md).contains("| OutboxPeerBenchmark.commit (h2=file) | 1 |  | 100 | 200 "
        + "| commit on h2file | 2.00x |");
    assertThat(md).contains("| OutboxPeerBenchmark.delivered (h2=file) | 1 |  | 50.0 | 100 "
        + "| delivered on h2file | 2.00x |");
  }

  private static String row(String benchmark, String mode, String param, String value,
      double score, String unit) {
    return "{\"benchmark\": \"io.jdtm." + benchmark + "\", \"mode\": \"" + mode + "\","
        + " \"threads\": 1, \"params\": {\"" + param + "\": \"" + value + "\"},"
        + " \"primaryMetric\": {\"score\": " + score + ", \"scoreUnit\": \"" + unit + "\","
        + " \"scorePercentiles\": {}}, \"secondaryMetrics\": {}}";
  }

  @Test
  void markdown_peerWithoutJdtmRowInTheRun_showsNoRatio() throws Exception {
    String md = markdown();

    assertThat(md).contains(
        "| CamelSagaPeerBenchmark.saga | 8 | 3 | 500,000 | - | saga on memory | - |");
  }

  @Test
  void markdown_header_statesMachineJdkAndProfile() throws Exception {
    String md = Report.markdown(sample(), "2 cores (AMD EPYC)", "2026-12-05T06:00Z");

    assertThat(md).startsWith("Run 2026-12-05T06:00Z on 2 cores (AMD EPYC).\n"
        + "JDK 17.0.15 (OpenJDK 64-Bit Server VM 17.0.15+6). JMH forks 1, warmup 1 x 1 s, "
        + "measurement 2 x 1 s.\n");
  }
}

package io.jdtm.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated blocks: made from a sample run into a copy, and, for the repository's README and
 * docs, equal to what the committed results make (so they cannot drift from the results).
 */
class ReadmeTableTest {
  private static final Path ROOT = Path.of(System.getProperty("jdtm.root", ".."))
      .toAbsolutePath().normalize();

  @Test
  void update_sampleRun_fillsTheBlockAndKeepsTheTextAround(@TempDir Path root) throws Exception {
    Path results = sampleRun(root);
    String text = "# Title\n\nBefore.\n\n<!-- bench:begin targets run -->\nold\n"
        + "<!-- bench:end targets -->\n\nAfter.\n";

    String updated = ReadmeTable.update(text, root, Path.of("README.md"), "run");

    assertThat(updated).startsWith("# Title\n\nBefore.\n\n<!-- bench:begin targets run (")
        .endsWith("<!-- bench:end targets -->\n\nAfter.\n").doesNotContain("old");
    assertThat(updated).contains("Run 2026-12-05T06:00:00Z on 2 cores (AMD EPYC); JDK 17.0.15 "
        + "(OpenJDK 64-Bit Server VM 17.0.15+6); JMH forks 1, warmup 1 x 1 s, measurement "
        + "2 x 1 s.", "[the full results](run/results.md)", "Targets met: 4 of 28 (1 missed, "
        + "23 not measured).", "| PostgreSQL, 3-step saga / raw JDBC, 1 thread | >= 0.8x "
        + "| 0.90x (900 / 1,000 per s) | yes |");
    assertThat(ReadmeTable.update(updated, root, Path.of("README.md"), null)).isEqualTo(updated);
    assertThat(results).exists();
  }

  @Test
  void update_writeDelayBlockInADocsFile_quotesTheRatioWithALinkFromThere(@TempDir Path root)
      throws Exception {
    sampleRun(root);
    String text = "<!-- bench:begin h2-write-delay run -->\n<!-- bench:end h2-write-delay -->\n";

    String updated = ReadmeTable.update(text, root, Path.of("docs/durability.md"), null);

    assertThat(updated).contains("write-through ran at 0.40x the rate of `WRITE_DELAY=500` "
        + "(400 vs 1,000 sagas/s)", "[results](../run/results.md)");
  }

  @Test
  void update_unknownBlock_fails(@TempDir Path root) throws Exception {
    sampleRun(root);

    assertThatThrownBy(() -> ReadmeTable.update(
        "<!-- bench:begin nope run -->\n<!-- bench:end nope -->\n", root, Path.of("a.md"), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
  }

  @Test
  void readmeAndDurabilityDoc_generatedBlocks_equalWhatTheCommittedResultsMake()
      throws Exception {
    for (String doc : List.of("README.md", "docs/durability.md")) {
      String text = Files.readString(ROOT.resolve(doc));

      assertThat(ReadmeTable.blocks(text)).as(doc).isNotEmpty();
      assertThat(ReadmeTable.update(text, ROOT, Path.of(doc), null)).as(
          "%s differs from what its results make: run scripts/bench, or java -cp "
              + "benchmarks/target/benchmarks.jar io.jdtm.benchmarks.ReadmeTable "
              + "benchmarks/results/short README.md docs/durability.md", doc).isEqualTo(text);
    }
  }

  /** The sample run in {@code root}/run, with its details. */
  private static Path sampleRun(Path root) throws Exception {
    Path run = Files.createDirectories(root.resolve("run"));
    Files.copy(Path.of(ReadmeTableTest.class.getResource("targets-sample.json").toURI()),
        run.resolve("sample.json"));
    new RunInfo("2 cores (AMD EPYC)", "2026-12-05T06:00:00Z").write(run);
    return run;
  }
}

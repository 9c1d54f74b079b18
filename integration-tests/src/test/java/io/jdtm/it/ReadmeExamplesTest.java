package io.jdtm.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdtm.it.ReadmeSnippets.Snippet;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The README's examples, as a newcomer uses them: its Getting started POM fragment is the
 * dependency section of a fresh project, and every Java example compiles in it (inside a class
 * that declares what the example assumes, in {@code src/test/resources/readme}).
 */
class ReadmeExamplesTest {
  private static final Path ROOT = Path.of(System.getProperty("jdtm.root", ".."))
      .toAbsolutePath().normalize();
  private static final Path README = ROOT.resolve("README.md");

  /**
   * Headings whose Java examples are compiled elsewhere: "Testing your handlers" as {@code
   * WalletSimulationTest} ({@code ReadmeTestingYourHandlersTest}); the Redis ones by store-redis's
   * {@code ReadmeRedisExamplesTest}, on that module's class path.
   */
  private static final Set<String> TESTED_ELSEWHERE =
      Set.of("Testing your handlers", "Redis", "The barrier on Redis");

  /** README heading -> the class its Java example is compiled in. */
  private static final Map<String, String> HARNESSES = new LinkedHashMap<>();

  static {
    HARNESSES.put("Getting started", "GettingStarted");
    HARNESSES.put("TCC", "TccExample");
    HARNESSES.put("2-phase messages (transactional outbox)", "MsgExample");
    HARNESSES.put("The message in your own transaction", "OutboxExample");
    HARNESSES.put("XA", "XaExample");
    HARNESSES.put("The barrier", "BarrierExample");
  }

  @Test
  void javaBlocks_everyOne_hasAHarness() throws Exception {
    List<String> headings = ReadmeSnippets.read(README).stream()
        .filter(s -> s.language().equals("java")).map(Snippet::heading)
        .filter(h -> !TESTED_ELSEWHERE.contains(h)).toList();

    assertThat(headings).containsExactlyInAnyOrderElementsOf(HARNESSES.keySet());
  }

  @Test
  void examples_inAProjectMadeFromTheGettingStartedPom_compileOffline() throws Exception {
    List<Snippet> snippets = ReadmeSnippets.read(README);
    Path target = Path.of(System.getProperty("jdtm.target", "target"));
    ReadmeProject project = new ReadmeProject(ROOT, target.resolve("readme-examples"),
        System.getProperty("jdtm.version"));
    project.writePom(ReadmeSnippets.only(snippets, "Getting started", "xml").text());
    project.writeScaffolding("Transfer");
    for (Map.Entry<String, String> harness : HARNESSES.entrySet()) {
      project.writeSource(harness.getValue(),
          ReadmeSnippets.only(snippets, harness.getKey(), "java").text());
    }

    ReadmeProject.Build build = project.compile(
        Path.of(System.getProperty("jdtm.build.repository")));

    assertThat(build.exitCode()).as("mvn compile of the README's project:%n%s", build.log())
        .isZero();
  }
}

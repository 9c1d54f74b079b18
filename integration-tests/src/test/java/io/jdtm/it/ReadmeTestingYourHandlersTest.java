package io.jdtm.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's "Testing your handlers" example is {@link WalletSimulationTest}, which runs. */
class ReadmeTestingYourHandlersTest {
  private static final String HEADING = "### Testing your handlers";

  @Test
  void readme_testingYourHandlersExample_isTheCompiledTestWithoutItsPackageLine()
      throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    String source = Files.readString(
        Path.of("src", "test", "java", "io", "jdtm", "it", "WalletSimulationTest.java"),
        StandardCharsets.UTF_8);

    assertThat(readme).contains(HEADING);
    String section = readme.substring(readme.indexOf(HEADING));
    int start = section.indexOf("```java\n") + "```java\n".length();
    String block = section.substring(start, section.indexOf("```\n", start));

    assertThat(block).isEqualTo(source.substring(source.indexOf("import ")));
  }
}

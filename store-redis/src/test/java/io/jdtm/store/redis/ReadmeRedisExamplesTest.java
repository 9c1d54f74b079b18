package io.jdtm.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java examples for Redis (under "Redis" and "The barrier on Redis") compile, taken
 * from README.md itself, on this module's class path. {@link RedisBarrierReadmeIT} runs the
 * barrier example's code against a server, and checks that README.md still holds that code.
 */
class ReadmeRedisExamplesTest {
  static final Path README = Path.of(System.getProperty("jdtm.root", ".."), "README.md");

  @TempDir
  Path dir;

  @Test
  void storeExample_compiles() throws IOException {
    compile("StoreExample", """
        import io.jdtm.Stores;
        import io.jdtm.spi.TransactionStore;
        import io.jdtm.store.redis.RedisStore;
        import io.lettuce.core.cluster.RedisClusterClient;

        class StoreExample {
          void example(RedisClusterClient myRedisClusterClient) {
        %s
          }
        }
        """.formatted(javaBlockUnder("Redis")));
  }

  @Test
  void barrierExample_compiles() throws IOException {
    // The block builds the barrier, then defines handlers using it: the statement goes into a
    // constructor (assigning a field of the same name), the handlers into the class.
    String block = javaBlockUnder("The barrier on Redis");
    int handlers = block.indexOf("\n//");
    assertThat(handlers).as("the block's handlers start with a comment line").isPositive();
    compile("BarrierExample", """
        import io.jdtm.BranchContext;
        import io.jdtm.Outcome;
        import io.jdtm.store.redis.RedisBarrier;

        class BarrierExample {
          final RedisBarrier barrier;

          BarrierExample() {
        %s
          }

        %s
        }
        """.formatted(
            block.substring(0, handlers).replaceFirst("RedisBarrier barrier =", "barrier ="),
            block.substring(handlers)));
  }

  @Test
  void barrierExample_handlers_areTheOnesRedisBarrierReadmeItRuns() throws IOException {
    String block = javaBlockUnder("The barrier on Redis");
    String handlers = block.substring(block.indexOf("\n//"));
    String run = Files.readString(Path.of("src/test/java/io/jdtm/store/redis/"
        + "RedisBarrierReadmeIT.java"), StandardCharsets.UTF_8);
    assertThat(squeezed(run)).contains(squeezed(handlers));
  }

  private static String squeezed(String code) {
    return code.replaceAll("\\s+", " ").trim();
  }

  /** The only ```java block under {@code heading} in README.md. */
  static String javaBlockUnder(String heading) throws IOException {
    List<String> blocks = new ArrayList<>();
    String current = "";
    StringBuilder text = null;
    for (String line : Files.readAllLines(README, StandardCharsets.UTF_8)) {
      if (text == null && line.startsWith("#")) {
        current = line.replaceFirst("^#+\\s*", "");
      } else if (text == null && line.equals("```java")) {
        text = new StringBuilder();
      } else if (text != null && line.startsWith("```")) {
        if (current.equals(heading)) {
          blocks.add(text.toString());
        }
        text = null;
      } else if (text != null) {
        text.append(line).append('\n');
      }
    }
    assertThat(blocks).as("```java blocks under '%s' in %s", heading, README).hasSize(1);
    return blocks.get(0);
  }

  private void compile(String name, String source) throws IOException {
    Path file = dir.resolve(name + ".java");
    Files.writeString(file, source, StandardCharsets.UTF_8);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter errors = new StringWriter();
    boolean ok = javac.getTask(errors, null, null,
        List.of("-classpath", System.getProperty("java.class.path"), "-d", dir.toString(),
            "-proc:none", "-Xlint:none"),
        null, javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)
            .getJavaFileObjects(file)).call();
    assertThat(ok).as("the README's example compiles:%n%s%n%s", source, errors).isTrue();
  }
}

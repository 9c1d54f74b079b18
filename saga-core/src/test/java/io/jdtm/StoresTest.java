package io.jdtm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.spi.StoreProvider;
import io.jdtm.spi.TransactionStore;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoresTest {
  @TempDir Path dir;

  /** A provider of {@code echo:} URIs; opening says which one was asked. */
  abstract static class Echo implements StoreProvider {
    private final String name;
    private final String pattern;

    Echo(String name, String pattern) {
      this.name = name;
      this.pattern = pattern;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String uriPattern() {
      return pattern;
    }

    @Override
    public boolean supports(String uri) {
      return uri.startsWith("echo:");
    }

    @Override
    public TransactionStore open(String uri) {
      throw new UnsupportedOperationException(name + " opened " + uri);
    }
  }

  /** Two providers that both accept {@code echo:} URIs. */
  public static final class FirstEcho extends Echo {
    public FirstEcho() {
      super("first", "echo:");
    }
  }

  public static final class SecondEcho extends Echo {
    public SecondEcho() {
      super("second", "echo:*");
    }
  }

  /** Runs {@code body} with exactly {@code providers} registered through ServiceLoader. */
  private <T> T withProviders(Callable<T> body, Class<?>... providers) throws Exception {
    Path services = dir.resolve("META-INF/services/" + StoreProvider.class.getName());
    Files.createDirectories(services.getParent());
    StringBuilder lines = new StringBuilder();
    for (Class<?> p : providers) {
      lines.append(p.getName()).append('\n');
    }
    Files.writeString(services, lines);
    Thread thread = Thread.currentThread();
    ClassLoader original = thread.getContextClassLoader();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
        StoresTest.class.getClassLoader())) {
      thread.setContextClassLoader(loader);
      return body.call();
    } finally {
      thread.setContextClassLoader(original);
    }
  }

  @Test
  void open_oneProviderAccepts_opensWithIt() throws Exception {
    assertThatThrownBy(() -> withProviders(() -> Stores.open("echo:x"), FirstEcho.class))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessage("first opened echo:x");
  }

  @Test
  void open_severalProvidersAccept_isAnErrorNamingEachAndOpensNothing() throws Exception {
    assertThatThrownBy(() -> withProviders(() -> Stores.open("echo://u:hunter2@x"),
            FirstEcho.class, SecondEcho.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("several store providers accept 'echo://***@x'")
        .hasMessageContaining("first (echo:)")
        .hasMessageContaining("second (echo:*)")
        .hasMessageContaining("Pass a store instance to the builder instead")
        .hasMessageNotContaining("hunter2");
  }
  @Test
  void open_noProviderAccepts_saysWhatIsAvailableAndHidesSecrets() {
    assertThatThrownBy(() -> Stores.open("redis://user:hunter2@127.0.0.1:6379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no store provider accepts 'redis://***@127.0.0.1:6379'")
        .hasMessageContaining("available: none")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void open_memoryWithoutStoreMemory_namesTheMissingArtifact() {
    assertThatThrownBy(() -> Stores.open("memory:"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no store provider accepts 'memory:'")
        .hasMessageContaining("Add the io.jdtm:store-memory module to the class path");
  }

  @Test
  void open_jdbcWithoutStoreJdbc_namesTheMissingArtifact() {
    assertThatThrownBy(() -> Stores.open("jdbc:h2:./data/jdtm#jdtm.createSchema=true"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no store provider accepts 'jdbc:h2:./data/jdtm")
        .hasMessageContaining("Add the io.jdtm:store-jdbc module");
  }

  @Test
  void open_redisUri_withoutTheRedisModule_asksForIt() {
    for (String uri : List.of("rediss://:tok@127.0.0.1:6380/0",
        "redis-cluster://u:tok@127.0.0.1:7001,127.0.0.1:7002",
        "rediss-cluster://u:tok@127.0.0.1:7001")) {
      assertThatThrownBy(() -> Stores.open(uri))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Add the io.jdtm:store-redis module to the class path")
          .hasMessageNotContaining("tok");
    }
  }

  @Test
  void open_unknownScheme_asksForTheStoreModule() {
    assertThatThrownBy(() -> Stores.open("jdbc:sqlserver://db"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Add the store module to the class path")
        .hasMessageNotContaining("io.jdtm:");
  }

  @Test
  void open_blankUri_isRejected() {
    assertThatThrownBy(() -> Stores.open(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void redact_masksUserInfoAndPasswordParameters() {
    assertThat(Stores.redact("jdbc:postgresql://db/x?user=a&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://db/x?user=a&password=***&ssl=true");
    assertThat(Stores.redact("jdbc:h2:./data/x;PASSWORD=abc;MODE=x"))
        .isEqualTo("jdbc:h2:./data/x;PASSWORD=***;MODE=x");
    assertThat(Stores.redact("rediss://:tok@host:6380/0")).isEqualTo("rediss://***@host:6380/0");
  }

  @Test
  void redact_masksAPasswordHoldingSlashesOrAtSigns() {
    assertThat(Stores.redact("redis://u:a/b@c@host:6379/0")).isEqualTo("redis://***@host:6379/0");
    assertThat(Stores.redact("redis-cluster://u:p@w@h1:7001,h2:7002"))
        .isEqualTo("redis-cluster://***@h1:7001,h2:7002");
  }
}

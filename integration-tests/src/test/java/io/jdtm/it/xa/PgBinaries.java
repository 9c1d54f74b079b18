package io.jdtm.it.xa;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL server binaries ({@code initdb}, {@code postgres}) of this machine, and how to
 * run them: as the {@code postgres} OS user through {@code runuser} when this JVM runs as root
 * (initdb refuses root), directly otherwise. The directory comes from {@code pg_config --bindir},
 * else {@code /usr/lib/postgresql/15/bin} (Debian's {@code postgresql-15} package, which {@code
 * scripts/ensure-servers} installs). Missing binaries fail the test when {@code CI=true} and skip
 * it otherwise. Immutable and thread-safe.
 */
final class PgBinaries {
  private static final String OS_USER = "postgres";
  private static final Path DEBIAN_BINDIR = Path.of("/usr/lib/postgresql/15/bin");

  private final Path bindir;
  private final boolean asRoot;

  private PgBinaries(Path bindir, boolean asRoot) {
    this.bindir = bindir;
    this.asRoot = asRoot;
  }

  /** This machine's binaries, or the test is skipped (failed with {@code CI=true}). */
  static PgBinaries require() {
    Path bindir = locate();
    boolean asRoot = "root".equals(System.getProperty("user.name"));
    if (bindir == null) {
      unavailable("PostgreSQL server binaries (initdb, postgres) not found: neither `pg_config "
          + "--bindir` nor " + DEBIAN_BINDIR + " has them. Install Debian's postgresql-15 "
          + "(scripts/ensure-servers does when no PostgreSQL answers on 5432).");
    }
    if (asRoot && !Files.isExecutable(Path.of("/usr/sbin/runuser"))
        && !Files.isExecutable(Path.of("/sbin/runuser"))) {
      unavailable("running as root but runuser (util-linux) is missing: initdb and postgres "
          + "must run as the postgres OS user");
    }
    return new PgBinaries(bindir, asRoot);
  }

  private static Path locate() {
    List<Path> candidates = new ArrayList<>();
    String fromPgConfig = pgConfigBindir();
    if (fromPgConfig != null) {
      candidates.add(Path.of(fromPgConfig));
    }
    candidates.add(DEBIAN_BINDIR);
    return candidates.stream()
        .filter(d -> Files.isExecutable(d.resolve("initdb"))
            && Files.isExecutable(d.resolve("postgres")))
        .findFirst().orElse(null);
  }

  private static String pgConfigBindir() {
    try {
      Process p = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static void unavailable(String why) {
    if ("true".equals(System.getenv("CI"))) {
      throw new IllegalStateException("CI=true and " + why);
    }
    Assumptions.abort(why);
  }

  /** {@code program} of the bindir with {@code args}, run as the postgres OS user if root. */
  List<String> command(String program, List<String> args) {
    List<String> cmd = new ArrayList<>();
    if (asRoot) {
      cmd.addAll(List.of("runuser", "-u", OS_USER, "--"));
    }
    cmd.add(bindir.resolve(program).toString());
    cmd.addAll(args);
    return cmd;
  }

  /** Makes {@code dir} the server's own: owned by the postgres OS user when running as root. */
  void own(Path dir) throws IOException {
    if (!asRoot) {
      return;
    }
    UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
    GroupPrincipal group = users.lookupPrincipalByGroupName(OS_USER);
    PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
    view.setOwner(users.lookupPrincipalByName(OS_USER));
    view.setGroup(group);
  }
}

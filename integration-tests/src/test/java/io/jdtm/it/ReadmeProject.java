package io.jdtm.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A user's Maven project made of the README's snippets, built without network by a separate Maven
 * run: jdtm's artifacts come from this build's module folders (poms, and compiled classes as jars)
 * in a local repository of the project's own; anything else is read from the local repository
 * this build uses, as a {@code file:} mirror (nothing is downloaded, nothing written there).
 */
final class ReadmeProject {
  private static final List<String> MODULES = List.of("saga-core", "store-memory", "store-jdbc");
  private static final String JAVA_PLACEHOLDER = "README_JAVA_SNIPPET";
  private static final String POM_PLACEHOLDER = "README_POM_FRAGMENT";

  /** What the Maven run answered: its exit code and its output. */
  record Build(int exitCode, String log) {}

  private final Path root;
  private final Path dir;
  private final String version;

  /**
   * @param root the jdtm source tree, its modules compiled already
   * @param dir where the project and its local repository go (emptied first)
   */
  ReadmeProject(Path root, Path dir, String version) throws IOException {
    this.root = root;
    this.dir = dir;
    this.version = version;
    deleteTree(dir);
    Files.createDirectories(dir);
  }

  void writePom(String fragment) throws IOException {
    Path pom = dir.resolve("project/pom.xml");
    Files.createDirectories(pom.getParent());
    Files.writeString(pom, template("pom.xml").replace(POM_PLACEHOLDER, fragment.indent(2)),
        StandardCharsets.UTF_8);
  }

  /** Writes class {@code name} of package {@code readme}: its template around {@code snippet}. */
  void writeSource(String name, String snippet) throws IOException {
    String code = template(name + ".java").replace(JAVA_PLACEHOLDER, snippet.indent(4));
    Files.writeString(source(name), code, StandardCharsets.UTF_8);
  }

  /** Writes class {@code name} of package {@code readme}, the scaffolding snippets assume. */
  void writeScaffolding(String name) throws IOException {
    Files.writeString(source(name), template(name + ".java"), StandardCharsets.UTF_8);
  }

  /** Runs {@code mvn compile} on the project, at most five minutes. */
  Build compile(Path buildRepository) throws IOException, InterruptedException {
    Path localRepository = seedRepository();
    Path settings = dir.resolve("settings.xml");
    Files.writeString(settings, template("settings.xml").replace("BUILD_REPOSITORY_URL",
        buildRepository.toUri().toString()), StandardCharsets.UTF_8);
    Path log = dir.resolve("build.log");
    Process maven = new ProcessBuilder(mavenCommand(), "-B", "-ntp", "-s", settings.toString(),
        "-Dmaven.repo.local=" + localRepository, "-f", dir.resolve("project/pom.xml").toString(),
        "compile")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!maven.waitFor(5, TimeUnit.MINUTES)) {
      maven.destroyForcibly();
      throw new IllegalStateException("Maven took more than 5 minutes; see " + log);
    }
    return new Build(maven.exitValue(), Files.readString(log));
  }

  /** A local repository with this build's jdtm artifacts, as {@code mvn install} leaves them. */
  private Path seedRepository() throws IOException {
    Path repository = dir.resolve("repository");
    install(root.resolve("pom.xml"), repository, "jdtm-parent", "pom");
    install(root.resolve("bom/pom.xml"), repository, "bom", "pom");
    for (String module : MODULES) {
      Path classes = root.resolve(module + "/target/classes");
      if (!Files.isDirectory(classes)) {
        throw new IllegalStateException(classes + " is missing: compile the modules first ("
            + "mvn verify from the root does)");
      }
      install(root.resolve(module + "/pom.xml"), repository, module, "pom");
      jar(classes, artifact(repository, module, "jar"));
    }
    return repository;
  }

  private void install(Path file, Path repository, String artifactId, String extension)
      throws IOException {
    Files.copy(file, artifact(repository, artifactId, extension),
        StandardCopyOption.REPLACE_EXISTING);
  }

  private Path artifact(Path repository, String artifactId, String extension) throws IOException {
    Path file = repository.resolve("io/jdtm/" + artifactId + "/" + version + "/" + artifactId
        + "-" + version + "." + extension);
    Files.createDirectories(file.getParent());
    return file;
  }

  /** The module's compiled classes and resources as a jar (current even before {@code package}). */
  private static void jar(Path classes, Path jar) throws IOException {
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(classes)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
        Files.copy(file, out);
        out.closeEntry();
      }
    }
  }

  private Path source(String name) throws IOException {
    Path file = dir.resolve("project/src/main/java/readme/" + name + ".java");
    Files.createDirectories(file.getParent());
    return file;
  }

  private static String mavenCommand() {
    String home = System.getProperty("jdtm.maven.home", "");
    Path mvn = Path.of(home, "bin", "mvn");
    return !home.isEmpty() && Files.isExecutable(mvn) ? mvn.toString() : "mvn";
  }

  private static String template(String name) throws IOException {
    try (InputStream in = ReadmeProject.class.getResourceAsStream("/readme/" + name + ".txt")) {
      if (in == null) {
        throw new IllegalStateException("no template readme/" + name + ".txt");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}

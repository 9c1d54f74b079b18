package io.jdtm.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The docs live in the repository: every link and every {@code .md} file named exists. */
class DocsLinksTest {
  private static final Path ROOT = Path.of(System.getProperty("jdtm.root", ".."))
      .toAbsolutePath().normalize();
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");
  private static final Pattern MD_FILE = Pattern.compile("[A-Za-z0-9_./-]*[A-Za-z0-9_-]\\.md\\b");

  @Test
  void links_inReadmeAndDocs_pointAtFilesThatExist() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path doc : markdown()) {
      Matcher m = LINK.matcher(Files.readString(doc));
      while (m.find()) {
        String target = m.group(1);
        if (!target.contains("://") && !Files.exists(doc.getParent().resolve(target))) {
          broken.add(ROOT.relativize(doc) + " -> " + target);
        }
      }
    }

    assertThat(broken).isEmpty();
  }

  @Test
  void mdFilesNamed_inReadmeDocsAndMainSources_exist() throws IOException {
    List<Path> files = new ArrayList<>(markdown());
    try (Stream<Path> sources = Files.walk(ROOT)) {
      sources.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> ROOT.relativize(p).toString().matches("[^/]+/src/main/.*"))
          .filter(p -> !ROOT.relativize(p).startsWith("benchmarks")) // names files it writes
          .forEach(files::add);
    }
    List<String> missing = new ArrayList<>();
    for (Path file : files) {
      Matcher m = MD_FILE.matcher(Files.readString(file));
      while (m.find()) {
        String name = m.group();
        if (!Files.exists(file.getParent().resolve(name)) && !Files.exists(ROOT.resolve(name))) {
          missing.add(ROOT.relativize(file) + " names " + name);
        }
      }
    }

    assertThat(missing).isEmpty();
  }

  private static List<Path> markdown() throws IOException {
    List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    Path dir = ROOT.resolve("docs");
    if (Files.isDirectory(dir)) {
      try (Stream<Path> list = Files.list(dir)) {
        list.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
      }
    }
    return docs;
  }
}

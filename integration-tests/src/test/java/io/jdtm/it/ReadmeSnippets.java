package io.jdtm.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The fenced code blocks of a Markdown file, each with the heading it appears under. */
final class ReadmeSnippets {
  /** One fenced block: its language, the nearest heading above it, and its text. */
  record Snippet(String language, String heading, String text) {}

  private ReadmeSnippets() {}

  static List<Snippet> read(Path markdown) throws IOException {
    List<Snippet> snippets = new ArrayList<>();
    String heading = "";
    String language = null;
    StringBuilder text = new StringBuilder();
    for (String line : Files.readAllLines(markdown)) {
      if (language == null && line.startsWith("```")) {
        language = line.substring(3).trim();
        text.setLength(0);
      } else if (language != null && line.startsWith("```")) {
        snippets.add(new Snippet(language, heading, text.toString()));
        language = null;
      } else if (language != null) {
        text.append(line).append('\n');
      } else if (line.startsWith("#")) {
        heading = line.replaceFirst("^#+\\s*", "");
      }
    }
    return snippets;
  }

  /** The only block in {@code language} under {@code heading}; fails unless there is one. */
  static Snippet only(List<Snippet> snippets, String heading, String language) {
    List<Snippet> found = snippets.stream()
        .filter(s -> s.heading().equals(heading) && s.language().equals(language)).toList();
    if (found.size() != 1) {
      throw new IllegalStateException("expected one ```" + language + " block under '" + heading
          + "', found " + found.size());
    }
    return found.get(0);
  }
}

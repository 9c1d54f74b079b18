package io.jdtm.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where and when a run took place: the machine's details ({@link Machine#describe()}) and the
 * time the report was written, kept beside the results as {@value #FILE} so that anything
 * generated from the results later (the README's table) names the machine the numbers come from,
 * not the one it is generated on. Immutable and thread-safe.
 *
 * @param machine cores, CPU model, OS and memory
 * @param when the time of the run, ISO-8601 to the minute
 */
record RunInfo(String machine, String when) {
  /** The file name of a run's details in its results directory. */
  static final String FILE = "machine.json";

  /** This machine, now. */
  static RunInfo current() {
    return new RunInfo(Machine.describe(),
        Instant.now().truncatedTo(ChronoUnit.MINUTES).toString());
  }

  /** The details stored in {@code dir}, or unknown ones when it has none. */
  static RunInfo read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return new RunInfo("an unrecorded machine", "at an unrecorded time");
    }
    JsonNode json = JsonMapper.builder().build().readTree(Files.readString(file));
    return new RunInfo(json.path("machine").asString(), json.path("when").asString());
  }

  /** Writes these details to {@code dir}. */
  void write(Path dir) throws IOException {
    JsonMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    ObjectNode json = mapper.createObjectNode();
    json.put("machine", machine);
    json.put("when", when);
    Files.writeString(dir.resolve(FILE), mapper.writeValueAsString(json) + "\n");
  }

  /** One sentence: the run's time and machine, the JDKs and the JMH settings of {@code rows}. */
  String describe(List<JmhResult> rows) {
    Set<String> jdks = new LinkedHashSet<>();
    Set<String> profiles = new LinkedHashSet<>();
    rows.forEach(r -> {
      jdks.add(r.jdk());
      profiles.add(r.profile());
    });
    return "Run " + when + " on " + machine + "; JDK " + String.join("; ", jdks) + "; JMH "
        + String.join("; ", profiles) + ".";
  }
}

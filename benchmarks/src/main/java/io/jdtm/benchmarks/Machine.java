package io.jdtm.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** The details of the machine a report is written on. Stateless and thread-safe. */
final class Machine {
  private Machine() {}

  /** One Markdown line: cores, CPU model (where Linux tells), OS. */
  static String describe() {
    return Runtime.getRuntime().availableProcessors() + " cores"
        + cpuModel().map(m -> " (" + m + ")").orElse("") + ", "
        + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch") + ", " + memoryGiB();
  }

  private static Optional<String> cpuModel() {
    Path cpuinfo = Path.of("/proc/cpuinfo");
    if (!Files.isReadable(cpuinfo)) {
      return Optional.empty();
    }
    try (Stream<String> lines = Files.lines(cpuinfo)) {
      return lines.filter(l -> l.startsWith("model name")).findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).trim());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String memoryGiB() {
    Path meminfo = Path.of("/proc/meminfo");
    if (!Files.isReadable(meminfo)) {
      return "memory unknown";
    }
    try (Stream<String> lines = Files.lines(meminfo)) {
      return lines.filter(l -> l.startsWith("MemTotal:")).findFirst()
          .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / (1024 * 1024) + " GiB RAM")
          .orElse("memory unknown");
    } catch (IOException e) {
      return "memory unknown";
    }
  }
}

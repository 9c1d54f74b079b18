package io.jdtm.benchmarks;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One row of a JMH JSON result file ({@code -rf json}), normalised: operations per second
 * whatever the mode (sample and average time: threads / mean time per op) and latency
 * percentiles in milliseconds ({@code NaN} in throughput mode). Immutable and thread-safe.
 *
 * @param benchmark the class's simple name, e.g. {@code SagaBenchmark}
 * @param method the benchmark method, e.g. {@code saga}
 * @param threads client threads: the {@code threads} parameter where a benchmark has one (the
 *     peers' workload parameter), else JMH's threads
 * @param secondary the secondary scores by name (JMH's aux counters), as JMH reports them
 */
record JmhResult(String benchmark, String method, String mode, int threads,
    Map<String, String> params, double opsPerSecond, double p50, double p99, double p999,
    String jdk, String profile, Map<String, Double> secondary) {

  static JmhResult parse(JsonNode row) {
    String[] name = row.path("benchmark").asString().split("\\.");
    String mode = row.path("mode").asString();
    Map<String, String> params = new LinkedHashMap<>();
    row.path("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().asString()));
    int threads = params.containsKey("threads") ? Integer.parseInt(params.get("threads"))
        : row.path("threads").asInt();
    JsonNode metric = row.path("primaryMetric");
    String unit = metric.path("scoreUnit").asString();
    double score = metric.path("score").asDouble();
    double ops = unit.startsWith("ops/") ? score / seconds(unit.substring(4))
        : row.path("threads").asInt() / (score * seconds(unit.substring(0, unit.indexOf('/'))));
    Map<String, Double> secondary = new LinkedHashMap<>();
    row.path("secondaryMetrics").properties()
        .forEach(e -> secondary.put(e.getKey(), e.getValue().path("score").asDouble()));
    JsonNode pct = metric.path("scorePercentiles");
    double toMs = unit.startsWith("ops/") ? Double.NaN : seconds(unit.substring(0,
        unit.indexOf('/'))) * 1000;
    return new JmhResult(name[name.length - 2], name[name.length - 1], mode, threads, params, ops,
        percentile(pct, "50.0", toMs), percentile(pct, "99.0", toMs),
        percentile(pct, "99.9", toMs),
        row.path("jdkVersion").asString() + " (" + row.path("vmName").asString() + " "
            + row.path("vmVersion").asString() + ")",
        String.format(Locale.ROOT, "forks %d, warmup %d x %s, measurement %d x %s",
            row.path("forks").asInt(), row.path("warmupIterations").asInt(),
            row.path("warmupTime").asString(), row.path("measurementIterations").asInt(),
            row.path("measurementTime").asString()), secondary);
  }

  /** Whether this row comes from the peers' module. */
  boolean isPeer() {
    return benchmark.endsWith("PeerBenchmark");
  }

  /** Whether this row is the raw baseline of another method of the same benchmark. */
  boolean isBaseline() {
    return method.endsWith("Baseline");
  }

  String param(String name, String fallback) {
    return params.getOrDefault(name, fallback);
  }

  /** Same workload as {@code other}: same benchmark class, parameters and threads. */
  boolean sameWorkload(JmhResult other) {
    return benchmark.equals(other.benchmark) && params.equals(other.params)
        && threads == other.threads;
  }

  private static double percentile(JsonNode percentiles, String key, double toMs) {
    JsonNode p = percentiles.path(key);
    return p.isMissingNode() || Double.isNaN(toMs) ? Double.NaN : p.asDouble() * toMs;
  }

  private static double seconds(String unit) {
    return switch (unit) {
      case "ns" -> 1e-9;
      case "us" -> 1e-6;
      case "ms" -> 1e-3;
      case "s" -> 1;
      case "min" -> 60;
      default -> throw new IllegalArgumentException("unknown JMH time unit " + unit);
    };
  }
}

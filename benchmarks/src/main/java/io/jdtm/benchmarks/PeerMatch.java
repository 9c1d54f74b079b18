package io.jdtm.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which jdtm workload a peer's benchmark compares with: Seata's saga engine on H2 with jdtm's saga
 * on H2, the transaction outbox with jdtm's message written in the local transaction on H2
 * ({@code OutboxMsgBenchmark}, method for method: commit and delivered; in memory or file as the
 * peer's {@code h2} parameter says, in memory without one), Camel's in-memory saga with
 * jdtm's saga on the memory store (same steps and threads). db-scheduler has no jdtm
 * counterpart yet and is listed without a ratio. Thread-safe.
 */
enum PeerMatch {
  SEATA("seata", "SagaBenchmark", "saga", "h2mem"),
  OUTBOX("outbox", "OutboxMsgBenchmark", null, "h2mem"),
  CAMEL("camel", "SagaBenchmark", "saga", "memory");

  private final String peerWord;
  private final String benchmark;
  /** The jdtm benchmark method; {@code null}: the peer's own method name. */
  private final String method;
  private final String store;

  PeerMatch(String peerWord, String benchmark, String method, String store) {
    this.peerWord = peerWord;
    this.benchmark = benchmark;
    this.method = method;
    this.store = store;
  }

  /** The jdtm row of the same workload as {@code peer}, if this run has it. */
  static Optional<JmhResult> jdtmRowFor(JmhResult peer, List<JmhResult> rows) {
    String name = peer.benchmark().toLowerCase(Locale.ROOT);
    for (PeerMatch m : values()) {
      if (name.contains(m.peerWord)) {
        return rows.stream().filter(r -> m.matches(r, peer)).findFirst();
      }
    }
    return Optional.empty();
  }

  /** What a peer row is compared with, for the table. */
  static String describe(JmhResult peer) {
    String name = peer.benchmark().toLowerCase(Locale.ROOT);
    for (PeerMatch m : values()) {
      if (name.contains(m.peerWord)) {
        return m.methodFor(peer) + " on " + m.storeFor(peer);
      }
    }
    return "no jdtm counterpart";
  }

  /** The jdtm store to compare with: the peer's H2 kind ({@code h2=mem|file}) where it has one. */
  private String storeFor(JmhResult peer) {
    String h2 = peer.param("h2", null);
    return h2 == null || !store.startsWith("h2") ? store : "h2" + h2;
  }

  private String methodFor(JmhResult peer) {
    return method != null ? method : peer.method();
  }

  private boolean matches(JmhResult r, JmhResult peer) {
    return r.benchmark().equals(benchmark) && r.method().equals(methodFor(peer))
        && storeFor(peer).equals(r.param("store", "")) && r.threads() == peer.threads()
        && r.param("steps", "3").equals(peer.param("steps", "3"));
  }
}

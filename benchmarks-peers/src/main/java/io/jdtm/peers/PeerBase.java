package io.jdtm.peers;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JMH setup every peer benchmark shares: throughput in operations per second, one fork,
 * 2 x 3 s warmup and 3 x 3 s measured unless a benchmark or the command line says otherwise, one
 * peer instance per trial shared by all benchmark threads ({@code -t}). Thread-safe.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public abstract class PeerBase {
  private final AtomicLong ids = new AtomicLong();

  /** A fresh operation id, unique within the trial. */
  protected final String nextId() {
    return Long.toString(ids.incrementAndGet());
  }
}

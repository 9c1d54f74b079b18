package io.jdtm.benchmarks;

import io.jdtm.spi.CreateResult;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code create} of a 3-step saga record and a compare-and-set {@code update}, each beside its
 * raw baseline (INSERT + commit; fenced UPDATE + commit).
 *
 * <p>Thread-safe as {@link StoreBenchmarkBase} says.
 */
public class StoreWriteBenchmark extends StoreBenchmarkBase {

  @Benchmark
  public CreateResult create() {
    return fixture.store().create(Records.saga(Records.gid()));
  }

  @Benchmark
  public void createBaseline() {
    fixture.baseline().insert(Records.gid());
  }

  @Benchmark
  public boolean update(Row row) {
    TxUpdate update = Records.touch(row.record);
    return row.moved(fixture.store().update(update), update);
  }

  @Benchmark
  public boolean updateBaseline(BaselineRow row) {
    return row.moved(fixture.baseline().update(row.gid, row.version), null);
  }

  /** The memory store keeps every created record; start each iteration from an empty one. */
  @TearDown(Level.Iteration)
  public void forgetCreated() {
    fixture.resetMemory();
  }

  /** One record per thread, updated over and over; its version (and record) tracked here. */
  @State(Scope.Thread)
  public static class Row {
    String gid;
    long version;
    TxRecord record;

    @Setup(Level.Iteration)
    public void create(StoreWriteBenchmark b) {
      gid = Records.gid();
      version = 1;
      record = Records.saga(gid);
      b.fixture.store().create(record);
    }

    /** Moves to the next version; {@code update} (when not null) is what the store applied. */
    boolean moved(boolean moved, TxUpdate update) {
      if (!moved) {
        throw new IllegalStateException(gid + " was not at version " + version);
      }
      version++;
      if (update != null) {
        record = record.applying(update);
      }
      return true;
    }
  }

  /** The baseline's row, one per thread. */
  @State(Scope.Thread)
  public static class BaselineRow extends Row {
    @Override
    @Setup(Level.Iteration)
    public void create(StoreWriteBenchmark b) {
      gid = Records.gid();
      version = 1;
      b.fixture.baseline().insert(gid);
    }
  }
}

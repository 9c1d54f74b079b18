package io.jdtm.benchmarks;

import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@code apply} of a batch of compare-and-set updates (one per record), beside its baseline: the
 * same fenced UPDATEs in one JDBC batch and one commit. The score counts batches.
 *
 * <p>Thread-safe as {@link StoreBenchmarkBase} says.
 */
public class StoreApplyBenchmark extends StoreBenchmarkBase {
  @Param({"1", "16", "128"})
  public int batch;

  @Benchmark
  public List<Boolean> apply(Batch rows) {
    List<TxUpdate> updates = new ArrayList<>(rows.gids.size());
    for (int i = 0; i < rows.gids.size(); i++) {
      updates.add(Records.touch(rows.records[i]));
    }
    List<Boolean> results = fixture.store().apply(updates);
    rows.moved(results.stream().filter(Boolean::booleanValue).count(), updates);
    return results;
  }

  @Benchmark
  public int applyBaseline(BaselineBatch rows) {
    int moved = fixture.baseline().updateBatch(rows.gids, rows.versions);
    rows.moved(moved, null);
    return moved;
  }

  /** {@code batch} records, each moved one version per call. One per thread. */
  @State(Scope.Thread)
  public static class Batch {
    final List<String> gids = new ArrayList<>();
    long[] versions;
    TxRecord[] records;

    @Setup(Level.Trial)
    public void create(StoreApplyBenchmark b) {
      versions = new long[b.batch];
      records = new TxRecord[b.batch];
      for (int i = 0; i < b.batch; i++) {
        String gid = Records.gid();
        records[i] = insert(b.fixture, gid);
        gids.add(gid);
        versions[i] = 1;
      }
    }

    /** Stores the row; returns the record stored, if any. */
    TxRecord insert(StoreFixture f, String gid) {
      TxRecord record = Records.saga(gid);
      f.store().create(record);
      return record;
    }

    /** Moves every row on; {@code updates} (when not null) are what the store applied. */
    void moved(long count, List<TxUpdate> updates) {
      if (count != versions.length) {
        throw new IllegalStateException(count + " of " + versions.length + " updates applied");
      }
      for (int i = 0; i < versions.length; i++) {
        versions[i]++;
        if (updates != null) {
          records[i] = records[i].applying(updates.get(i));
        }
      }
    }
  }

  /** The baseline's rows, one set per thread. */
  @State(Scope.Thread)
  public static class BaselineBatch extends Batch {
    @Override
    TxRecord insert(StoreFixture f, String gid) {
      f.baseline().insert(gid);
      return null;
    }
  }
}

package io.jdtm.it;

import io.jdtm.Barrier;
import io.jdtm.BranchContext;
import io.jdtm.Outcome;
import io.jdtm.testkit.MemoryBarrier;

/** {@link KvBarrier} on the testkit's in-memory barrier. */
final class MemoryKvBarrier implements KvBarrier {
  private final MemoryBarrier barrier = new MemoryBarrier();

  @Override
  public String name() {
    return "memory-barrier";
  }

  @Override
  public Barrier<?> barrier() {
    return barrier;
  }

  @Override
  public Outcome call(BranchContext ctx, Work work) throws Exception {
    return barrier.call(ctx, local(work));
  }

  private static Barrier.LocalWork<MemoryBarrier.Tx> local(Work work) {
    return tx -> work.run(new Kv() {
      @Override
      public long get(String key) {
        return tx.get(key);
      }

      @Override
      public void add(String key, long delta) {
        tx.add(key, delta);
      }
    });
  }

  @Override
  public long value(String key) {
    return barrier.value(key);
  }

  @Override
  public void set(String key, long value) {
    barrier.set(key, value);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <R> R asLocalWork(Work work) {
    return (R) local(work);
  }

  @Override
  public void close() {}
}

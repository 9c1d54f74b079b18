package io.jdtm.testkit;

import io.jdtm.Barrier;
import java.util.concurrent.atomic.AtomicInteger;

/** The in-memory barrier passes the barrier contract, as the JDBC barrier does. */
class MemoryBarrierContractTest extends BarrierContract<MemoryBarrier.Tx> {
  private final MemoryBarrier barrier = new MemoryBarrier();
  private final AtomicInteger accounts = new AtomicInteger();

  @Override
  protected Barrier<MemoryBarrier.Tx> barrier() {
    return barrier;
  }

  @Override
  protected String openAccount(long balance) {
    String account = "account-" + accounts.incrementAndGet();
    barrier.set(account, balance);
    return account;
  }

  @Override
  protected void add(MemoryBarrier.Tx tx, String account, long delta) {
    tx.add(account, delta);
  }

  @Override
  protected long balance(String account) {
    return barrier.value(account);
  }
}

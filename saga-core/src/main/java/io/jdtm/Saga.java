package io.jdtm;

import io.jdtm.internal.Engine;
import io.jdtm.internal.SagaRecords;
import io.jdtm.spi.TxOptions;
import io.jdtm.spi.TxRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Defines and submits one saga: steps of (action, compensation, payload) run in order, or as a
 * DAG with {@link #concurrent()} and {@link #after(int, int...)}. If an action answers FAILURE,
 * every action that may have run is compensated in reverse order and the saga ends FAILED.
 *
 * <pre>{@code
 * String gid = tm.saga()
 *     .step("debit", "debitUndo", new Transfer("A", 30))
 *     .step("http://bank-b/credit", "http://bank-b/creditUndo", new Transfer("B", 30))
 *     .timeoutToFail(Duration.ofMinutes(5))
 *     .submit();
 * }</pre>
 *
 * <p>Not thread-safe: build and submit it on one thread. Obtain it from {@link
 * TransactionManager#saga()}.
 */
public final class Saga extends TxBuilder<Saga> {
  /**
   * The action or compensation of a step that has none, as DTM's empty URL: {@code
   * step("reserve", Saga.NONE, order)} for a step with nothing to undo, {@code step(Saga.NONE,
   * "release", order)} for one with nothing to do forward. The missing op is never called and
   * counts as succeeded the moment it is due (a step without action is done at once; on rollback
   * a step without compensation is passed over). It is stored as this value, so recovery treats
   * it the same. A step needs at least one of the two; {@code null} and {@code ""} are rejected.
   */
  public static final String NONE = "none:";

  private final SagaRecords records;
  private final List<SagaRecords.Step> steps = new ArrayList<>();
  private final Map<Integer, Set<Integer>> after = new HashMap<>();
  private boolean concurrent;
  private int retryLimit = -1;

  Saga(Engine engine, SagaRecords records, String gid) {
    super(engine, gid);
    this.records = records;
  }

  @Override
  Saga self() {
    return this;
  }

  /**
   * Adds a step. Targets are a registered handler name ({@code NAME} or {@code handler:NAME}), an
   * {@code http(s)://} URL, or {@link #NONE} for a missing op; both ops receive the same payload.
   */
  public Saga step(String action, String compensate, Object payload) {
    steps.add(new SagaRecords.Step(action, compensate, payload));
    return this;
  }

  /** Runs steps concurrently, as a DAG ordered by {@link #after}. */
  public Saga concurrent() {
    this.concurrent = true;
    return this;
  }

  /**
   * Makes step {@code step} (0-based, in the order of {@link #step} calls) wait until the steps
   * {@code dependsOn} have succeeded. Needs {@link #concurrent()}; cycles are rejected at submit.
   */
  public Saga after(int step, int... dependsOn) {
    Set<Integer> deps = after.computeIfAbsent(step, s -> new TreeSet<>());
    for (int d : dependsOn) {
      deps.add(d);
    }
    return this;
  }





  /** Retries of an action after its first call before the saga rolls back ({@code n+1} calls). */
  public Saga retryLimit(int retries) {
    if (retries < 0) {
      throw new IllegalArgumentException("retryLimit must not be negative, was " + retries);
    }
    this.retryLimit = retries;
    return this;
  }





  /**
   * Stores the saga and starts it. When this returns, the saga is durable (as durable as the
   * store) and will finish whatever crashes follow. Submitting identical content under the same
   * gid again is a no-op.
   *
   * @return the gid
   * @throws InvalidTransactionException when the definition is invalid (nothing is stored)
   * @throws NoSuchHandlerException when a handler target is not registered
   * @throws PayloadCodecException when a payload does not encode, is too large or does not fit
   * @throws DuplicateTransactionException when the gid exists with other content
   * @throws StoreUnavailableException when the store failed; submitting again is safe
   */
  public String submit() {
    return engine.submit(toRecord(), payloads());
  }

  /**
   * Submits and waits up to {@code timeout} for the saga to finish. A worker of the executor stores
   * the saga and drives it while the timeout lasts (no further hand-offs); what is left then, or
   * when this thread is interrupted, goes on on the executor. This call returns within the timeout
   * whatever the store and the branches do: a round still running then goes on without the caller.
   * Limits: when the executor refuses the task or runs it on this thread, a spare thread of the
   * manager (16 at most at once) takes it, and only when those are all busy does this thread,
   * which may then wait on the store past the timeout; called from a handler on a bounded
   * executor whose workers are all busy, the task waits in its queue and this call throws
   * StoreUnavailableException at the timeout although the store may be fine.
   *
   * <p>On a store that never blocks (the memory store: {@link
   * io.jdtm.spi.StoreCapability#NON_BLOCKING}), with a timeout longer than the request timeout
   * plus a quarter second, this thread stores and drives the saga itself, with no hand-off,
   * starting a round only while the time left exceeds the request timeout plus a quarter second;
   * the manager's watchdog interrupts a Java handler at the request timeout, so the call still
   * returns within the timeout unless a handler ignores the interrupt. An interrupt of this
   * thread then reaches the handler running on it.
   *
   * @return the status (terminal, or the last one read if time ran out), the rollback reason and
   *     the last error of a branch op that has not succeeded
   * @throws StoreUnavailableException when the store failed, or did not confirm the saga within
   *     the timeout (plus half a second): it may or may not be stored; submitting again is safe
   */
  public TxResult submitAndWait(Duration timeout) {
    Check.positive(timeout, "timeout");
    return engine.submitAndWait(toRecord(), payloads(), timeout);
  }

  /** The steps' payload objects, in step order (branch 01, 02, ...). */
  private Object[] payloads() {
    Object[] payloads = new Object[steps.size()];
    for (int i = 0; i < payloads.length; i++) {
      payloads[i] = steps.get(i).payload();
    }
    return payloads;
  }

  private TxRecord toRecord() {
    TxOptions options = options(null, retryLimit, concurrent);
    return records.build(gid, steps, after, options, customData, engine.config().instanceId(),
        engine.now(), engine.config().lease());
  }
}

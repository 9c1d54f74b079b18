package io.jdtm.peers;

import com.gruelbox.transactionoutbox.Dialect;
import com.gruelbox.transactionoutbox.Instantiator;
import com.gruelbox.transactionoutbox.Persistor;
import com.gruelbox.transactionoutbox.Submitter;
import com.gruelbox.transactionoutbox.ThreadLocalContextTransactionManager;
import com.gruelbox.transactionoutbox.TransactionManager;
import com.gruelbox.transactionoutbox.TransactionOutbox;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * gruelbox transaction-outbox on H2: each message is one outbox row written in its own local
 * transaction, then delivered after the commit to one action by the outbox's default submitter
 * (one thread, a queue of 16,384). Not thread-safe to open and close; {@link #commit} and
 * {@link #commitAndAwaitDelivery} are.
 */
final class OutboxMessages implements AutoCloseable {
  private static final long SHUTDOWN_SECONDS = 30;
  /** Held so the setting stays: the outbox's validator logs its version through JUL otherwise. */
  private static final Logger VALIDATOR_LOG = Logger.getLogger("org.hibernate.validator");

  static {
    VALIDATOR_LOG.setLevel(Level.WARNING);
  }

  /** The one action messages are delivered to; public for the outbox's proxy. */
  public interface Delivery {
    void deliver(String id);
  }

  private final Completions delivered = new Completions();
  private final H2Database db;
  private final ThreadPoolExecutor executor;
  private final ThreadLocalContextTransactionManager transactions;
  private final TransactionOutbox outbox;

  private OutboxMessages(H2Database db) {
    this.db = db;
    this.executor = new ThreadPoolExecutor(
        1, 1, 0L, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(16384));
    this.transactions = TransactionManager.fromDataSource(db.dataSource());
    Delivery delivery = delivered::complete;
    this.outbox = TransactionOutbox.builder()
        .transactionManager(transactions)
        .persistor(Persistor.forDialect(Dialect.H2))
        .instantiator(Instantiator.using(type -> delivery))
        .submitter(Submitter.withExecutor(executor))
        .build();
  }

  static OutboxMessages open(String h2) {
    return new OutboxMessages(H2Database.open(h2));
  }

  /** Writes one message in its own transaction and returns after the commit. */
  void commit(String id) {
    transactions.inTransaction(() -> outbox.schedule(Delivery.class).deliver(id));
  }

  /** Writes one message in its own transaction and returns once the action has received it. */
  void commitAndAwaitDelivery(String id) throws Exception {
    delivered.handOverAndAwait(id, () -> commit(id));
  }

  long delivered() {
    return delivered.count();
  }

  @Override
  public void close() throws InterruptedException {
    executor.shutdownNow();
    executor.awaitTermination(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
    db.close();
  }
}

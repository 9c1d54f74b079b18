package io.jdtm.benchmarks;

import io.jdtm.Outcome;
import io.jdtm.TransactionManager;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * A 2-phase message written inside the caller's local transaction ({@code
 * Msg.doAndSubmit(dataSource, work)}): one transaction on the store's database inserts one order
 * row and the message, commits, and the message is delivered to one action; the workload of the
 * transaction-outbox peer ({@code OutboxPeerBenchmark}: one outbox row per transaction, one
 * action; it writes no order row). {@code commit} returns after the commit (delivery goes on in
 * the background: commit rate); {@code delivered} returns once the action has received that
 * message (delivered rate). JDBC stores only.
 *
 * <p>Thread-safe as {@link EndToEndBase} says.
 */
public class OutboxMsgBenchmark extends EndToEndBase {
  private static final long DELIVERY_SECONDS = 30;

  @Param({"h2mem", "h2file", "postgres", "mariadb"})
  public String store;

  private final Map<String, CompletableFuture<Void>> awaited = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong delivered = new AtomicLong();
  private DataSource dataSource;
  private String insertOrder;

  @Override
  String storeName() {
    return store;
  }

  @Override
  TransactionManager.Builder configure(TransactionManager.Builder builder) {
    dataSource = fixture.dataSource();
    insertOrder = "INSERT INTO " + fixture.ordersTable() + " (id, amount) VALUES (?, ?)";
    return builder.handler("outbox", String.class, (ctx, id) -> {
      delivered.incrementAndGet();
      CompletableFuture<Void> done = awaited.remove(id);
      if (done != null) {
        done.complete(null);
      }
      return Outcome.success();
    });
  }

  @Benchmark
  public String commit() throws Exception {
    return submit("c-" + ids.incrementAndGet());
  }

  @Benchmark
  public String delivered() throws Exception {
    String id = "d-" + ids.incrementAndGet();
    CompletableFuture<Void> done = new CompletableFuture<>();
    awaited.put(id, done);
    String gid = submit(id);
    done.get(DELIVERY_SECONDS, TimeUnit.SECONDS);
    return gid;
  }

  /** Messages the action received so far. */
  long deliveredCount() {
    return delivered.get();
  }

  private String submit(String id) throws Exception {
    return tm.msg().add("outbox", id).doAndSubmit(dataSource, c -> {
      try (PreparedStatement s = c.prepareStatement(insertOrder)) {
        s.setString(1, id);
        s.setInt(2, PAYLOAD);
        s.executeUpdate();
      }
    });
  }
}

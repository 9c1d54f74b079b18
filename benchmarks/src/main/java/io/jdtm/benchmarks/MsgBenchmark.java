package io.jdtm.benchmarks;

import io.jdtm.Outcome;
import io.jdtm.TransactionManager;
import io.jdtm.store.jdbc.JdbcBarrier;
import java.sql.PreparedStatement;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * A 2-phase message with a local transaction (one order row, in the store's database, under the
 * barrier) and {@value #ACTIONS} no-op actions, awaited until delivered; beside the outbox
 * baseline: the order and message rows in one local transaction, then one fenced UPDATE and
 * commit per action. JDBC stores only: the local transaction shares their database.
 *
 * <p>Thread-safe as {@link EndToEndBase} says.
 */
public class MsgBenchmark extends EndToEndBase {
  static final int ACTIONS = 2;

  @Param({"h2mem", "h2file", "postgres", "mariadb"})
  public String store;

  private JdbcBarrier barrier;
  private String insertOrder;

  @Override
  String storeName() {
    return store;
  }

  @Override
  TransactionManager.Builder configure(TransactionManager.Builder builder) {
    barrier = fixture.barrier();
    insertOrder = "INSERT INTO " + fixture.ordersTable() + " (id, amount) VALUES (?, ?)";
    return builder.barrier("orders", barrier);
  }

  @Benchmark
  public String msg() throws Exception {
    String gid = tm.msg().add("deliver", PAYLOAD).add("deliver", PAYLOAD)
        .doAndSubmit(barrier, c -> {
          try (PreparedStatement s = c.prepareStatement(insertOrder)) {
            s.setString(1, Records.gid());
            s.setInt(2, PAYLOAD);
            s.executeUpdate();
          }
          return Outcome.success();
        });
    tm.await(gid, TIMEOUT);
    return gid;
  }

  @Benchmark
  public String msgBaseline() {
    String gid = Records.gid();
    fixture.baseline().message(gid, ACTIONS);
    return gid;
  }
}

package io.jdtm.it.process;

import io.jdtm.JdtmException;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.spi.TxQuery;
import io.jdtm.spi.TxRecord;
import io.jdtm.store.jdbc.JdbcStore;
import io.jdtm.testkit.AckFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

/**
 * The child JVM of {@link KillNineIT}: a bank and a transaction manager with a short lease on
 * PostgreSQL. Arguments: {@code run URL USER PREFIX ACK_FILE SEED} submits transfer sagas between
 * random accounts (some too large, so refused and compensated) until killed, appending each gid
 * to the acknowledged file after {@code submit()} returned; {@code drain URL USER PREFIX} recovers
 * and exits 0 once no transaction is unfinished (3 when that takes too long). The password comes
 * from {@value #PASSWORD_ENV}. Prints {@value #READY} once the manager has started.
 *
 * <p>Not instantiable; its static state is constants, safe from any thread.
 */
public final class TransferWorker {
  static final String READY = "READY";
  static final String PASSWORD_ENV = "JDTM_PG_PASSWORD";
  static final List<String> ACCOUNTS =
      IntStream.range(0, 8).mapToObj(i -> "acct-" + i).toList();
  static final long OPENING_BALANCE = 1_000;
  private static final int SUBMITTERS = 4;
  /** A run worker the test forgot to kill ends by itself. */
  private static final Duration MAX_RUN = Duration.ofSeconds(60);
  private static final Duration MAX_DRAIN = Duration.ofSeconds(60);

  /** One leg of a transfer: the payload of every handler. */
  record Leg(String account, long amount) {}

  private TransferWorker() {}

  public static void main(String[] args) {
    try {
      System.exit(args[0].equals("drain") ? drain(args) : run(args));
    } catch (Throwable e) {
      e.printStackTrace();
      System.exit(2);
    }
  }

  private static int run(String[] args) throws Exception {
    BankTables tables = tables(args);
    Random seeds = new Random(Long.parseLong(args[5]));
    try (JdbcStore store = store(tables); Bank bank = new Bank(tables);
        AckFile acks = AckFile.appendingTo(Path.of(args[4]));
        TransactionManager tm = manager(store, bank)) {
      tm.start();
      System.out.println(READY);
      System.out.flush();
      for (int i = 0; i < SUBMITTERS; i++) {
        Random random = new Random(seeds.nextLong());
        Thread t = new Thread(() -> submitLoop(tm, acks, random), "submitter-" + i);
        t.setDaemon(true);
        t.start();
      }
      LockSupport.parkNanos(MAX_RUN.toNanos());
      System.out.println("not killed within " + MAX_RUN + "; exiting");
      return 1;
    }
  }

  private static void submitLoop(TransactionManager tm, AckFile acks, Random random) {
    while (true) {
      String from = ACCOUNTS.get(random.nextInt(ACCOUNTS.size()));
      String to = ACCOUNTS.get(random.nextInt(ACCOUNTS.size()));
      long amount = 1 + random.nextInt((int) (OPENING_BALANCE * 3 / 2));
      try {
        String gid = tm.saga()
            .step("debit", "debitUndo", new Leg(from, amount))
            .step("credit", "creditUndo", new Leg(to, amount))
            .submit();
        acks.add(gid);
        tm.await(gid, Duration.ofSeconds(2));
      } catch (JdtmException e) {
        System.out.println("submit failed; not acknowledged: " + e);
      } catch (Exception e) {
        e.printStackTrace();
        System.exit(2);
      }
    }
  }

  private static int drain(String[] args) throws Exception {
    BankTables tables = tables(args);
    try (JdbcStore store = store(tables); Bank bank = new Bank(tables);
        TransactionManager tm = manager(store, bank)) {
      tm.start();
      System.out.println(READY);
      long deadline = System.nanoTime() + MAX_DRAIN.toNanos();
      TxQuery unfinished = TxQuery.all(10)
          .withStatuses(EnumSet.of(TxStatus.PREPARED, TxStatus.SUBMITTED, TxStatus.ABORTING));
      for (List<TxRecord> open; !(open = store.query(unfinished).records()).isEmpty(); ) {
        if (System.nanoTime() > deadline) {
          System.out.println("still unfinished after " + MAX_DRAIN + ": " + open);
          return 3;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
      System.out.println("drained");
      return 0;
    }
  }

  private static BankTables tables(String[] args) {
    String password = System.getenv().getOrDefault(PASSWORD_ENV, "");
    return new BankTables(args[1], args[2], password, args[3]);
  }

  private static JdbcStore store(BankTables t) {
    return JdbcStore.builder().url(t.url()).credentials(t.user(), t.password())
        .tablePrefix(t.prefix()).maxPoolSize(8)
        .connectTimeout(Duration.ofSeconds(5)).socketTimeout(Duration.ofSeconds(10))
        .build();
  }

  static TransactionManager manager(JdbcStore store, Bank bank) {
    return TransactionManager.builder()
        .store(store)
        .handler("debit", Leg.class, (ctx, l) -> bank.move(ctx, l.account(), -l.amount(), true))
        .handler("debitUndo", Leg.class, (ctx, l) -> bank.move(ctx, l.account(), l.amount(), false))
        .handler("credit", Leg.class, (ctx, l) -> bank.move(ctx, l.account(), l.amount(), false))
        .handler("creditUndo", Leg.class,
            (ctx, l) -> bank.move(ctx, l.account(), -l.amount(), false))
        .lease(Duration.ofSeconds(2))
        .requestTimeout(Duration.ofMillis(500))
        .pollInterval(Duration.ofMillis(100))
        .retryInterval(Duration.ofMillis(100))
        .maxRetryInterval(Duration.ofSeconds(1))
        .shutdownTimeout(Duration.ofSeconds(2))
        .build();
  }
}

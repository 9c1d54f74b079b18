package io.jdtm.it.process;

import io.jdtm.BranchFailedException;
import io.jdtm.CallResult;
import io.jdtm.JdtmException;
import io.jdtm.TransactionManager;
import io.jdtm.store.jdbc.JdbcStore;
import io.jdtm.testkit.AckFile;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.xa.PGXADataSource;

/**
 * The child JVM of {@link XaKillNineIT}: a transaction manager with a short lease, its store on
 * PostgreSQL, and two XA resources: {@value #BANK_A} on the private PostgreSQL of the test
 * ({@code XaPostgres}), {@value #BANK_B} on MariaDB. Arguments: {@code run} and the {@link Setup}
 * arguments, then {@code ACK_FILE REFUSED_FILE WORKER SEED}. It runs XA transfers until killed:
 * each moves a random amount between one account of each bank, always branching on bank B first
 * and bank A second (one lock order across the banks, so transfers never deadlock across the two
 * databases), the credit or the debit first at random; a debit that would overdraw is refused.
 * The gid of a transfer whose {@code execute} returned is appended to the acknowledged file, of a
 * refused one to the refused file. Passwords come from {@value #PG_PASSWORD_ENV} and {@value
 * #MARIADB_PASSWORD_ENV}. Prints {@value TransferWorker#READY} once the manager has started.
 *
 * <p>Not instantiable; its static state is constants, safe from any thread.
 */
public final class XaTransferWorker {
  static final String BANK_A = "bank-a";
  static final String BANK_B = "bank-b";
  static final String PG_PASSWORD_ENV = "JDTM_PG_PASSWORD";
  static final String MARIADB_PASSWORD_ENV = "JDTM_MARIADB_PASSWORD";
  static final List<String> ACCOUNTS = IntStream.range(0, 8).mapToObj(i -> "acct-" + i).toList();
  static final long OPENING_BALANCE = 1_000;
  private static final int SUBMITTERS = 4;
  /** A worker the test forgot to kill ends by itself. */
  private static final Duration MAX_RUN = Duration.ofSeconds(60);

  private XaTransferWorker() {}

  /**
   * Where a worker's store and banks are; {@code tag} starts every gid of the run, {@code prefix}
   * names every table. Immutable and thread-safe.
   */
  record Setup(String storeUrl, String storeUser, String storePassword, String prefix, String tag,
      String bankAUrl, String bankBUrl, String bankBUser, String bankBPassword) {
    private static final int ARGS = 7;

    /** The command-line arguments (passwords go into the environment). */
    List<String> args() {
      return List.of(storeUrl, storeUser, prefix, tag, bankAUrl, bankBUrl, bankBUser);
    }

    Map<String, String> env() {
      return Map.of(PG_PASSWORD_ENV, storePassword, MARIADB_PASSWORD_ENV, bankBPassword);
    }

    static Setup parse(String[] args, int from) {
      Map<String, String> env = System.getenv();
      return new Setup(args[from], args[from + 1], env.getOrDefault(PG_PASSWORD_ENV, ""),
          args[from + 2], args[from + 3], args[from + 4], args[from + 5], args[from + 6],
          env.getOrDefault(MARIADB_PASSWORD_ENV, ""));
    }

    XaBank bankA() {
      return new XaBank(prefix, false);
    }

    XaBank bankB() {
      return new XaBank(prefix, true);
    }

    JdbcStore store() {
      return JdbcStore.builder().url(storeUrl).credentials(storeUser, storePassword)
          .tablePrefix(prefix).maxPoolSize(8)
          .connectTimeout(Duration.ofSeconds(5)).socketTimeout(Duration.ofSeconds(10))
          .build();
    }

    PGXADataSource bankADataSource() {
      PGXADataSource ds = new PGXADataSource();
      ds.setUrl(bankAUrl);
      ds.setUser("postgres");
      ds.setConnectTimeout(5);
      ds.setSocketTimeout(30);
      return ds;
    }

    MariaDbDataSource bankBDataSource() {
      try {
        MariaDbDataSource ds = new MariaDbDataSource(bankBUrl);
        ds.setUser(bankBUser);
        ds.setPassword(bankBPassword);
        return ds;
      } catch (SQLException e) {
        throw new IllegalArgumentException("bad MariaDB URL " + bankBUrl, e);
      }
    }
  }

  public static void main(String[] args) {
    try {
      if (!args[0].equals("run")) {
        throw new IllegalArgumentException("unknown mode " + args[0]);
      }
      System.exit(run(Setup.parse(args, 1), args));
    } catch (Throwable e) {
      e.printStackTrace();
      System.exit(2);
    }
  }

  private static int run(Setup setup, String[] args) throws Exception {
    int at = 1 + Setup.ARGS;
    String worker = args[at + 2];
    Random seeds = new Random(Long.parseLong(args[at + 3]));
    try (JdbcStore store = setup.store();
        AckFile acks = AckFile.appendingTo(Path.of(args[at]));
        AckFile refused = AckFile.appendingTo(Path.of(args[at + 1]));
        TransactionManager tm = manager(setup, store)) {
      tm.start();
      System.out.println(TransferWorker.READY);
      System.out.flush();
      for (int i = 0; i < SUBMITTERS; i++) {
        Transfers transfers = new Transfers(tm, setup, acks, refused,
            setup.tag() + "-" + worker + "-" + i, new Random(seeds.nextLong()));
        Thread t = new Thread(transfers::loop, "submitter-" + i);
        t.setDaemon(true);
        t.start();
      }
      LockSupport.parkNanos(MAX_RUN.toNanos());
      System.out.println("not killed within " + MAX_RUN + "; exiting");
      return 1;
    }
  }

  /**
   * A manager on the setup's store and banks, with settings short enough that the next worker
   * picks up quickly what a killed one left: lease 2 s, prepared timeout 3 s, in-doubt scan every
   * half second.
   */
  static TransactionManager manager(Setup setup, JdbcStore store) {
    return TransactionManager.builder()
        .store(store)
        .xaResource(BANK_A, setup.bankADataSource(), setup.prefix())
        .xaResource(BANK_B, setup.bankBDataSource(), setup.prefix())
        .lease(Duration.ofSeconds(2))
        .requestTimeout(Duration.ofMillis(1000))
        .preparedTimeout(Duration.ofSeconds(3))
        .xaRecoveryInterval(Duration.ofMillis(500))
        .pollInterval(Duration.ofMillis(100))
        .retryInterval(Duration.ofMillis(100))
        .maxRetryInterval(Duration.ofSeconds(1))
        .shutdownTimeout(Duration.ofSeconds(2))
        .build();
  }

  /** One submitter thread's transfers; gids {@code <stem>-<n>}. Confined to its thread. */
  private record Transfers(TransactionManager tm, Setup setup, AckFile acks, AckFile refused,
      String stem, Random random) {
    void loop() {
      XaBank a = setup.bankA();
      XaBank b = setup.bankB();
      for (long n = 1; ; n++) {
        String gid = stem + "-" + n;
        String accountA = ACCOUNTS.get(random.nextInt(ACCOUNTS.size()));
        String accountB = ACCOUNTS.get(random.nextInt(ACCOUNTS.size()));
        long amount = 1 + random.nextInt((int) (OPENING_BALANCE * 3 / 2));
        boolean toA = random.nextBoolean(); // money moves from bank B to bank A
        try {
          tm.xa(gid).execute(xa -> {
            xa.branch(BANK_B, c -> toA ? b.debit(c, gid, "01", accountB, amount)
                : b.credit(c, gid, "01", accountB, amount));
            xa.branch(BANK_A, c -> toA ? a.credit(c, gid, "02", accountA, amount)
                : a.debit(c, gid, "02", accountA, amount));
          });
        } catch (BranchFailedException e) {
          if (e.result() == CallResult.FAILURE) {
            add(refused, gid);
          }
          continue;
        } catch (JdtmException e) {
          System.out.println(gid + " not acknowledged: " + e);
          continue;
        }
        add(acks, gid);
        try {
          tm.await(gid, Duration.ofSeconds(2));
        } catch (JdtmException e) {
          System.out.println(gid + " acknowledged, then await failed: " + e);
        }
      }
    }

    private static void add(AckFile file, String gid) {
      try {
        file.add(gid);
      } catch (IOException e) {
        e.printStackTrace();
        System.exit(2);
      }
    }
  }
}

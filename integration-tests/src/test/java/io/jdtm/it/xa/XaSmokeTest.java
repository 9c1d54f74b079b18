package io.jdtm.it.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdtm.Outcome;
import io.jdtm.TransactionManager;
import io.jdtm.TxStatus;
import io.jdtm.store.memory.MemoryStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XaSmokeTest {
  @TempDir Path dir;

  @Test
  void commitsAndRollsBackOnH2() throws Exception {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:" + dir.resolve("a").toAbsolutePath() + ";DB_CLOSE_DELAY=-1");
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE acc (id VARCHAR(10) PRIMARY KEY, bal INT)");
    }
    MemoryStore store = new MemoryStore();
    try (TransactionManager tm = TransactionManager.builder().store(store)
        .xaResource("a", ds).executor(Runnable::run).build()) {
      String gid = tm.xa(xa -> {
        xa.branch("a", c -> {
          c.createStatement().execute("INSERT INTO acc VALUES ('x', 1)");
          return Outcome.success();
        });
        xa.branch("a", c -> {
          c.createStatement().execute("INSERT INTO acc VALUES ('y', 2)");
          return Outcome.success();
        });
      });
      assertThat(tm.await(gid, Duration.ofSeconds(10)).status())
          .as(() -> tm.find(gid).toString()).isEqualTo(TxStatus.SUCCEEDED);
      assertThat(count(ds)).isEqualTo(2);
      assertThatThrownBy(() -> tm.xa(xa -> {
        xa.branch("a", c -> {
          c.createStatement().execute("INSERT INTO acc VALUES ('z', 3)");
          return Outcome.success();
        });
        throw new IllegalStateException("boom");
      })).hasMessage("boom");
      assertThat(count(ds)).isEqualTo(2);
      assertThat(tm.recoverXa().left()).isEmpty();
    }
  }

  private static int count(JdbcDataSource ds) throws Exception {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM acc")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}

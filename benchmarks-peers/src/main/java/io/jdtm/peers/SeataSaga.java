package io.jdtm.peers;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.apache.seata.saga.engine.config.DbStateMachineConfig;
import org.apache.seata.saga.engine.impl.ProcessCtrlStateMachineEngine;
import org.apache.seata.saga.engine.sequence.UUIDSeqGenerator;
import org.apache.seata.saga.engine.store.db.DbAndReportTcStateLogStore;
import org.apache.seata.saga.statelang.domain.ExecutionStatus;
import org.apache.seata.saga.statelang.domain.StateMachineInstance;
import org.springframework.context.support.GenericApplicationContext;

/**
 * Seata's saga engine embedded on H2 with its database state log and no TC server: the state-log
 * store gets no transactional template, so nothing is reported to a coordinator. A saga of
 * {@code steps} service tasks on a Spring bean whose methods do nothing, each with a compensation
 * state, run synchronously by {@code start}. Not thread-safe to open and close; {@link #run} is.
 */
final class SeataSaga implements AutoCloseable {
  private static final String BEAN = "noopService";

  private final H2Database db;
  private final GenericApplicationContext spring;
  private final ProcessCtrlStateMachineEngine engine;
  private final String machine;

  private SeataSaga(H2Database db, GenericApplicationContext spring,
      ProcessCtrlStateMachineEngine engine, String machine) {
    this.db = db;
    this.spring = spring;
    this.engine = engine;
    this.machine = machine;
  }

  /** The service the state machine calls; public for Seata's reflective invoker. */
  public static final class NoopService {
    public boolean step(String id) {
      return true;
    }

    public boolean undo(String id) {
      return true;
    }
  }

  static SeataSaga open(String h2, int steps) throws Exception {
    H2Database db = H2Database.open(h2).runScript("seata-h2.sql");
    GenericApplicationContext spring = new GenericApplicationContext();
    spring.registerBean(BEAN, NoopService.class);
    spring.refresh();
    DbStateMachineConfig config = new DbStateMachineConfig();
    config.setDataSource(db.dataSource());
    config.setApplicationContext(spring);
    config.setResources(new String[0]);
    config.setSeqGenerator(new UUIDSeqGenerator());
    config.setStateLogStore(stateLog(db, config));
    config.afterPropertiesSet();
    String machine = "peers_saga_" + steps;
    InputStream definition = new ByteArrayInputStream(
        definition(machine, steps).getBytes(StandardCharsets.UTF_8));
    config.getStateMachineRepository().registerByResources(
        new InputStream[] {definition}, config.getDefaultTenantId());
    ProcessCtrlStateMachineEngine engine = new ProcessCtrlStateMachineEngine();
    engine.setStateMachineConfig(config);
    return new SeataSaga(db, spring, engine, machine);
  }

  /** Runs one saga to its end; throws unless it succeeded. */
  void run(String id) {
    Map<String, Object> params = new HashMap<>();
    params.put("id", id);
    StateMachineInstance instance = engine.start(machine, null, params);
    if (instance.getStatus() != ExecutionStatus.SU) {
      throw new IllegalStateException("Seata saga ended " + instance.getStatus());
    }
  }

  /** How many state rows of Seata's log record a state that succeeded. */
  long succeededStates() throws SQLException {
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rows = s.executeQuery(
            "SELECT COUNT(*) FROM seata_state_inst WHERE status = 'SU'")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  @Override
  public void close() {
    spring.close();
    db.close();
  }

  private static DbAndReportTcStateLogStore stateLog(H2Database db, DbStateMachineConfig config) {
    DbAndReportTcStateLogStore store = new DbAndReportTcStateLogStore();
    store.setDataSource(db.dataSource());
    store.setTablePrefix("seata_");
    store.setDbType("H2");
    store.setDefaultTenantId(config.getDefaultTenantId());
    store.setSeqGenerator(config.getSeqGenerator());
    store.setSagaTransactionalTemplate(null);
    return store;
  }

  /** The state language: Step1..StepN, each compensated by UndoK, then Succeed. */
  static String definition(String name, int steps) {
    StringBuilder states = new StringBuilder();
    for (int k = 1; k <= steps; k++) {
      String next = k == steps ? "Succeed" : "Step" + (k + 1);
      states.append(task("Step" + k, "step", next, "Undo" + k)).append(',');
      states.append(task("Undo" + k, "undo", null, null)).append(',');
    }
    states.append("\"Succeed\":{\"Type\":\"Succeed\"}");
    return "{\"Name\":\"" + name + "\",\"StartState\":\"Step1\",\"Version\":\"0.0.1\","
        + "\"States\":{" + states + "}}";
  }

  private static String task(String state, String method, String next, String compensation) {
    StringBuilder json = new StringBuilder("\"" + state + "\":{\"Type\":\"ServiceTask\"");
    json.append(",\"ServiceName\":\"" + BEAN + "\",\"ServiceMethod\":\"" + method + "\"");
    json.append(",\"Input\":[\"$.[id]\"]");
    if (compensation != null) {
      json.append(",\"CompensateState\":\"" + compensation + "\"");
    }
    if (next != null) {
      json.append(",\"Next\":\"" + next + "\"");
    }
    return json.append('}').toString();
  }
}

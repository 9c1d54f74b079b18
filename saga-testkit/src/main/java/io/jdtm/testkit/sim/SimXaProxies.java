package io.jdtm.testkit.sim;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The JDBC and XA objects of a {@link SimXaDatabase}, as {@link Proxy} objects that serve only
 * the methods jdtm's XA branches call; any other method fails loudly. Stateless and thread-safe;
 * the objects it makes are as thread-safe as their session.
 */
final class SimXaProxies {
  private static final Pattern INSERT = Pattern.compile("INSERT INTO (\\w+) \\(trans_type, gid, "
      + "branch_id, op, barrier_id, reason, created_at\\) VALUES \\('xa', \\?, \\?, 'action', "
      + "\\?, \\?, \\?\\)");
  private static final Pattern SELECT = Pattern.compile("SELECT reason FROM (\\w+) WHERE "
      + "trans_type = 'xa' AND gid = \\? AND branch_id = \\? AND op = 'action' AND "
      + "barrier_id = \\?");

  private SimXaProxies() {}

  /** One method's behaviour. */
  @FunctionalInterface
  private interface Body {
    Object run(Object[] args) throws Exception;
  }

  /** Serves the named methods; equals, hashCode and toString by identity. */
  private record Handler(String what, SimXaSession session, Map<String, Body> methods)
      implements InvocationHandler {
    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      switch (name) {
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        case "toString":
          return what;
        default:
          break;
      }
      Body body = methods.get(name + "/" + (args == null ? 0 : args.length));
      if (body == null) {
        throw new UnsupportedOperationException("the simulated XA database does not model "
            + method.getDeclaringClass().getSimpleName() + "." + name);
      }
      return body.run(args == null ? new Object[0] : args);
    }
  }

  private static <T> T proxy(Class<T> type, String what, SimXaSession session,
      Map<String, Body> methods) {
    return type.cast(Proxy.newProxyInstance(SimXaProxies.class.getClassLoader(),
        new Class<?>[] {type}, new Handler(what, session, methods)));
  }

  /** The session behind a connection this class made. */
  static SimXaSession sessionOf(Connection c) throws SQLException {
    if (c != null && Proxy.isProxyClass(c.getClass())
        && Proxy.getInvocationHandler(c) instanceof Handler h && h.session() != null) {
      return h.session();
    }
    throw new SQLException("not a connection of a simulated XA database: " + c);
  }

  static XADataSource dataSource(SimXaAttachment attachment) {
    Map<String, Body> m = new HashMap<>();
    m.put("getXAConnection/0", a -> xaConnection(attachment.connect()));
    m.put("getXAConnection/2", a -> xaConnection(attachment.connect()));
    m.put("getLoginTimeout/0", a -> 0);
    m.put("setLoginTimeout/1", a -> null);
    return proxy(XADataSource.class, "SimXaDataSource", null, m);
  }

  private static XAConnection xaConnection(SimXaSession s) {
    XAResource resource = resource(s);
    Map<String, Body> m = new HashMap<>();
    m.put("getXAResource/0", a -> resource);
    m.put("getConnection/0", a -> {
      s.requireUsable();
      return connection(s);
    });
    m.put("close/0", a -> {
      s.close();
      return null;
    });
    m.put("addConnectionEventListener/1", a -> null);
    m.put("removeConnectionEventListener/1", a -> null);
    return proxy(XAConnection.class, "SimXaConnection", s, m);
  }

  private static XAResource resource(SimXaSession s) {
    SimXaDatabase db = s.database;
    Map<String, Body> m = new HashMap<>();
    m.put("start/2", a -> {
      db.start(s, (Xid) a[0], (Integer) a[1]);
      return null;
    });
    m.put("end/2", a -> {
      db.end(s, (Xid) a[0], (Integer) a[1]);
      return null;
    });
    m.put("prepare/1", a -> db.prepare(s, (Xid) a[0]));
    m.put("commit/2", a -> {
      db.commit(s, (Xid) a[0], (Boolean) a[1]);
      return null;
    });
    m.put("rollback/1", a -> {
      db.rollback(s, (Xid) a[0]);
      return null;
    });
    m.put("recover/1", a -> db.recover(s, (Integer) a[0]));
    m.put("forget/1", a -> {
      throw SimXaDatabase.xa(javax.transaction.xa.XAException.XAER_NOTA,
          "no heuristic outcome to forget");
    });
    m.put("isSameRM/1", a -> a[0] instanceof XAResource r && Proxy.isProxyClass(r.getClass())
        && Proxy.getInvocationHandler(r) instanceof Handler h && h.session() != null
        && h.session().database == db);
    m.put("getTransactionTimeout/0", a -> 0);
    m.put("setTransactionTimeout/1", a -> false);
    return proxy(XAResource.class, "SimXaResource", s, m);
  }

  private static Connection connection(SimXaSession s) {
    boolean[] closed = {false};
    Map<String, Body> m = new HashMap<>();
    m.put("getMetaData/0", a -> metaData());
    m.put("createStatement/0", a -> {
      s.requireUsable();
      return statement(s);
    });
    m.put("prepareStatement/1", a -> {
      s.requireUsable();
      return prepared(s, (String) a[0]);
    });
    m.put("close/0", a -> {
      closed[0] = true; // the handle only: the XA connection owns the session
      return null;
    });
    m.put("isClosed/0", a -> closed[0] || s.closed || s.dead);
    m.put("getAutoCommit/0", a -> s.current == null);
    m.put("setTransactionIsolation/1", a -> null); // the model hides uncommitted rows anyway
    return proxy(Connection.class, "SimXaJdbcConnection", s, m);
  }

  private static DatabaseMetaData metaData() {
    Map<String, Body> m = new HashMap<>();
    m.put("getDatabaseProductName/0", a -> "H2");
    return proxy(DatabaseMetaData.class, "SimXaMetaData", null, m);
  }

  /** DDL is accepted and ignored: the model has the barrier table whatever its prefix. */
  private static Statement statement(SimXaSession s) {
    Map<String, Body> m = new HashMap<>();
    m.put("execute/1", a -> {
      s.requireUsable();
      if (!((String) a[0]).strip().toUpperCase(Locale.ROOT).startsWith("CREATE")) {
        throw new SQLSyntaxErrorException("the simulated XA database runs only DDL here: " + a[0]);
      }
      return false;
    });
    m.put("setQueryTimeout/1", a -> null);
    m.put("close/0", a -> null);
    return proxy(Statement.class, "SimXaStatement", null, m);
  }

  private static PreparedStatement prepared(SimXaSession s, String sql) throws SQLException {
    Matcher insert = INSERT.matcher(sql);
    Matcher select = SELECT.matcher(sql);
    boolean isInsert = insert.matches();
    if (!isInsert && !select.matches()) {
      throw new SQLSyntaxErrorException("the simulated XA database does not know: " + sql);
    }
    String table = isInsert ? insert.group(1) : select.group(1);
    Map<Integer, Object> params = new HashMap<>();
    Map<String, Body> m = new HashMap<>();
    m.put("setString/2", a -> params.put((Integer) a[0], a[1]));
    m.put("setLong/2", a -> params.put((Integer) a[0], a[1]));
    m.put("setQueryTimeout/1", a -> null); // a held row fails at once instead
    m.put("close/0", a -> null);
    m.put("executeUpdate/0", a -> {
      requireInsert(isInsert, sql);
      s.database.insertRow(s, SimXaDatabase.rowKey(table, (String) params.get(1),
          (String) params.get(2), (String) params.get(3)), (String) params.get(4));
      return 1;
    });
    m.put("executeQuery/0", a -> {
      requireInsert(!isInsert, sql);
      return resultSet(s.database.selectRow(s, SimXaDatabase.rowKey(table,
          (String) params.get(1), (String) params.get(2), (String) params.get(3))));
    });
    return proxy(PreparedStatement.class, "SimXaPreparedStatement", null, m);
  }

  private static void requireInsert(boolean expected, String sql) throws SQLException {
    if (!expected) {
      throw new SQLException("wrong execute method for: " + sql);
    }
  }

  private static ResultSet resultSet(Optional<String> reason) {
    int[] row = {0};
    Map<String, Body> m = new HashMap<>();
    m.put("next/0", a -> ++row[0] == 1 && reason.isPresent());
    m.put("getString/1", a -> {
      if (row[0] != 1 || reason.isEmpty() || (Integer) a[0] != 1) {
        throw new SQLException("no such column or row");
      }
      return reason.get();
    });
    m.put("close/0", a -> null);
    return proxy(ResultSet.class, "SimXaResultSet", null, m);
  }
}

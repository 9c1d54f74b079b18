package io.jdtm.store.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Counts what a store sends through a real DataSource or Connection, with {@link Proxy} wrappers
 * that change no behaviour: statements (each batched one counts), round trips (each execute),
 * commits (explicit ones and auto-committed executes), and connections taken. Thread-safe.
 */
final class StatementCounter {
  private final List<String> statements = new ArrayList<>();
  private final AtomicInteger roundTrips = new AtomicInteger();
  private final AtomicInteger commits = new AtomicInteger();
  private final AtomicInteger borrows = new AtomicInteger();

  /** The counts so far. */
  record Counts(int statements, int roundTrips, int commits, int borrows) {
    Counts minus(Counts o) {
      return new Counts(statements - o.statements, roundTrips - o.roundTrips,
          commits - o.commits, borrows - o.borrows);
    }
  }

  synchronized Counts counts() {
    return new Counts(statements.size(), roundTrips.get(), commits.get(), borrows.get());
  }

  /** Every statement's SQL so far, in order. */
  synchronized List<String> statements() {
    return List.copyOf(statements);
  }

  synchronized void clear() {
    statements.clear();
    roundTrips.set(0);
    commits.set(0);
    borrows.set(0);
  }

  private synchronized void executed(Connection c, List<String> sql) throws SQLException {
    statements.addAll(sql);
    roundTrips.incrementAndGet();
    if (c.getAutoCommit()) {
      commits.incrementAndGet();
    }
  }

  /** {@code target}, counting. */
  DataSource wrap(DataSource target) {
    return new CountingDataSource(target);
  }

  /** {@code target}, counting. */
  Connection wrap(Connection target) {
    borrows.incrementAndGet();
    return proxy(Connection.class, target, (proxy, m, args) -> {
      Object result = invoke(target, m, args);
      switch (m.getName()) {
        case "commit" -> commits.incrementAndGet();
        case "prepareStatement" -> {
          return statement(PreparedStatement.class, (Statement) result, target, (String) args[0]);
        }
        case "createStatement" -> {
          return statement(Statement.class, (Statement) result, target, null);
        }
        default -> { }
      }
      return result;
    });
  }

  private <S extends Statement> S statement(Class<S> type, Statement target, Connection c,
      String prepared) {
    List<String> batch = new ArrayList<>();
    return proxy(type, target, (proxy, m, args) -> {
      String name = m.getName();
      if (name.equals("addBatch")) {
        batch.add(args != null && args.length == 1 ? (String) args[0] : prepared);
      }
      Object result = invoke(target, m, args);
      if (name.equals("executeBatch") || name.equals("executeLargeBatch")) {
        executed(c, new ArrayList<>(batch));
        batch.clear();
      } else if (name.startsWith("execute")) {
        executed(c, List.of(args != null && args.length > 0 && args[0] instanceof String s
            ? s : prepared));
      }
      return result;
    });
  }

  private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T proxy(Class<T> type, Object target, InvocationHandler h) {
    return (T) Proxy.newProxyInstance(StatementCounter.class.getClassLoader(),
        new Class<?>[] {type}, (proxy, m, args) -> {
          if (m.getName().equals("unwrap") && args[0] == type) {
            return proxy;
          }
          return h.invoke(proxy, m, args);
        });
  }

  private final class CountingDataSource implements DataSource {
    private final DataSource target;

    CountingDataSource(DataSource target) {
      this.target = target;
    }

    @Override
    public Connection getConnection() throws SQLException {
      return wrap(target.getConnection());
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return wrap(target.getConnection(user, password));
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
      return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
      target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
      target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
      return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() {
      return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      return target.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
      return target.isWrapperFor(iface);
    }
  }
}

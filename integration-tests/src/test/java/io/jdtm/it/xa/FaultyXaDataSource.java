package io.jdtm.it.xa;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Logger;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * An {@link XADataSource} over a real one that injects faults: it can be {@linkplain #down down}
 * (every {@code getXAConnection} throws), and a test can replace the next call of an {@link
 * XAResource} method (by name: {@code start}, {@code commit}, {@code rollback}, ...) with a
 * {@link Hook} that may call the real method, throw, or block. Connections and resources are
 * {@link Proxy} views of the real ones; everything not hooked goes straight through. Thread-safe.
 */
final class FaultyXaDataSource implements XADataSource {
  private final XADataSource real;
  private final Map<String, Queue<Hook>> next = new ConcurrentHashMap<>();
  private volatile boolean down;

  FaultyXaDataSource(XADataSource real) {
    this.real = real;
  }

  /** What runs instead of one call of an {@link XAResource} method. */
  @FunctionalInterface
  interface Hook {
    /**
     * @param xid the call's Xid (its first argument), or null for a method without one
     * @param proceed calls the real method with the original arguments
     */
    Object call(Xid xid, Proceed proceed) throws Throwable;
  }

  /** The real call a hook may make. */
  @FunctionalInterface
  interface Proceed {
    Object call() throws Throwable;
  }

  /** The next call of {@code XAResource.<method>} (not yet hooked ones first) runs {@code hook}. */
  FaultyXaDataSource nextCall(String method, Hook hook) {
    next.computeIfAbsent(method, m -> new ConcurrentLinkedQueue<>()).add(hook);
    return this;
  }

  /** Whether hooks are still waiting for a call of {@code method}. */
  boolean pending(String method) {
    Queue<Hook> hooks = next.get(method);
    return hooks != null && !hooks.isEmpty();
  }

  /**
   * The database "goes away" ({@code true}: every new connection fails, and so does every XA call
   * on a connection opened before) or comes back.
   */
  void down(boolean down) {
    this.down = down;
  }

  /** A hook that does the real call, then loses its answer: the caller sees XAER_RMFAIL. */
  static Hook doneButAnswerLost() {
    return (xid, proceed) -> {
      proceed.call();
      throw xaError(XAException.XAER_RMFAIL, "the answer was lost (injected)");
    };
  }

  /** A hook that fails without calling the database: XAER_RMFAIL. */
  static Hook notReached() {
    return (xid, proceed) -> {
      throw xaError(XAException.XAER_RMFAIL, "the database was not reached (injected)");
    };
  }

  static XAException xaError(int code, String message) {
    XAException e = new XAException(message);
    e.errorCode = code;
    return e;
  }

  @Override
  public XAConnection getXAConnection() throws SQLException {
    failIfDown();
    return wrap(real.getXAConnection());
  }

  @Override
  public XAConnection getXAConnection(String user, String password) throws SQLException {
    failIfDown();
    return wrap(real.getXAConnection(user, password));
  }

  private void failIfDown() throws SQLException {
    if (down) {
      throw new SQLException("connection refused: the database is down (injected)", "08001");
    }
  }

  private XAConnection wrap(XAConnection connection) {
    return proxy(XAConnection.class, connection, (method, args) -> {
      Object result = invoke(method, connection, args);
      return method.getName().equals("getXAResource") ? wrap((XAResource) result) : result;
    });
  }

  private XAResource wrap(XAResource resource) {
    return proxy(XAResource.class, resource, (method, args) -> {
      if (down) {
        throw xaError(XAException.XAER_RMFAIL, "the database is down (injected)");
      }
      Queue<Hook> hooks = next.get(method.getName());
      Hook hook = hooks == null ? null : hooks.poll();
      if (hook == null) {
        return invoke(method, resource, args);
      }
      Xid xid = args != null && args.length > 0 && args[0] instanceof Xid x ? x : null;
      return hook.call(xid, () -> invoke(method, resource, args));
    });
  }

  private interface Handler {
    Object handle(Method method, Object[] args) throws Throwable;
  }

  private static <T> T proxy(Class<T> type, T target, Handler handler) {
    return type.cast(Proxy.newProxyInstance(FaultyXaDataSource.class.getClassLoader(),
        new Class<?>[] {type}, (p, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
              case "equals" -> p == args[0];
              case "hashCode" -> System.identityHashCode(p);
              default -> "faulty " + target;
            };
          }
          return handler.handle(method, args);
        }));
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return real.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    real.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    real.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return real.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return real.getParentLogger();
  }
}

package io.jdtm.store.jdbc;

import io.jdtm.Stores;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source that connects through the JDBC driver for a URL without secrets, with the user,
 * password and other connection properties kept apart: the pool in front of it is never given the
 * URL or the credentials, so it cannot log them. Thread-safe.
 */
final class DriverSource implements DataSource {
  private final Driver driver;
  private final String url;
  private final Properties properties;
  private volatile int loginTimeoutSeconds;

  /**
   * @param url the URL for the driver, with no secrets in it (see {@link UrlSecrets})
   * @throws SQLException when no driver accepts the URL
   */
  DriverSource(String url, Properties properties) throws SQLException {
    this.driver = DriverManager.getDriver(url);
    this.url = url;
    this.properties = (Properties) properties.clone();
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection c = driver.connect(url, properties);
    if (c == null) {
      throw new SQLException("the JDBC driver " + driver.getClass().getName()
          + " does not accept " + Stores.redact(url), "08001");
    }
    return c;
  }

  /** The credentials are fixed when the pool is opened; these are ignored. */
  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    return getConnection();
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    // the driver logs through its own logging
  }

  @Override
  public void setLoginTimeout(int seconds) {
    this.loginTimeoutSeconds = seconds;
  }

  @Override
  public int getLoginTimeout() {
    return loginTimeoutSeconds;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("no parent logger");
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    throw new SQLException("not a wrapper for " + type.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> type) {
    return type.isInstance(this);
  }

  /** The URL, without secrets; never the properties. */
  @Override
  public String toString() {
    return "DriverSource[" + Stores.redact(url) + "]";
  }
}

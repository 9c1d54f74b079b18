package io.jdtm.store.jdbc;

import io.jdtm.StoreUnavailableException;
import io.jdtm.Stores;
import java.sql.SQLException;

/** Turns a failure to connect into one clear exception. Thread-safe (stateless). */
final class Connections {
  private Connections() {}

  /**
   * A failure to connect to {@code where} (a URL, redacted here, or a description).
   *
   * @return the exception to throw: it says whether the credentials were refused or the database
   *     could not be reached, and never contains a password
   */
  static StoreUnavailableException failure(String where, Exception e) {
    String place = where.startsWith("jdbc:") ? Stores.redact(where) : where;
    SQLException sql = SqlErrors.find(e).orElse(null);
    if (sql == null) {
      return new StoreUnavailableException("cannot connect to " + place + ": " + e, e);
    }
    if (SqlErrors.isAuthentication(sql)) {
      return new StoreUnavailableException("cannot log in to " + place + ": the database refused "
          + "the user name or password: " + SqlErrors.describe(sql), e);
    }
    return new StoreUnavailableException("cannot connect to " + place + " (is the database "
        + "running and reachable?): " + SqlErrors.describe(sql), e);
  }
}

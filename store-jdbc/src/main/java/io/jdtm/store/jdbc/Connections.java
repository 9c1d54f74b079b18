package io.jdtm.store.jdbc;

import io.jdtm.StoreUnavailableException;
import java.sql.SQLException;

/** Turns a failure to connect into one clear exception. Thread-safe (stateless). */
final class Connections {
  private Connections() {}

  /** {@link #failure(String, Exception, Scrub)} with no secret known beyond the URL's form. */
  static StoreUnavailableException failure(String where, Exception e) {
    return failure(where, e, Scrub.PATTERNS);
  }

  /**
   * A failure to connect to {@code where} (a URL, redacted here, or a description).
   *
   * @param scrub takes the secrets out of the driver's text and of the cause chain
   * @return the exception to throw: it says whether the credentials were refused or the database
   *     could not be reached, and never contains a password
   */
  static StoreUnavailableException failure(String where, Exception e, Scrub scrub) {
    String place = scrub.text(where);
    Throwable cause = scrub.chain(e);
    SQLException sql = SqlErrors.find(e).orElse(null);
    if (sql == null) {
      return new StoreUnavailableException("cannot connect to " + place + ": "
          + scrub.text(e.toString()), cause);
    }
    if (SqlErrors.isAuthentication(sql)) {
      return new StoreUnavailableException("cannot log in to " + place + ": the database refused "
          + "the user name or password: " + scrub.text(SqlErrors.describe(sql)), cause);
    }
    return new StoreUnavailableException("cannot connect to " + place + " (is the database "
        + "running and reachable?): " + scrub.text(SqlErrors.describe(sql)), cause);
  }
}

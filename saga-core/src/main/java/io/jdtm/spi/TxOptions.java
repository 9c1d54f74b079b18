package io.jdtm.spi;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Per-transaction options, stored with the transaction so that whichever instance recovers it
 * drives it the same way. {@link #toWire()} and {@link #fromWire(String)} give stores a compact,
 * stable text form for one column or hash field. Immutable and thread-safe.
 *
 * @param timeoutToFail how long after creation an unfinished forward phase rolls back; {@code
 *     null} for never (saga default)
 * @param retryInterval base interval of retries (doubled per unknown outcome; flat for ONGOING)
 * @param retryLimit retries of an action after its first call before rolling back; {@code -1} for
 *     no limit
 * @param requestTimeout how long one branch call may take before its outcome counts as unknown
 * @param concurrent whether saga steps run as a DAG rather than one by one
 */
public record TxOptions(
    Duration timeoutToFail,
    Duration retryInterval,
    int retryLimit,
    Duration requestTimeout,
    boolean concurrent) {

  public TxOptions {
    Objects.requireNonNull(retryInterval, "retryInterval");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    if (retryLimit < -1) {
      throw new IllegalArgumentException("retryLimit must be -1 (none) or >= 0, was " + retryLimit);
    }
  }

  /** Text form, e.g. {@code t=PT5M;r=PT10S;l=-1;q=PT10S;c=0}. */
  public String toWire() {
    return "t=" + (timeoutToFail == null ? "" : timeoutToFail) + ";r=" + retryInterval + ";l="
        + retryLimit + ";q=" + requestTimeout + ";c=" + (concurrent ? 1 : 0);
  }

  /**
   * Parses {@link #toWire()}'s form.
   *
   * @throws IllegalArgumentException naming the text when it is malformed
   */
  public static TxOptions fromWire(String wire) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String part : wire.split(";", -1)) {
      int eq = part.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("malformed transaction options '" + wire + "'");
      }
      fields.put(part.substring(0, eq), part.substring(eq + 1));
    }
    try {
      String t = fields.get("t");
      return new TxOptions(
          t == null || t.isEmpty() ? null : Duration.parse(t),
          Duration.parse(fields.get("r")),
          Integer.parseInt(fields.get("l")),
          Duration.parse(fields.get("q")),
          "1".equals(fields.get("c")));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed transaction options '" + wire + "'", e);
    }
  }
}

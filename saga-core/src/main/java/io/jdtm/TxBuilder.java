package io.jdtm;

import io.jdtm.internal.Engine;
import io.jdtm.internal.TxDefaults;
import io.jdtm.spi.TxOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/** Options every kind of transaction takes. Not thread-safe. */
abstract class TxBuilder<B extends TxBuilder<B>> {
  final Engine engine;
  final String gid;
  private Duration timeoutToFail;
  private Duration retryInterval;
  private Duration requestTimeout;
  String customData;

  TxBuilder(Engine engine, String gid) {
    this.engine = engine;
    this.gid = gid;
  }

  abstract B self();

  /** The gid this transaction will be stored under. */
  public String gid() {
    return gid;
  }

  /**
   * How long the transaction may take (1 ms to 10 years): a saga rolls back if its actions have
   * not all succeeded by then; a TCC is aborted if its body has not finished; a 2-phase message
   * is checked back if it has not been submitted.
   */
  public B timeoutToFail(Duration timeout) {
    this.timeoutToFail = Check.between(timeout, Check.TEN_YEARS, "timeoutToFail");
    return self();
  }

  /** Base interval between retries, doubling after unknown outcomes (1 ms to 1 day). */
  public B retryInterval(Duration interval) {
    this.retryInterval = Check.between(interval, Check.ONE_DAY, "retryInterval");
    return self();
  }

  /** How long one branch call may take before its outcome counts as unknown (1 ms to 1 day). */
  public B requestTimeout(Duration timeout) {
    this.requestTimeout = Check.between(timeout, Check.ONE_DAY, "requestTimeout");
    return self();
  }

  /**
   * Free text stored with the transaction (for admin queries); keep secrets out of it. At most the
   * manager's {@code maxPayloadBytes} (default 64 KiB) in UTF-8.
   *
   * @throws InvalidTransactionException when it is longer; nothing is stored
   */
  public B customData(String data) {
    Objects.requireNonNull(data, "customData");
    int limit = engine.config().defaults().maxPayloadBytes();
    int bytes = data.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > limit) {
      throw new InvalidTransactionException("customData is " + bytes + " bytes in UTF-8; the "
          + "limit is " + limit + " (raise it with maxPayloadBytes)", gid);
    }
    this.customData = data;
    return self();
  }

  /**
   * The stored options: what was set, else the manager's defaults; {@code defaultTimeout} when
   * no timeout was set ({@code null}: none).
   */
  TxOptions options(Duration defaultTimeout, int retryLimit, boolean concurrent) {
    TxDefaults defaults = engine.config().defaults();
    return new TxOptions(
        timeoutToFail != null ? timeoutToFail : defaultTimeout,
        retryInterval != null ? retryInterval : defaults.retryInterval(),
        retryLimit,
        requestTimeout != null ? requestTimeout : defaults.requestTimeout(),
        concurrent);
  }
}

package io.jdtm.internal;

import java.time.Duration;

/**
 * Defaults for transaction options and limits, set on the manager's builder. Immutable.
 *
 * @param retryInterval base retry interval
 * @param maxRetryInterval cap on backoff
 * @param requestTimeout per-call timeout
 * @param maxPayloadBytes largest encoded payload accepted at submit
 * @param preparedTimeout how long a TCC or message may stay PREPARED before recovery aborts it or
 *     checks it back
 */
public record TxDefaults(
    Duration retryInterval,
    Duration maxRetryInterval,
    Duration requestTimeout,
    int maxPayloadBytes,
    Duration preparedTimeout) {}

package io.jdtm.internal;

import java.time.Duration;

/**
 * Defaults for transaction options and limits, set on the manager's builder. Immutable.
 *
 * @param retryInterval base retry interval
 * @param maxRetryInterval cap on backoff
 * @param requestTimeout per-call timeout
 * @param maxPayloadBytes largest encoded payload accepted at submit
 */
public record TxDefaults(
    Duration retryInterval,
    Duration maxRetryInterval,
    Duration requestTimeout,
    int maxPayloadBytes) {}

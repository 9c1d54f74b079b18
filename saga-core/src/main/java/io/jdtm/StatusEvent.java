package io.jdtm;

import java.time.Instant;

/**
 * A global transaction changed status (reported after the change is durable). Immutable and
 * thread-safe.
 *
 * @param reason why it is aborting or failed, or {@code null}
 */
public record StatusEvent(
    String gid, Mode mode, TxStatus from, TxStatus to, String reason, Instant at) {}

package io.jdtm;

import java.time.Instant;

/**
 * A branch op was called (reported after its outcome is durable). Immutable and thread-safe.
 *
 * @param attempt 1 for the first call of this op
 * @param error the failure reason or error description, or {@code null}
 * @param retryAt when the op will be called again, or {@code null} when it is done
 */
public record BranchEvent(
    String gid,
    Mode mode,
    String branchId,
    BranchOp op,
    int attempt,
    CallResult result,
    String error,
    Instant retryAt,
    Instant at) {}

package io.jdtm;

import java.time.Instant;

/**
 * Read-only view of one branch op of a transaction. Immutable and thread-safe.
 *
 * @param target {@code handler:NAME} or an HTTP URL
 * @param attempts how many times the op has been called
 * @param retryAt when it will next be called, or {@code null}
 * @param lastError the last failure reason or error, or {@code null}
 */
public record BranchView(
    String branchId,
    BranchOp op,
    String target,
    BranchStatus status,
    int attempts,
    Instant retryAt,
    String lastError) {}

package io.jdtm.spi;

import io.jdtm.TxStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One compare-and-set write to a stored transaction. It is accepted only when the stored {@code
 * version} equals {@link #expectedVersion()} and {@link TxRecord#accepts} holds (the record is not
 * terminal and the status change, if any, follows the state machine table); the store then bumps the version by one, sets {@code
 * status} and {@code reason} when they are non-null, always sets {@code nextDueAt} (null means not
 * due) and {@code updatedAt}, replaces the progress of each branch in {@link #branchUpdates()} and
 * appends {@link #addedBranches()} (TCC, XA and workflow register branches this way while
 * PREPARED).
 *
 * <p>An update built {@link #against(TxRecord) against} the record it was made from carries that
 * record as its {@link #base()}: a store that keeps a record's branch progress together (one row,
 * one value) can then compute and write the whole new record in one statement, with the version
 * compare-and-set guarding that the stored record is that base, instead of reading it first. The
 * engine always builds its updates so; an update without a base stays valid, at the price of a
 * read in such stores.
 *
 * <p>Immutable and thread-safe.
 */
public final class TxUpdate {
  private final String gid;
  private final long expectedVersion;
  private final TxStatus status;
  private final String reason;
  private final Instant nextDueAt;
  private final Instant updatedAt;
  private final List<BranchUpdate> branchUpdates;
  private final List<BranchRecord> addedBranches;
  private final TxRecord base;

  private TxUpdate(Builder b) {
    this.gid = Objects.requireNonNull(b.gid, "gid");
    this.expectedVersion = b.expectedVersion;
    this.status = b.status;
    this.reason = b.reason;
    this.nextDueAt = b.nextDueAt;
    this.updatedAt = Objects.requireNonNull(b.updatedAt, "updatedAt");
    this.branchUpdates = List.copyOf(b.branchUpdates);
    this.addedBranches = List.copyOf(b.addedBranches);
    this.base = b.base;
  }

  /** Starts an update of {@code gid} expected at {@code expectedVersion}. */
  public static Builder builder(String gid, long expectedVersion) {
    Builder b = new Builder();
    b.gid = gid;
    b.expectedVersion = expectedVersion;
    return b;
  }

  /**
   * Starts an update of {@code base}, the record as read or last written at its version: the
   * update expects that version and carries {@code base} as its {@link #base()}.
   */
  public static Builder against(TxRecord base) {
    Builder b = builder(base.gid(), base.version());
    b.base = base;
    return b;
  }

  /** A builder holding this update's fields. */
  public Builder toBuilder() {
    Builder b = builder(gid, expectedVersion);
    b.base = base;
    b.status = status;
    b.reason = reason;
    b.nextDueAt = nextDueAt;
    b.updatedAt = updatedAt;
    b.branchUpdates.addAll(branchUpdates);
    b.addedBranches.addAll(addedBranches);
    return b;
  }

  public String gid() {
    return gid;
  }

  public long expectedVersion() {
    return expectedVersion;
  }

  /** New status, or {@code null} to keep it. */
  public TxStatus status() {
    return status;
  }

  /** New reason, or {@code null} to keep it. */
  public String reason() {
    return reason;
  }

  /** New due time; {@code null} means not due. */
  public Instant nextDueAt() {
    return nextDueAt;
  }

  public Instant updatedAt() {
    return updatedAt;
  }

  public List<BranchUpdate> branchUpdates() {
    return branchUpdates;
  }

  public List<BranchRecord> addedBranches() {
    return addedBranches;
  }

  /**
   * The record this update was made from (see {@link #against}), if known: when the stored
   * version equals {@link #expectedVersion()}, the stored record is this one, and the record
   * after the update is {@code base().applying(this)}.
   */
  public Optional<TxRecord> base() {
    return java.util.Optional.ofNullable(base);
  }

  @Override
  public String toString() {
    return "TxUpdate[" + gid + "@" + expectedVersion + (status == null ? "" : " -> " + status)
        + " due " + nextDueAt + " " + branchUpdates + " +" + addedBranches.size() + "]";
  }

  /** Builds a {@link TxUpdate}. Not thread-safe. */
  public static final class Builder {
    private String gid;
    private long expectedVersion;
    private TxStatus status;
    private String reason;
    private Instant nextDueAt;
    private Instant updatedAt;
    private final List<BranchUpdate> branchUpdates = new ArrayList<>();
    private final List<BranchRecord> addedBranches = new ArrayList<>();
    private TxRecord base;

    private Builder() {}

    public Builder status(TxStatus status) {
      this.status = status;
      return this;
    }

    public Builder reason(String reason) {
      this.reason = reason;
      return this;
    }

    public Builder nextDueAt(Instant nextDueAt) {
      this.nextDueAt = nextDueAt;
      return this;
    }

    public Builder updatedAt(Instant updatedAt) {
      this.updatedAt = updatedAt;
      return this;
    }

    public Builder branch(BranchUpdate update) {
      branchUpdates.add(update);
      return this;
    }

    public Builder addBranch(BranchRecord branch) {
      addedBranches.add(branch);
      return this;
    }

    public TxUpdate build() {
      return new TxUpdate(this);
    }
  }
}

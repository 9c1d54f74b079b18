package io.jdtm.spi;

import io.jdtm.BranchOp;
import io.jdtm.Mode;
import io.jdtm.TxStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A stored global transaction: definition (gid, mode, options, custom data, branch definitions)
 * and progress (status, version, lease, next due time, reason, branch progress).
 *
 * <p>{@code version} increases by one with every accepted write and is the compare-and-set token;
 * {@code leaseEpoch} counts the claims made on the record and names the current lease. A record is
 * <em>due</em> when {@code nextDueAt} is set and not after now; terminal records have no due time.
 *
 * <p>Immutable and thread-safe.
 */
public final class TxRecord {
  private final String gid;
  private final Mode mode;
  private final TxStatus status;
  private final long version;
  private final String leaseOwner;
  private final long leaseEpoch;
  private final Instant nextDueAt;
  private final Instant createdAt;
  private final Instant updatedAt;
  private final String reason;
  private final String customData;
  private final TxOptions options;
  private final List<BranchRecord> branches;

  private TxRecord(Builder b) {
    this.gid = Objects.requireNonNull(b.gid, "gid");
    this.mode = Objects.requireNonNull(b.mode, "mode");
    this.status = Objects.requireNonNull(b.status, "status");
    this.version = b.version;
    this.leaseOwner = b.leaseOwner;
    this.leaseEpoch = b.leaseEpoch;
    this.nextDueAt = b.nextDueAt;
    this.createdAt = Objects.requireNonNull(b.createdAt, "createdAt");
    this.updatedAt = Objects.requireNonNull(b.updatedAt, "updatedAt");
    this.reason = b.reason;
    this.customData = b.customData;
    this.options = Objects.requireNonNull(b.options, "options");
    this.branches = b.branches; // immutable: the builder never hands out a list it can change
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every field of this record. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.gid = gid;
    b.mode = mode;
    b.status = status;
    b.version = version;
    b.leaseOwner = leaseOwner;
    b.leaseEpoch = leaseEpoch;
    b.nextDueAt = nextDueAt;
    b.createdAt = createdAt;
    b.updatedAt = updatedAt;
    b.reason = reason;
    b.customData = customData;
    b.options = options;
    b.branches = branches;
    return b;
  }

  /**
   * The record after an accepted write of {@code update}: version plus one, fields and branch
   * progress replaced, added branches appended. For stores that keep whole records.
   *
   * @throws IllegalArgumentException when the update is for another gid or version, or names a
   *     branch op the record does not have
   * @throws io.jdtm.IllegalTransitionException when it changes a terminal record, moves the
   *     status off the state machine table, or moves a finished branch op
   */
  public TxRecord applying(TxUpdate update) {
    if (!gid.equals(update.gid()) || version != update.expectedVersion()) {
      throw new IllegalArgumentException("update for " + update.gid() + "@"
          + update.expectedVersion() + " applied to " + gid + "@" + version);
    }
    if (!accepts(update)) {
      throw new io.jdtm.IllegalTransitionException(gid, status + " -> "
          + (update.status() == null ? status : update.status()));
    }
    Builder b = toBuilder();
    b.version = version + 1;
    b.status = update.status() == null ? status : update.status();
    b.reason = update.reason() == null ? reason : update.reason();
    b.nextDueAt = update.nextDueAt();
    b.updatedAt = update.updatedAt();
    b.branches = branchesAfter(update);
    return b.build();
  }

  /** The branch list after {@code update}, copied once (shared when the update changes none). */
  private List<BranchRecord> branchesAfter(TxUpdate update) {
    List<BranchUpdate> updates = update.branchUpdates();
    List<BranchRecord> added = update.addedBranches();
    if (updates.isEmpty() && added.isEmpty()) {
      return branches;
    }
    BranchRecord[] next = branches.toArray(new BranchRecord[branches.size() + added.size()]);
    for (BranchUpdate bu : updates) {
      int i = indexOf(branches, bu.branchId(), bu.op());
      if (i < 0) {
        throw new IllegalArgumentException(
            "gid " + gid + " has no branch " + bu.branchId() + "/" + bu.op().wireName());
      }
      next[i] = next[i].with(bu, gid);
    }
    for (int i = 0; i < added.size(); i++) {
      next[branches.size() + i] = Objects.requireNonNull(added.get(i), "added branch");
    }
    return Collections.unmodifiableList(Arrays.asList(next));
  }

  /**
   * Whether the status change of {@code update} is allowed on this record: none on a terminal
   * record, else the same status or one reachable along the state machine table (a write may
   * record several transitions at once); and whether its added branches are: only while the
   * record is PREPARED. Stores reject (answer {@code false} to) updates failing this, whatever
   * their version.
   */
  public boolean accepts(TxUpdate update) {
    if (status.isTerminal()
        || (!update.addedBranches().isEmpty() && status != TxStatus.PREPARED)) {
      return false;
    }
    TxStatus next = update.status();
    return next == null || next == status || status.canReach(next);
  }

  /** The record after a claim by {@code owner} at {@code now}: epoch and version plus one. */
  public TxRecord claimedBy(String owner, Instant now, Duration lease) {
    Builder b = toBuilder();
    b.version = version + 1;
    b.leaseEpoch = leaseEpoch + 1;
    b.leaseOwner = owner;
    b.nextDueAt = now.plus(lease);
    b.updatedAt = now;
    return b.build();
  }

  /** Whether the record is due at {@code now}. */
  public boolean isDueAt(Instant now) {
    return nextDueAt != null && !nextDueAt.isAfter(now) && !status.isTerminal();
  }

  /**
   * Compares definitions (mode, options, custom data, branch definitions), ignoring progress.
   *
   * @return empty when equal, else a short description of the first difference
   */
  public Optional<String> definitionDifference(TxRecord other) {
    if (mode != other.mode) {
      return Optional.of("mode " + mode + " vs " + other.mode);
    }
    if (!options.equals(other.options)) {
      return Optional.of("options differ");
    }
    if (!Objects.equals(customData, other.customData)) {
      return Optional.of("custom data differs");
    }
    List<BranchRecord> mine = initialBranches();
    List<BranchRecord> theirs = other.initialBranches();
    if (mine.size() != theirs.size()) {
      return Optional.of(mine.size() + " vs " + theirs.size() + " branch ops");
    }
    for (int i = 0; i < mine.size(); i++) {
      if (!mine.get(i).sameDefinition(theirs.get(i))) {
        BranchRecord b = mine.get(i);
        return Optional.of("branch " + b.branchId() + "/" + b.op().wireName() + " differs");
      }
    }
    return Optional.empty();
  }

  /** Branches defined at creation; modes that register branches later compare none. */
  private List<BranchRecord> initialBranches() {
    return mode == Mode.SAGA || mode == Mode.MSG ? branches : List.of();
  }

  /** The branch op with this id and op, if any. */
  public Optional<BranchRecord> branch(String branchId, BranchOp op) {
    int i = indexOf(branches, branchId, op);
    return i < 0 ? Optional.empty() : Optional.of(branches.get(i));
  }

  private static int indexOf(List<BranchRecord> list, String branchId, BranchOp op) {
    for (int i = 0; i < list.size(); i++) {
      BranchRecord b = list.get(i);
      if (b.op() == op && b.branchId().equals(branchId)) {
        return i;
      }
    }
    return -1;
  }

  public String gid() {
    return gid;
  }

  public Mode mode() {
    return mode;
  }

  public TxStatus status() {
    return status;
  }

  public long version() {
    return version;
  }

  /** Instance id of the current lease holder, or {@code null}. */
  public String leaseOwner() {
    return leaseOwner;
  }

  public long leaseEpoch() {
    return leaseEpoch;
  }

  /** When the record must next be looked at, or {@code null} (terminal). */
  public Instant nextDueAt() {
    return nextDueAt;
  }

  public Instant createdAt() {
    return createdAt;
  }

  public Instant updatedAt() {
    return updatedAt;
  }

  /** Why the transaction failed or is aborting, or {@code null}. */
  public String reason() {
    return reason;
  }

  public String customData() {
    return customData;
  }

  public TxOptions options() {
    return options;
  }

  /** Branch ops in definition (then registration) order. */
  public List<BranchRecord> branches() {
    return branches;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TxRecord r && gid.equals(r.gid) && version == r.version
        && status == r.status && leaseEpoch == r.leaseEpoch
        && Objects.equals(leaseOwner, r.leaseOwner) && Objects.equals(nextDueAt, r.nextDueAt)
        && createdAt.equals(r.createdAt) && updatedAt.equals(r.updatedAt)
        && Objects.equals(reason, r.reason) && definitionDifference(r).isEmpty()
        && branches.equals(r.branches);
  }

  @Override
  public int hashCode() {
    return Objects.hash(gid, version);
  }

  @Override
  public String toString() {
    return "TxRecord[" + gid + " " + mode + " " + status + " v" + version + " epoch " + leaseEpoch
        + " owner " + leaseOwner + " due " + nextDueAt + " " + branches + "]";
  }

  /** Builds a {@link TxRecord}. Not thread-safe. */
  public static final class Builder {
    private String gid;
    private Mode mode;
    private TxStatus status;
    private long version = 1;
    private String leaseOwner;
    private long leaseEpoch;
    private Instant nextDueAt;
    private Instant createdAt;
    private Instant updatedAt;
    private String reason;
    private String customData;
    private TxOptions options;
    /** Always an immutable list. */
    private List<BranchRecord> branches = List.of();

    private Builder() {}

    public Builder gid(String gid) {
      this.gid = gid;
      return this;
    }

    public Builder mode(Mode mode) {
      this.mode = mode;
      return this;
    }

    public Builder status(TxStatus status) {
      this.status = status;
      return this;
    }

    public Builder version(long version) {
      this.version = version;
      return this;
    }

    public Builder leaseOwner(String leaseOwner) {
      this.leaseOwner = leaseOwner;
      return this;
    }

    public Builder leaseEpoch(long leaseEpoch) {
      this.leaseEpoch = leaseEpoch;
      return this;
    }

    public Builder nextDueAt(Instant nextDueAt) {
      this.nextDueAt = nextDueAt;
      return this;
    }

    public Builder createdAt(Instant createdAt) {
      this.createdAt = createdAt;
      return this;
    }

    public Builder updatedAt(Instant updatedAt) {
      this.updatedAt = updatedAt;
      return this;
    }

    public Builder reason(String reason) {
      this.reason = reason;
      return this;
    }

    public Builder customData(String customData) {
      this.customData = customData;
      return this;
    }

    public Builder options(TxOptions options) {
      this.options = options;
      return this;
    }

    public Builder branches(List<BranchRecord> branches) {
      this.branches = List.copyOf(branches);
      return this;
    }

    public TxRecord build() {
      return new TxRecord(this);
    }
  }
}

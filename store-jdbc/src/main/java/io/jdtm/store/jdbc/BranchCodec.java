package io.jdtm.store.jdbc;

import io.jdtm.BranchOp;
import io.jdtm.BranchStatus;
import io.jdtm.spi.BranchRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The binary values of a record's two branch columns, each starting with its format version:
 * {@code branches} holds every branch op's definition (id, op, target, payload, dependsOn), in
 * order, and changes only when branches are added; {@code progress} holds every branch op's
 * progress (status, attempts, backoff level, retry time, last error), in the same order, and is
 * rewritten by every write. A value that does not parse throws {@link StoredValues.BadValue}
 * naming the column and what is wrong, never the payloads.
 *
 * <p>Format version 1. Numbers are unsigned LEB128 varints, texts a varint byte length and UTF-8,
 * times eight bytes of epoch milliseconds (big-endian). {@code branches}: version, count, then per
 * branch op: id, op code, target, payload (length and bytes), dependsOn count and ids. {@code
 * progress}: version, count, then per branch op: status code, attempts, backoff level, a flags
 * byte (1: retry time follows, 2: last error follows), the retry time, the last error. Codes are
 * fixed here (not enum ordinals), so reordering an enum never changes stored values.
 *
 * <p>Thread-safe (stateless).
 */
final class BranchCodec {
  /** The format version this code writes and reads. */
  static final int FORMAT = 1;
  static final String BRANCHES = "branches";
  static final String PROGRESS = "progress";
  private static final BranchOp[] OPS = {null, BranchOp.ACTION, BranchOp.COMPENSATE,
      BranchOp.TRY, BranchOp.CONFIRM, BranchOp.CANCEL, BranchOp.COMMIT, BranchOp.ROLLBACK,
      BranchOp.MSG};
  private static final BranchStatus[] STATUSES = {null, BranchStatus.PREPARED,
      BranchStatus.SUCCEEDED, BranchStatus.FAILED};
  private static final int HAS_RETRY_AT = 1;
  private static final int HAS_LAST_ERROR = 2;

  private BranchCodec() {}

  /** The {@code branches} value: every branch op's definition. */
  static byte[] branches(List<BranchRecord> branches) {
    int size = 8;
    for (BranchRecord b : branches) {
      size += 24 + b.branchId().length() + b.target().length() + b.payload().length;
    }
    Out out = new Out(size);
    out.write(FORMAT);
    out.varint(branches.size());
    for (BranchRecord b : branches) {
      out.text(b.branchId());
      out.write(code(OPS, b.op()));
      out.text(b.target());
      out.varint(b.payload().length);
      out.write(b.payload());
      out.varint(b.dependsOn().size());
      for (String id : b.dependsOn()) {
        out.text(id);
      }
    }
    return out.bytes();
  }

  /** The {@code progress} value: every branch op's progress, in the order of {@code branches}. */
  static byte[] progress(List<BranchRecord> branches) {
    Out out = new Out(4 + branches.size() * 6);
    out.write(FORMAT);
    out.varint(branches.size());
    for (BranchRecord b : branches) {
      out.write(code(STATUSES, b.status()));
      out.varint(b.attempts());
      out.varint(b.backoffLevel());
      int flags = (b.retryAt() != null ? HAS_RETRY_AT : 0)
          | (b.lastError() != null ? HAS_LAST_ERROR : 0);
      out.write(flags);
      if (b.retryAt() != null) {
        out.int64(b.retryAt().toEpochMilli());
      }
      if (b.lastError() != null) {
        out.text(b.lastError());
      }
    }
    return out.bytes();
  }

  /**
   * The branch ops of the two values.
   *
   * @throws StoredValues.BadValue naming the column when a value does not parse or the two do not
   *     agree
   */
  static List<BranchRecord> read(byte[] branches, byte[] progress) {
    In defs = new In(BRANCHES, branches);
    In prog = new In(PROGRESS, progress);
    int count = defs.count();
    int progressCount = prog.count();
    if (progressCount != count) {
      throw new StoredValues.BadValue(PROGRESS, "holds " + progressCount
          + " branch ops, but branches holds " + count);
    }
    if (count > defs.remaining()) { // each op takes a byte or more: never allocate past that
      throw defs.bad("names " + count + " branch ops but holds " + defs.remaining() + " bytes");
    }
    List<BranchRecord> list = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String id = defs.text();
      BranchOp op = defs.code(OPS, "branch op");
      String target = defs.text();
      byte[] payload = defs.bytes(defs.length());
      int deps = defs.length();
      if (deps > defs.remaining()) {
        throw defs.bad("names " + deps + " dependencies but holds " + defs.remaining()
            + " bytes");
      }
      List<String> dependsOn = new ArrayList<>(Math.min(deps, 16));
      for (int d = 0; d < deps; d++) {
        dependsOn.add(defs.text());
      }
      BranchStatus status = prog.code(STATUSES, "branch status");
      int attempts = prog.length();
      int backoff = prog.length();
      int flags = prog.next();
      if ((flags & ~(HAS_RETRY_AT | HAS_LAST_ERROR)) != 0) {
        throw prog.bad("holds unknown flags " + flags);
      }
      Instant retryAt = (flags & HAS_RETRY_AT) != 0 ? Instant.ofEpochMilli(prog.int64()) : null;
      String lastError = (flags & HAS_LAST_ERROR) != 0 ? prog.text() : null;
      list.add(new BranchRecord(id, op, target, payload, dependsOn, status, attempts, backoff,
          retryAt, lastError));
    }
    defs.end();
    prog.end();
    return list;
  }

  private static <E> int code(E[] table, E value) {
    for (int i = 1; i < table.length; i++) {
      if (table[i] == value) {
        return i;
      }
    }
    throw new IllegalStateException("no stored code for " + value);
  }

  /** A growing byte buffer. */
  private static final class Out {
    private byte[] buf;
    private int size;

    Out(int capacity) {
      buf = new byte[Math.max(16, capacity)];
    }

    private void room(int n) {
      if (size + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
      }
    }

    void write(int b) {
      room(1);
      buf[size++] = (byte) b;
    }

    void write(byte[] bytes) {
      room(bytes.length);
      System.arraycopy(bytes, 0, buf, size, bytes.length);
      size += bytes.length;
    }

    void varint(int value) {
      room(5);
      int v = value;
      while ((v & ~0x7F) != 0) {
        buf[size++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[size++] = (byte) v;
    }

    void int64(long v) {
      room(8);
      for (int shift = 56; shift >= 0; shift -= 8) {
        buf[size++] = (byte) (v >>> shift);
      }
    }

    void text(String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      varint(utf8.length);
      write(utf8);
    }

    byte[] bytes() {
      return size == buf.length ? buf : Arrays.copyOf(buf, size);
    }
  }

  /** Reads one column's value; every failure names the column. */
  private static final class In {
    private final String column;
    private final byte[] buf;
    private int pos;

    In(String column, byte[] buf) {
      this.column = column;
      if (buf == null) {
        throw new StoredValues.BadValue(column, "is null");
      }
      this.buf = buf;
    }

    StoredValues.BadValue bad(String problem) {
      return new StoredValues.BadValue(column, problem);
    }

    /** Checks the format version and reads the number of branch ops. */
    int count() {
      if (buf.length == 0) {
        throw bad("is empty");
      }
      int format = next();
      if (format != FORMAT) {
        throw bad("holds format version " + format + ", which this jdtm does not read (only "
            + FORMAT + ")");
      }
      return length();
    }

    /** Bytes not read yet: an upper bound for any count that follows (each item takes one). */
    int remaining() {
      return buf.length - pos;
    }

    int next() {
      if (pos >= buf.length) {
        throw bad("is truncated at byte " + pos);
      }
      return buf[pos++] & 0xFF;
    }

    /** A varint that is a length or count: at most {@link Integer#MAX_VALUE}. */
    int length() {
      long value = 0;
      for (int shift = 0; shift < 35; shift += 7) {
        int b = next();
        value |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          if (value > Integer.MAX_VALUE) {
            break;
          }
          return (int) value;
        }
      }
      throw bad("holds a malformed number at byte " + pos);
    }

    long int64() {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | next();
      }
      return v;
    }

    byte[] bytes(int n) {
      if (n > buf.length - pos) {
        throw bad("is truncated at byte " + pos);
      }
      byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
      pos += n;
      return b;
    }

    String text() {
      int n = length();
      if (n > buf.length - pos) {
        throw bad("is truncated at byte " + pos);
      }
      String s = new String(buf, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }

    <E> E code(E[] table, String what) {
      int c = next();
      if (c <= 0 || c >= table.length) {
        throw bad("holds an unknown " + what + " code " + c + " at byte " + (pos - 1));
      }
      return table[c];
    }

    void end() {
      if (pos != buf.length) {
        throw bad("has " + (buf.length - pos) + " bytes after its end");
      }
    }
  }
}

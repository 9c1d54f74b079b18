package io.jdtm.store.redis;

import io.jdtm.BranchOp;
import io.jdtm.BranchStatus;
import io.jdtm.Mode;
import io.jdtm.TxStatus;
import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.Names;
import io.jdtm.spi.TxOptions;
import io.jdtm.spi.TxRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A record as the fields of its Redis hash, and back. The fields Lua reads are plain ASCII:
 * {@code v} version, {@code s} status name, {@code e} lease epoch, {@code o} lease owner (absent
 * for none), {@code n} next due time (epoch ms, absent for none), {@code c} creation time, {@code
 * u} last update time (epoch ms). Two binary fields hold the rest, each starting with its format
 * byte:
 *
 * <ul>
 *   <li>{@code d}, the definition, written at creation and when branches are added: format, mode
 *       code, options ({@link TxOptions#toWire()}), custom data (flag and text), branch count,
 *       then per branch op: id, op code, target, payload (length and bytes), dependsOn count and
 *       ids;
 *   <li>{@code p}, the progress, rewritten by every update: format, reason (flag and text),
 *       branch count (equal to the definition's), then per branch op: status code, attempts,
 *       backoff level, a flags byte (1: retry time follows, 2: last error follows), the retry
 *       time, the last error.
 * </ul>
 *
 * <p>Format version 1. Numbers are unsigned LEB128 varints, texts a varint byte length and UTF-8,
 * times eight bytes of epoch milliseconds (big-endian). Codes are fixed here, not enum ordinals.
 * Every count is bounded by the bytes that remain, so a corrupt value never allocates past its
 * size. A value that does not parse throws {@link BadRecord} naming the field and the problem,
 * never payloads. Thread-safe (stateless).
 */
final class RecordCodec {
  static final int FORMAT = 1;
  static final byte[] F_VERSION = ascii("v");
  static final byte[] F_STATUS = ascii("s");
  static final byte[] F_EPOCH = ascii("e");
  static final byte[] F_OWNER = ascii("o");
  static final byte[] F_DUE = ascii("n");
  static final byte[] F_CREATED = ascii("c");
  static final byte[] F_UPDATED = ascii("u");
  static final byte[] F_DEFINITION = ascii("d");
  static final byte[] F_PROGRESS = ascii("p");
  static final byte[] EMPTY = new byte[0];

  private static final Mode[] MODES = {null, Mode.SAGA, Mode.TCC, Mode.MSG, Mode.XA,
      Mode.WORKFLOW};
  private static final BranchOp[] OPS = {null, BranchOp.ACTION, BranchOp.COMPENSATE,
      BranchOp.TRY, BranchOp.CONFIRM, BranchOp.CANCEL, BranchOp.COMMIT, BranchOp.ROLLBACK,
      BranchOp.MSG};
  private static final BranchStatus[] BRANCH_STATUSES = {null, BranchStatus.PREPARED,
      BranchStatus.SUCCEEDED, BranchStatus.FAILED};
  private static final TxStatus[] STATUSES = TxStatus.values();
  private static final byte[][] STATUS_BYTES = new byte[STATUSES.length][];
  private static final int HAS_RETRY_AT = 1;
  private static final int HAS_LAST_ERROR = 2;

  static {
    for (TxStatus s : STATUSES) {
      STATUS_BYTES[s.ordinal()] = ascii(s.name());
    }
  }

  private RecordCodec() {}

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** A number as the decimal ASCII Redis and Lua read. */
  static byte[] number(long n) {
    return ascii(Long.toString(n));
  }

  /** A time as decimal epoch milliseconds, or the empty value for none. */
  static byte[] millis(Instant t) {
    return t == null ? EMPTY : number(t.toEpochMilli());
  }

  /** The status as stored in field {@code s}. */
  static byte[] status(TxStatus s) {
    return STATUS_BYTES[s.ordinal()];
  }

  // ---- writing ---------------------------------------------------------------------------

  /** The {@code d} value: mode, options, custom data and every branch op's definition. */
  static byte[] definition(TxRecord r) {
    List<BranchRecord> branches = r.branches();
    int size = 64 + (r.customData() == null ? 0 : r.customData().length() * 3);
    for (BranchRecord b : branches) {
      size += 24 + b.branchId().length() + b.target().length() + b.payload().length;
    }
    Out out = new Out(size);
    out.write(FORMAT);
    out.write(code(MODES, r.mode()));
    out.text(r.options().toWire());
    out.optionalText(r.customData());
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

  /** The {@code p} value: the reason and every branch op's progress. */
  static byte[] progress(TxRecord r) {
    List<BranchRecord> branches = r.branches();
    Out out = new Out(8 + branches.size() * 6
        + (r.reason() == null ? 0 : r.reason().length() * 3));
    out.write(FORMAT);
    out.optionalText(r.reason());
    out.varint(branches.size());
    for (BranchRecord b : branches) {
      out.write(code(BRANCH_STATUSES, b.status()));
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

  // ---- reading ---------------------------------------------------------------------------

  /**
   * The record of {@code gid} from a flat {@code HGETALL} reply (field, value, field, value...).
   *
   * @throws BadRecord naming the field when a value is missing or does not parse
   */
  static TxRecord read(String gid, List<?> fields) {
    byte[] v = null;
    byte[] s = null;
    byte[] e = null;
    byte[] o = null;
    byte[] n = null;
    byte[] c = null;
    byte[] u = null;
    byte[] d = null;
    byte[] p = null;
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      byte[] name = (byte[]) fields.get(i);
      byte[] value = (byte[]) fields.get(i + 1);
      if (name.length != 1) {
        continue;
      }
      switch (name[0]) {
        case 'v' -> v = value;
        case 's' -> s = value;
        case 'e' -> e = value;
        case 'o' -> o = value;
        case 'n' -> n = value;
        case 'c' -> c = value;
        case 'u' -> u = value;
        case 'd' -> d = value;
        case 'p' -> p = value;
        default -> { } // unknown fields: ignored, a later format may add some
      }
    }
    TxRecord.Builder b = TxRecord.builder()
        .gid(gid)
        .status(txStatus(required("s", s)))
        .version(atLeast("v", decimal("v", required("v", v)), 1))
        .leaseEpoch(atLeast("e", decimal("e", required("e", e)), 0))
        .leaseOwner(o == null ? null : new String(o, StandardCharsets.UTF_8))
        .nextDueAt(n == null || n.length == 0 ? null : Instant.ofEpochMilli(decimal("n", n)))
        .createdAt(Instant.ofEpochMilli(decimal("c", required("c", c))))
        .updatedAt(Instant.ofEpochMilli(decimal("u", required("u", u))));
    In defs = new In("d", required("d", d));
    In prog = new In("p", required("p", p));
    defs.format();
    prog.format();
    b.mode(defs.code(MODES, "mode"));
    String wire = defs.text();
    try {
      b.options(TxOptions.fromWire(wire));
    } catch (IllegalArgumentException ex) {
      throw defs.bad("holds malformed transaction options " + Names.quote(wire));
    }
    b.customData(defs.optionalText());
    b.reason(prog.optionalText());
    int count = defs.count("branch ops");
    int progressCount = prog.count("branch ops");
    if (progressCount != count) {
      throw prog.bad("holds " + progressCount + " branch ops, but d holds " + count);
    }
    List<BranchRecord> list = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String id = defs.text();
      BranchOp op = defs.code(OPS, "branch op");
      String target = defs.text();
      byte[] payload = defs.bytes(defs.length());
      int deps = defs.count("dependencies");
      List<String> dependsOn = new ArrayList<>(Math.min(deps, 16));
      for (int k = 0; k < deps; k++) {
        dependsOn.add(defs.text());
      }
      BranchStatus status = prog.code(BRANCH_STATUSES, "branch status");
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
    return b.branches(list).build();
  }

  private static TxStatus txStatus(byte[] value) {
    for (int i = 0; i < STATUS_BYTES.length; i++) {
      if (Arrays.equals(STATUS_BYTES[i], value)) {
        return STATUSES[i];
      }
    }
    throw new BadRecord("s", "holds " + Names.quote(new String(value, StandardCharsets.UTF_8))
        + ", not one of " + Arrays.toString(STATUSES));
  }

  private static byte[] required(String field, byte[] value) {
    if (value == null) {
      throw new BadRecord(field, "is missing");
    }
    return value;
  }

  private static long decimal(String field, byte[] value) {
    if (value.length == 0 || value.length > 18) {
      throw new BadRecord(field, "holds " + value.length + " bytes, not a decimal number");
    }
    long n = 0;
    int i = value[0] == '-' ? 1 : 0;
    if (i == value.length) {
      throw new BadRecord(field, "holds '-', not a decimal number");
    }
    for (; i < value.length; i++) {
      int digit = value[i] - '0';
      if (digit < 0 || digit > 9) {
        throw new BadRecord(field, "holds " + Names.quote(new String(value,
            StandardCharsets.UTF_8)) + ", not a decimal number");
      }
      n = n * 10 + digit;
    }
    return value[0] == '-' ? -n : n;
  }

  /** A record starts at version 1 and epoch 0, and both only grow. */
  private static long atLeast(String field, long value, long min) {
    if (value < min) {
      throw new BadRecord(field, "holds " + value + "; it must be at least " + min);
    }
    return value;
  }

  private static <E> int code(E[] table, E value) {
    for (int i = 1; i < table.length; i++) {
      if (table[i] == value) {
        return i;
      }
    }
    throw new IllegalStateException("no stored code for " + value);
  }

  /**
   * A stored value that does not parse, naming its hash field and the problem (never the
   * payloads). Has no stack trace; the store turns it into a clear error or a log line.
   */
  static final class BadRecord extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRecord(String field, String problem) {
      super("field " + field + " " + problem, null, false, false);
    }
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

    void optionalText(String s) {
      if (s == null) {
        write(0);
      } else {
        write(1);
        text(s);
      }
    }

    byte[] bytes() {
      return size == buf.length ? buf : Arrays.copyOf(buf, size);
    }
  }

  /** Reads one binary field; every failure names the field. */
  private static final class In {
    private final String field;
    private final byte[] buf;
    private int pos;

    In(String field, byte[] buf) {
      this.field = field;
      this.buf = buf;
    }

    BadRecord bad(String problem) {
      return new BadRecord(field, problem);
    }

    void format() {
      if (buf.length == 0) {
        throw bad("is empty");
      }
      int format = next();
      if (format != FORMAT) {
        throw bad("holds format version " + format + ", which this jdtm does not read (only "
            + FORMAT + ")");
      }
    }

    /** A count of items that take a byte or more each: never more than the bytes left. */
    int count(String what) {
      int n = length();
      if (n > buf.length - pos) {
        throw bad("names " + n + " " + what + " but holds " + (buf.length - pos) + " bytes");
      }
      return n;
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

    String optionalText() {
      int flag = next();
      if (flag == 0) {
        return null;
      }
      if (flag != 1) {
        throw bad("holds an unknown text flag " + flag + " at byte " + (pos - 1));
      }
      return text();
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

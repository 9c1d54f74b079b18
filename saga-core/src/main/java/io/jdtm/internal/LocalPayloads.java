package io.jdtm.internal;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Set;
import java.util.UUID;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The payload objects of transactions this instance submitted and drives now, beside their
 * records, so that an in-process handler receives the object that was submitted instead of a copy
 * decoded from the record (which was encoded from that object). Kept from the submit until this
 * instance lets go of the transaction (it ended, or another instance holds it now); any other
 * driver decodes from the record. Branch ids {@code 01}, {@code 02}, ... name the objects in order;
 * other branch ids have none here.
 *
 * <p>Only objects no one can change are kept: strings, boxed primitives, enums, the JDK's immutable
 * value types ({@code BigDecimal}, {@code UUID}, {@code java.time}), and records whose every
 * component is a primitive or such a type. A mutable object (a bean, a collection, an array) is
 * decoded from the record on every call as before, so that a caller reusing it after the submit,
 * or a handler changing it for a later call, never makes one call see what another does not.
 * Thread-safe.
 */
final class LocalPayloads {
  private static final Set<Class<?>> VALUE_TYPES = Set.of(String.class, Boolean.class,
      Character.class, Byte.class, Short.class, Integer.class, Long.class, Float.class,
      Double.class, BigInteger.class, BigDecimal.class, UUID.class, Instant.class,
      LocalDate.class, LocalTime.class, LocalDateTime.class, OffsetDateTime.class,
      ZonedDateTime.class, Duration.class, Period.class, ZoneOffset.class);

  private final ConcurrentHashMap<String, Object[]> byGid = new ConcurrentHashMap<>();
  private final ClassValue<Boolean> immutable = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> type) {
      return isImmutable(type, 0);
    }
  };

  /**
   * Keeps {@code payloads}, the objects of branches {@code 01}, {@code 02}, ..., of {@code gid}:
   * those of immutable types (see the class comment).
   */
  void keep(String gid, Object[] payloads) {
    Object[] kept = null;
    for (int i = 0; i < payloads.length; i++) {
      Object p = payloads[i];
      if (p != null && immutable.get(p.getClass())) {
        if (kept == null) {
          kept = new Object[payloads.length];
        }
        kept[i] = p;
      }
    }
    if (kept != null) {
      byGid.put(gid, kept);
    }
  }

  /** Whether no one can change an instance of exactly {@code type}. */
  static boolean isImmutable(Class<?> type, int depth) {
    if (type.isPrimitive() || type.isEnum() || VALUE_TYPES.contains(type)) {
      return true;
    }
    if (!type.isRecord() || depth > 8) {
      return false;
    }
    for (RecordComponent c : type.getRecordComponents()) {
      Class<?> t = c.getType();
      // a component's declared type must be exact: records, enums and the value types are final
      if (!(t.isPrimitive() || t.isEnum() || t.isRecord() || VALUE_TYPES.contains(t))
          || (t.isRecord() && !isImmutable(t, depth + 1))) {
        return false;
      }
    }
    return true;
  }

  /** Forgets the objects of {@code gid}. */
  void drop(String gid) {
    byGid.remove(gid);
  }

  /** The submitted object of branch {@code branchId} of {@code gid}, or {@code null}. */
  Object find(String gid, String branchId) {
    if (byGid.isEmpty()) {
      return null;
    }
    Object[] payloads = byGid.get(gid);
    if (payloads == null) {
      return null;
    }
    int index = ordinal(branchId) - 1;
    return index >= 0 && index < payloads.length ? payloads[index] : null;
  }

  /** How many transactions have objects kept (for tests). */
  int size() {
    return byGid.size();
  }

  /** The number a branch id of digits only ({@code 01}: 1) stands for, or 0. */
  private static int ordinal(String branchId) {
    int n = branchId.length();
    if (n < 2 || n > 4) {
      return 0;
    }
    int value = 0;
    for (int i = 0; i < n; i++) {
      char c = branchId.charAt(i);
      if (c < '0' || c > '9') {
        return 0;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}

package io.jdtm.store.redis;

import io.jdtm.spi.Names;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What one local work recorded: guards on the values it read and the effects it asked for, in
 * order, as the call script's arguments; and the values as the work sees them (read once, then
 * changed by its own effects). Not thread-safe: one local work's thread.
 */
final class BarrierSteps {
  /** The largest magnitude of a value, delta or floor: integers a Lua number holds exactly. */
  static final long MAX = (1L << 53) - 1;

  private record Step(String code, String key, String a, String b) {}

  private final BarrierKeys keys;
  private final int slot;
  private final String tag;
  private final UnaryOperator<String> reader;
  private final List<Step> guards = new ArrayList<>();
  private final List<Step> effects = new ArrayList<>();
  private final Map<String, Optional<String>> seen = new HashMap<>();

  /**
   * Steps whose keys must all be in {@code slot} (-1: any), the slot of hash tag {@code tag};
   * {@code reader} reads a committed value (null when absent).
   */
  BarrierSteps(BarrierKeys keys, int slot, String tag, UnaryOperator<String> reader) {
    this.keys = keys;
    this.slot = slot;
    this.tag = tag;
    this.reader = reader;
  }

  /** The value of {@code key} as the work sees it; guards the committed value on first read. */
  String get(String key) {
    check(key);
    Optional<String> value = seen.get(key);
    if (value == null) {
      String committed = reader.apply(key);
      guards.add(new Step(committed == null ? "n" : "g", key, committed == null ? "" : committed,
          ""));
      value = Optional.ofNullable(committed);
      for (Step e : effects) {
        if (e.key().equals(key)) {
          value = next(value, e);
        }
      }
      seen.put(key, value);
    }
    return value.orElse(null);
  }

  void set(String key, String value) {
    if (value == null) {
      throw new IllegalArgumentException("the value of key " + Names.quote(key)
          + " must not be null; delete it instead");
    }
    add(new Step("s", key, value, ""));
  }

  void delete(String key) {
    add(new Step("d", key, "", ""));
  }

  void incrBy(String key, long delta) {
    add(new Step("i", key, Long.toString(bounded("delta", delta)), ""));
  }

  void adjust(String key, long delta, long floor) {
    add(new Step("f", key, Long.toString(bounded("delta", delta)),
        Long.toString(bounded("floor", floor))));
  }

  private void add(Step step) {
    check(step.key());
    Optional<String> value = seen.get(step.key());
    if (value != null) {
      seen.put(step.key(), next(value, step));
    }
    effects.add(step);
  }

  /** The value after {@code step}, as the work sees it (the script decides refusals). */
  private static Optional<String> next(Optional<String> value, Step step) {
    return switch (step.code()) {
      case "s" -> Optional.of(step.a());
      case "d" -> Optional.empty();
      default -> Optional.of(Long.toString(
          parse(step.key(), value.orElse("0")) + Long.parseLong(step.a())));
    };
  }

  /** {@code value} as an integer. */
  static long parse(String key, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalStateException("key " + Names.quote(key) + " holds "
          + Names.quote(value) + ", not an integer");
    }
  }

  private static long bounded(String what, long value) {
    if (value < -MAX || value > MAX) {
      throw new IllegalArgumentException(what + " " + value + " is out of range: values, deltas "
          + "and floors stay within +-(2^53 - 1), which the barrier's Lua script holds exactly");
    }
    return value;
  }

  private void check(String key) {
    keys.requireEffectKey(key);
    if (slot >= 0 && BarrierKeys.slot(key) != slot) {
      throw new IllegalArgumentException("key " + Names.quote(key) + " is in Redis Cluster slot "
          + BarrierKeys.slot(key) + ", but this call's barrier keys (hash tag {" + tag
          + "}) are in slot " + slot + ": every key of one barrier call must share a slot, so "
          + "give it the same hash tag ({" + tag + "}), or pass the call the key's own tag");
    }
  }

  boolean isEmpty() {
    return effects.isEmpty();
  }

  /**
   * The script's KEYS and ARGV for this work: the two barrier keys first, then each other key
   * once; guards before effects.
   */
  String[][] script(String row, String origin, List<String> head) {
    Map<String, Integer> index = new LinkedHashMap<>();
    index.put(row, 1);
    index.putIfAbsent(origin, 2);
    List<String> args = new ArrayList<>(head);
    List<Step> all = new ArrayList<>(guards);
    all.addAll(effects);
    List<String> names = new ArrayList<>(List.of(row, origin));
    for (Step s : all) {
      Integer i = index.get(s.key());
      if (i == null) {
        names.add(s.key());
        i = names.size();
        index.put(s.key(), i);
      }
      args.addAll(List.of(s.code(), Integer.toString(i), s.a(), s.b()));
    }
    return new String[][] {names.toArray(String[]::new), args.toArray(String[]::new)};
  }
}

package io.jdtm.spi;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * jdtm's options in a store (or barrier) URI, for store modules: a fragment of {@code
 * jdtm.name=value} pairs joined by {@code &} that follows the address after {@code #}, e.g.
 * {@code redis://h:6379#jdtm.keyPrefix=pay_&jdtm.commandTimeout=2s}, and the parsers of their
 * values. Every error is an {@link IllegalArgumentException} naming the option and the value (and,
 * for the fragment, the URI as the caller masked it), so a bad URI is refused in the same words
 * by every store.
 *
 * <p>Thread-safe (stateless).
 */
public final class StoreUriOptions {
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m)");

  private StoreUriOptions() {}

  /**
   * Parses the options of a URI.
   *
   * @param fragment what follows the {@code #}, e.g. {@code jdtm.a=1&jdtm.b=2}
   * @param known the option names (without {@code jdtm.}) the store takes
   * @param maskedUri the whole URI without its credentials, for messages
   * @return option name (without {@code jdtm.}) to value, in the order given
   * @throws IllegalArgumentException for a pair without {@code =} or {@code jdtm.}, an unknown
   *     name (listing the known ones) or a name given twice
   */
  public static Map<String, String> parse(String fragment, List<String> known,
      String maskedUri) {
    Objects.requireNonNull(fragment, "fragment");
    Objects.requireNonNull(known, "known");
    Map<String, String> options = new LinkedHashMap<>();
    for (String pair : fragment.split("&", -1)) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (eq < 0 || !key.startsWith("jdtm.")) {
        throw new IllegalArgumentException("malformed jdtm option '" + io.jdtm.Stores.redact(pair)
            + "' in store URI '" + maskedUri + "': use #jdtm.name=value&jdtm.name=value");
      }
      String name = key.substring("jdtm.".length());
      if (!known.contains(name)) {
        throw new IllegalArgumentException("unknown jdtm option '" + key + "' in store URI '"
            + maskedUri + "'; known options: jdtm." + String.join(", jdtm.", known));
      }
      if (options.put(name, pair.substring(eq + 1)) != null) {
        throw new IllegalArgumentException("jdtm option '" + key + "' is given twice in store URI '"
            + maskedUri + "'");
      }
    }
    return options;
  }

  /**
   * A boolean option's value.
   *
   * @return {@code true} or {@code false}
   * @throws IllegalArgumentException unless {@code value} is {@code true} or {@code false}
   */
  public static boolean bool(String name, String value) {
    if (value.equals("true") || value.equals("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new IllegalArgumentException("jdtm option 'jdtm." + name
        + "' must be true or false, was '" + value + "'");
  }

  /**
   * A positive int option's value.
   *
   * @throws IllegalArgumentException unless {@code value} is a decimal int above 0
   */
  public static int positiveInt(String name, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("jdtm option 'jdtm." + name
        + "' must be a positive number, was '" + value + "'");
  }

  /**
   * A duration option's value: a whole number (up to 9 digits) of {@code ms}, {@code s} or
   * {@code m}, e.g. {@code 500ms}, {@code 10s}, {@code 2m}; zero is allowed.
   *
   * @throws IllegalArgumentException for anything else ({@code 10}, {@code 1h}, {@code PT5S}...)
   */
  public static Duration duration(String name, String value) {
    Matcher m = DURATION.matcher(value);
    if (!m.matches()) {
      throw new IllegalArgumentException("jdtm option 'jdtm." + name
          + "' must be a duration such as 500ms, 10s or 2m, was '" + value + "'");
    }
    return of(m);
  }

  /**
   * A duration option's value as {@link #duration} reads it, but above zero.
   *
   * @throws IllegalArgumentException for zero or what {@link #duration} refuses
   */
  public static Duration positiveDuration(String name, String value) {
    Matcher m = DURATION.matcher(value);
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new IllegalArgumentException("jdtm option 'jdtm." + name
          + "' must be a positive duration such as 500ms, 10s or 2m, was '" + value + "'");
    }
    return of(m);
  }

  private static Duration of(Matcher m) {
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      default -> Duration.ofMinutes(n);
    };
  }
}

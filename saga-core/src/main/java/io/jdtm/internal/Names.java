package io.jdtm.internal;

import io.jdtm.InvalidTransactionException;
import java.util.regex.Pattern;

/** Validation of gids, handler names and instance ids. Thread-safe (stateless). */
public final class Names {
  private static final Pattern HANDLER = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

  private Names() {}

  /** Whether {@code gid} is 1-128 characters of {@code [A-Za-z0-9_.:-]}. */
  public static boolean isValidGid(String gid) {
    if (gid == null || gid.isEmpty() || gid.length() > 128) {
      return false;
    }
    for (int i = 0; i < gid.length(); i++) {
      if (!isGidChar(gid.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code c} is one of {@code [A-Za-z0-9_.:-]} (a loop is cheaper than a regex). */
  private static boolean isGidChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '_' || c == '.' || c == ':' || c == '-';
  }

  /**
   * Whether {@code branchId} is a valid branch id: the gid alphabet and length (the barrier keys
   * its rows on both).
   */
  public static boolean isValidBranchId(String branchId) {
    return isValidGid(branchId);
  }

  /**
   * Checks a gid.
   *
   * @throws InvalidTransactionException naming the gid (shortened) when it is invalid
   */
  public static String requireGid(String gid) {
    if (!isValidGid(gid)) {
      throw new InvalidTransactionException("invalid gid " + quote(gid)
          + ": a gid is 1 to 128 characters of A-Z a-z 0-9 _ . : -");
    }
    return gid;
  }

  /** Checks a handler name; {@code IllegalArgumentException} naming it when invalid. */
  public static String requireHandlerName(String name) {
    if (name == null || !HANDLER.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid handler name " + quote(name)
          + ": a handler name starts with a letter or _ and has up to 128 of A-Z a-z 0-9 _ . -");
    }
    return name;
  }

  /** Whether {@code name} is a valid handler name. */
  public static boolean isHandlerName(String name) {
    return name != null && HANDLER.matcher(name).matches();
  }

  /** Checks an instance id; {@code IllegalArgumentException} naming it when invalid. */
  public static String requireInstanceId(String id) {
    if (id == null || !INSTANCE.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "invalid instance id " + quote(id) + ": use 1 to 64 of A-Z a-z 0-9 _ . : -");
    }
    return id;
  }

  /** Quotes a user value for an error message, shortened and with control characters escaped. */
  public static String quote(String value) {
    if (value == null) {
      return "null";
    }
    String shown = value.length() > 80 ? value.substring(0, 80) + "...(" + value.length()
        + " chars)" : value;
    StringBuilder sb = new StringBuilder("'");
    for (char c : shown.toCharArray()) {
      sb.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return sb.append('\'').toString();
  }
}

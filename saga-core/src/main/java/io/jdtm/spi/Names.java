package io.jdtm.spi;

import io.jdtm.InvalidTransactionException;

/**
 * The ids a store keys its rows on, checked as the engine checks them, and user values quoted for
 * error messages as the engine quotes them: a store or barrier that uses these rejects exactly
 * what the engine rejects, in the same words.
 *
 * <p>A gid (and a branch id) is 1 to 128 characters of {@code A-Z a-z 0-9 _ . : -}, so it can be
 * a key column, a Redis key part or a file name without escaping.
 *
 * <p>Thread-safe (stateless).
 */
public final class Names {
  private Names() {}

  /**
   * Whether {@code gid} is a valid gid.
   *
   * @param gid the gid to check, possibly {@code null}
   * @return whether it is 1 to 128 characters of {@code A-Z a-z 0-9 _ . : -}
   */
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

  /** Whether {@code c} is one of {@code A-Z a-z 0-9 _ . : -} (a loop is cheaper than a regex). */
  private static boolean isGidChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '_' || c == '.' || c == ':' || c == '-';
  }

  /**
   * Whether {@code branchId} is a valid branch id: the gid alphabet and length (the barrier keys
   * its rows on both).
   *
   * @param branchId the branch id to check, possibly {@code null}
   * @return whether it is 1 to 128 characters of {@code A-Z a-z 0-9 _ . : -}
   */
  public static boolean isValidBranchId(String branchId) {
    return isValidGid(branchId);
  }

  /**
   * Checks a gid.
   *
   * @param gid the gid to check, possibly {@code null}
   * @return {@code gid}
   * @throws InvalidTransactionException naming the gid (quoted by {@link #quote}) when it is
   *     invalid
   */
  public static String requireGid(String gid) {
    if (!isValidGid(gid)) {
      throw new InvalidTransactionException("invalid gid " + quote(gid)
          + ": a gid is 1 to 128 characters of A-Z a-z 0-9 _ . : -");
    }
    return gid;
  }

  /**
   * Quotes a user value for an error message: in single quotes, shortened to 80 characters (with
   * the full length noted) and with control characters written as Java unicode escapes, so that a
   * value read from a store or a request can neither forge log lines nor flood a message.
   *
   * @param value the value, possibly {@code null}
   * @return the quoted value; the text {@code null} for {@code null}
   */
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

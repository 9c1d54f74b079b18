package io.jdtm.internal;

import io.jdtm.InvalidTransactionException;
import java.util.regex.Pattern;

/**
 * Validation of handler names and instance ids; gids, branch ids and quoting are {@link
 * io.jdtm.spi.Names}' (the stores' checks), which the methods of the same names here call.
 * Thread-safe (stateless).
 */
public final class Names {
  private static final Pattern HANDLER = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

  private Names() {}

  /** Whether {@code gid} is 1-128 characters of {@code [A-Za-z0-9_.:-]}. */
  public static boolean isValidGid(String gid) {
    return io.jdtm.spi.Names.isValidGid(gid);
  }

  /**
   * Whether {@code branchId} is a valid branch id: the gid alphabet and length (the barrier keys
   * its rows on both).
   */
  public static boolean isValidBranchId(String branchId) {
    return io.jdtm.spi.Names.isValidBranchId(branchId);
  }

  /**
   * Checks a gid.
   *
   * @throws InvalidTransactionException naming the gid (shortened) when it is invalid
   */
  public static String requireGid(String gid) {
    return io.jdtm.spi.Names.requireGid(gid);
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
    return io.jdtm.spi.Names.quote(value);
  }
}

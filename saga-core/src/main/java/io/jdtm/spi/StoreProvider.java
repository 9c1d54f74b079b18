package io.jdtm.spi;

/**
 * A factory that opens a store from a URI; registered in {@code
 * META-INF/services/io.jdtm.spi.StoreProvider} and used by {@link io.jdtm.Stores#open(String)}.
 * Implementations must be thread-safe and cheap to construct.
 */
public interface StoreProvider {
  /** Short name, e.g. {@code memory}, {@code jdbc}. */
  String name();

  /** URI forms it accepts, for error messages, e.g. {@code memory:}. */
  String uriPattern();

  /** Whether this provider opens {@code uri}. Must not connect to anything. */
  boolean supports(String uri);

  /**
   * Opens a store; the caller owns it and closes it.
   *
   * @throws IllegalArgumentException when the URI is malformed
   * @throws io.jdtm.StoreUnavailableException when the store cannot be reached
   * @throws IllegalStateException when it is reachable but not usable as configured (e.g. its
   *     schema is missing or newer than this version)
   */
  TransactionStore open(String uri);
}

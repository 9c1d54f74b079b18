package io.jdtm;

import io.jdtm.spi.StoreProvider;
import io.jdtm.spi.TransactionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Opens stores by URI through the {@link StoreProvider}s on the class path ({@code memory:},
 * {@code jdbc:h2:...}, {@code redis://...}, as the store modules present provide). Thread-safe.
 */
public final class Stores {
  /**
   * From {@code //} to the last {@code @}: a password written without percent-encoding may hold
   * {@code /} or {@code @} itself, so masking stops only at the last one (masking a little more
   * than the user info, in a rare URI with an {@code @} in its path, costs nothing).
   */
  private static final Pattern USER_INFO = Pattern.compile("//.*@");
  private static final Pattern SECRET_PARAM =
      Pattern.compile("(?i)([a-z_.-]*(?:password|passwd|pwd|secret|token|apikey|api_key|"
          + "access_key|auth)[a-z_.-]*)=[^&;#]*");

  private static final List<String> JDBC_SCHEMES =
      List.of("jdbc:h2:", "jdbc:postgresql:", "jdbc:mariadb:", "jdbc:mysql:");

  private Stores() {}

  /**
   * Opens the store {@code uri} names. The caller owns the store and closes it.
   *
   * @throws IllegalArgumentException when no provider, or more than one, accepts the URI
   * @throws StoreUnavailableException when the store cannot be reached
   */
  public static TransactionStore open(String uri) {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("store URI must not be empty");
    }
    List<StoreProvider> all = providers();
    List<StoreProvider> matching = all.stream().filter(p -> p.supports(uri)).toList();
    if (matching.isEmpty()) {
      throw new IllegalArgumentException("no store provider accepts '" + redact(uri)
          + "'; available: " + describe(all) + ". " + missingModule(uri));
    }
    if (matching.size() > 1) {
      throw new IllegalArgumentException("several store providers accept '" + redact(uri)
          + "': " + describe(matching) + ". Pass a store instance to the builder instead.");
    }
    return matching.get(0).open(uri);
  }

  /** The providers found on the class path. */
  public static List<StoreProvider> providers() {
    List<StoreProvider> found = new ArrayList<>();
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    ServiceLoader.load(StoreProvider.class, context == null ? Stores.class.getClassLoader()
        : context).forEach(found::add);
    if (found.isEmpty() && context != null) {
      ServiceLoader.load(StoreProvider.class, Stores.class.getClassLoader()).forEach(found::add);
    }
    return found;
  }

  /** The URI with user info and password-like parameters masked, for messages and logs. */
  public static String redact(String uri) {
    String masked = USER_INFO.matcher(uri).replaceAll("//***@");
    return SECRET_PARAM.matcher(masked).replaceAll("$1=***");
  }

  /** What to add for a URI no provider on the class path accepts. */
  private static String missingModule(String uri) {
    String lower = uri.toLowerCase(Locale.ROOT);
    if (lower.startsWith("memory:")) {
      return "Add the io.jdtm:store-memory module to the class path.";
    }
    for (String scheme : JDBC_SCHEMES) {
      if (lower.startsWith(scheme)) {
        return "Add the io.jdtm:store-jdbc module (and the database's JDBC driver) to the class"
            + " path.";
      }
    }
    if (lower.startsWith("redis:") || lower.startsWith("rediss:")
        || lower.startsWith("redis-cluster:") || lower.startsWith("rediss-cluster:")) {
      return "Add the io.jdtm:store-redis module to the class path.";
    }
    return "Add the store module to the class path.";
  }

  private static String describe(List<StoreProvider> providers) {
    if (providers.isEmpty()) {
      return "none";
    }
    return providers.stream().map(p -> p.name() + " (" + p.uriPattern() + ")")
        .collect(Collectors.joining(", "));
  }
}

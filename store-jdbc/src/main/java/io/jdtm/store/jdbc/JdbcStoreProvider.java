package io.jdtm.store.jdbc;

import io.jdtm.spi.StoreProvider;
import io.jdtm.spi.TransactionStore;
import java.util.Locale;

/**
 * Opens a {@link JdbcStore} for {@code jdbc:h2:}, {@code jdbc:postgresql:}, {@code jdbc:mariadb:}
 * and {@code jdbc:mysql:} URIs, with a HikariCP pool the store closes. jdtm's options follow the
 * JDBC URL after {@code #jdtm.}, {@code &}-separated:
 *
 * <ul>
 *   <li>{@code jdtm.tablePrefix} (default {@code jdtm_}),
 *   <li>{@code jdtm.createSchema} ({@code true} or {@code false}, the default),
 *   <li>{@code jdtm.maxPoolSize} (default 10),
 *   <li>{@code jdtm.connectTimeout} (default {@code 10s}) and {@code jdtm.socketTimeout} (default
 *       {@code 30s}), durations in whole {@code ms}, {@code s} or {@code m}; see {@link
 *       JdbcStore.Builder#connectTimeout} and {@link JdbcStore.Builder#socketTimeout},
 *   <li>{@code jdtm.allowH2CodeSettings} ({@code true} or {@code false}, the default); see {@link
 *       JdbcStore.Builder#allowH2CodeSettings}.
 * </ul>
 *
 * <p>e.g. {@code jdbc:postgresql://db/app?user=app#jdtm.tablePrefix=pay_&jdtm.createSchema=true}.
 * Registered in {@code META-INF/services/io.jdtm.spi.StoreProvider}. Thread-safe (stateless).
 */
public final class JdbcStoreProvider implements StoreProvider {
  private static final String[] SCHEMES =
      {"jdbc:h2:", "jdbc:postgresql:", "jdbc:mariadb:", "jdbc:mysql:"};

  @Override
  public String name() {
    return "jdbc";
  }

  @Override
  public String uriPattern() {
    return "jdbc:h2:..., jdbc:postgresql://..., jdbc:mariadb://..., jdbc:mysql://... "
        + "[#jdtm.tablePrefix=P&jdtm.createSchema=true&jdtm.maxPoolSize=N"
        + "&jdtm.connectTimeout=10s&jdtm.socketTimeout=30s&jdtm.allowH2CodeSettings=false]";
  }

  @Override
  public boolean supports(String uri) {
    String lower = uri.toLowerCase(Locale.ROOT);
    for (String scheme : SCHEMES) {
      if (lower.startsWith(scheme)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public TransactionStore open(String uri) {
    return JdbcStore.builder().url(uri).build();
  }
}

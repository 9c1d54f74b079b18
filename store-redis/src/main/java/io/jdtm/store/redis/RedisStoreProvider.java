package io.jdtm.store.redis;

import io.jdtm.spi.StoreProvider;
import io.jdtm.spi.TransactionStore;

/**
 * Opens a {@link RedisStore} for {@code redis://}, {@code rediss://} (TLS), {@code
 * redis-cluster://} and {@code rediss-cluster://} URIs, with a Lettuce client the store shuts down
 * on close ({@link RedisBarrier.Builder#uri} takes the same forms):
 *
 * <ul>
 *   <li>{@code redis://[user:password@]host[:port][/db]} (port 6379 and database 0 by default),
 *   <li>{@code rediss://[user:password@]host[:port][/db]} likewise over TLS,
 *   <li>{@code redis-cluster://[user:password@]host:port[,host:port...]}: seed nodes of a Redis
 *       Cluster ({@code rediss-cluster://} likewise over TLS).
 * </ul>
 *
 * <p>A host is a name, an IPv4 address or a bracketed IPv6 address ({@code [::1]:6379}).
 *
 * <p>User and password are percent-encoded ({@code %40} for {@code @}, {@code %23} for {@code
 * #}); {@code redis://password@host} gives a password for the default user. jdtm's options follow
 * after {@code #jdtm.}, {@code &}-separated:
 *
 * <ul>
 *   <li>{@code jdtm.keyPrefix} (default {@code jdtm_}; letters, digits and {@code _}),
 *   <li>{@code jdtm.shards} (default 16; fixed per key prefix once used),
 *   <li>{@code jdtm.commandTimeout} (default {@code 5s}) and {@code jdtm.connectTimeout} (default
 *       {@code 10s}), durations in whole {@code ms}, {@code s} or {@code m}.
 * </ul>
 *
 * <p>e.g. {@code redis://app:secret@10.0.0.5:6379/2#jdtm.keyPrefix=pay_&jdtm.commandTimeout=2s}.
 * Registered in {@code META-INF/services/io.jdtm.spi.StoreProvider}. Thread-safe (stateless).
 */
public final class RedisStoreProvider implements StoreProvider {
  @Override
  public String name() {
    return "redis";
  }

  @Override
  public String uriPattern() {
    return RedisUri.FORMS;
  }

  @Override
  public boolean supports(String uri) {
    return RedisUri.hasScheme(uri);
  }

  @Override
  public TransactionStore open(String uri) {
    return RedisStore.builder().uri(uri).build();
  }
}

package io.jdtm.store.redis;

import io.jdtm.Stores;
import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Parses the barrier's URIs: {@code redis://} and {@code rediss://} (TLS) for one server, {@code
 * redis-cluster://} and {@code rediss-cluster://} with comma-separated {@code host:port} seeds for
 * a cluster; user and password in the user info. Messages show the URI redacted and never the
 * parser's own message (which may quote it). Stateless, thread-safe.
 */
final class BarrierUris {
  /** A host name, IPv4 address or IPv6 literal. */
  private static final Pattern HOST =
      Pattern.compile("[A-Za-z0-9._-]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  private BarrierUris() {}

  /** A parsed URI: its servers, whether they form a cluster, and a description without secrets. */
  record Parsed(List<RedisURI> servers, boolean cluster, String endpoint) {}

  static Parsed parse(String uri) {
    String lower = uri.toLowerCase(Locale.ROOT);
    if (lower.startsWith("redis://") || lower.startsWith("rediss://")) {
      RedisURI server = create(uri, uri);
      return new Parsed(List.of(server), false, describe(server));
    }
    boolean tls = lower.startsWith("rediss-cluster://");
    if (!tls && !lower.startsWith("redis-cluster://")) {
      throw new IllegalArgumentException("unsupported Redis URI '" + Stores.redact(uri)
          + "': use redis://, rediss://, redis-cluster:// or rediss-cluster://");
    }
    String rest = uri.substring(uri.indexOf("://") + 3);
    int at = rest.lastIndexOf('@', rest.indexOf('/') < 0 ? rest.length() : rest.indexOf('/'));
    String userInfo = at < 0 ? "" : rest.substring(0, at + 1);
    String hostsAndMore = rest.substring(at + 1);
    int end = firstOf(hostsAndMore, '/', '?');
    String hosts = hostsAndMore.substring(0, end);
    String more = hostsAndMore.substring(end);
    List<RedisURI> servers = new ArrayList<>();
    for (String host : hosts.split(",", -1)) {
      if (host.isBlank()) {
        throw new IllegalArgumentException("Redis cluster URI '" + Stores.redact(uri)
            + "' has an empty host: list seeds as host:port,host:port");
      }
      servers.add(create((tls ? "rediss://" : "redis://") + userInfo + host.strip() + more, uri));
    }
    StringBuilder endpoint = new StringBuilder(tls ? "rediss-cluster://" : "redis-cluster://");
    for (RedisURI s : servers) {
      endpoint.append(endpoint.charAt(endpoint.length() - 1) == '/' ? "" : ",")
          .append(s.getHost()).append(':').append(s.getPort());
    }
    return new Parsed(servers, true, endpoint.toString());
  }

  private static int firstOf(String s, char a, char b) {
    int i = s.indexOf(a);
    int j = s.indexOf(b);
    if (i < 0) {
      return j < 0 ? s.length() : j;
    }
    return j < 0 ? i : Math.min(i, j);
  }

  private static RedisURI create(String uri, String original) {
    try {
      RedisURI parsed = RedisURI.create(uri);
      String host = parsed.getHost();
      if (host == null || host.isEmpty() || !HOST.matcher(host).matches()) {
        throw new IllegalArgumentException("no valid host"); // Lettuce takes "h:x" as a host
      }
      return parsed;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid Redis URI '" + Stores.redact(original)
          + "': expected redis[s]://[user:password@]host[:port][/database] or "
          + "redis[s]-cluster://[user:password@]host:port,host:port");
    }
  }

  /** {@code scheme://host:port}, without user info. */
  static String describe(RedisURI server) {
    return (server.isSsl() ? "rediss://" : "redis://") + server.getHost() + ":"
        + server.getPort();
  }
}

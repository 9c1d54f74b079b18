package io.jdtm.store.redis;

import io.jdtm.spi.StoreUriOptions;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A parsed Redis URI, the one form {@link RedisStore} and {@link RedisBarrier} both take: {@code
 * redis://[user:password@]host[:port][/db]}, {@code rediss://} (TLS) likewise, or {@code
 * redis-cluster://[user:password@]host:port[,host:port...]} ({@code rediss-cluster://} over TLS),
 * each optionally followed by jdtm's options {@code #jdtm.name=value&jdtm.name=value} ({@code
 * keyPrefix}, {@code shards} (the store's only), {@code commandTimeout}, {@code connectTimeout}).
 * A host is a name, an IPv4 address or a bracketed IPv6 address ({@code [::1]:6379}). User and
 * password are percent-decoded. Every error names the URI with its credentials masked. Immutable
 * and thread-safe; {@link #toString()} never shows the password.
 *
 * @param cluster whether it names Redis Cluster seed nodes
 * @param tls whether to connect with TLS ({@code rediss://})
 * @param nodes host and port of the server, or the cluster's seed nodes
 * @param user the ACL user, or {@code null}
 * @param password the password, or {@code null}
 * @param database the database number (standalone only; 0 by default)
 * @param options option name (without {@code jdtm.}) to value
 */
record RedisUri(boolean cluster, boolean tls, List<HostPort> nodes, String user, String password,
    int database, Map<String, String> options) {
  static final String KEY_PREFIX = "keyPrefix";
  static final String SHARDS = "shards";
  static final String COMMAND_TIMEOUT = "commandTimeout";
  static final String CONNECT_TIMEOUT = "connectTimeout";
  private static final List<String> NAMES =
      List.of(KEY_PREFIX, SHARDS, COMMAND_TIMEOUT, CONNECT_TIMEOUT);
  static final String FORMS = "redis://[user:password@]host[:port][/db], "
      + "rediss://[user:password@]host[:port][/db], "
      + "redis-cluster://[user:password@]host:port[,host:port...], "
      + "rediss-cluster://[user:password@]host:port[,host:port...] "
      + "[#jdtm.keyPrefix=P&jdtm.shards=N&jdtm.commandTimeout=5s&jdtm.connectTimeout=10s]";
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  static final int DEFAULT_PORT = 6379;

  /** One server address; an IPv6 host without its brackets. */
  record HostPort(String host, int port) {
    @Override
    public String toString() {
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
  }

  RedisUri {
    nodes = List.copyOf(nodes);
    options = Map.copyOf(options);
  }

  /** Whether {@code uri} has one of the schemes this store opens (case-insensitive). */
  static boolean hasScheme(String uri) {
    String lower = uri.toLowerCase(Locale.ROOT);
    return lower.startsWith("redis://") || lower.startsWith("rediss://")
        || lower.startsWith("redis-cluster://") || lower.startsWith("rediss-cluster://");
  }

  /**
   * Parses {@code uri}.
   *
   * @throws IllegalArgumentException naming the masked URI and what is wrong
   */
  static RedisUri parse(String uri) {
    if (uri == null) {
      throw new IllegalArgumentException("the Redis URI is null; use " + FORMS);
    }
    if (!hasScheme(uri)) {
      throw bad(uri, "it must start with redis://, rediss://, redis-cluster:// or "
          + "rediss-cluster://");
    }
    String lower = uri.toLowerCase(Locale.ROOT);
    boolean cluster = lower.startsWith("redis-cluster://") || lower.startsWith("rediss-cluster://");
    boolean tls = lower.startsWith("rediss");
    String rest = uri.substring(uri.indexOf("://") + 3);
    Map<String, String> options = new LinkedHashMap<>();
    // A password may hold '#', '/' or '@': the user info ends at the last '@'.
    int at = rest.lastIndexOf('@');
    int hash = rest.indexOf('#', at + 1);
    if (hash >= 0) {
      options.putAll(StoreUriOptions.parse(rest.substring(hash + 1), NAMES, mask(uri)));
      rest = rest.substring(0, hash);
    }
    String user = null;
    String password = null;
    if (at >= 0) {
      String info = rest.substring(0, at);
      rest = rest.substring(at + 1);
      int colon = info.indexOf(':');
      user = decode(uri, colon < 0 ? info : info.substring(0, colon));
      password = colon < 0 ? null : decode(uri, info.substring(colon + 1));
      if (user.isEmpty()) {
        user = null; // redis://:password@host: the default user
      }
      if (password != null && password.isEmpty()) {
        throw bad(uri, "the password is empty; leave out ':' for none");
      }
      if (colon < 0) {
        // redis://secret@host is how Redis URIs give a password without a user
        password = user;
        user = null;
      }
    }
    if (rest.indexOf('?') >= 0) {
      throw bad(uri, "query parameters are not supported; jdtm options follow the address as "
          + "#jdtm.name=value&jdtm.name=value");
    }
    int database = 0;
    int slash = rest.indexOf('/', Math.max(0, rest.lastIndexOf(']')));
    if (slash >= 0) {
      String db = rest.substring(slash + 1);
      rest = rest.substring(0, slash);
      if (!db.isEmpty()) {
        if (cluster) {
          throw bad(uri, "Redis Cluster has only database 0; leave out /" + db);
        }
        try {
          database = Integer.parseInt(db);
        } catch (NumberFormatException e) {
          database = -1;
        }
        if (database < 0 || database > 9999) {
          throw bad(uri, "the database '" + db + "' is not a number from 0");
        }
      }
    }
    List<HostPort> nodes = new ArrayList<>();
    for (String node : rest.split(",", -1)) {
      nodes.add(hostPort(uri, node));
    }
    if (!cluster && nodes.size() > 1) {
      throw bad(uri, "it names " + nodes.size() + " servers; use redis-cluster:// (or "
          + "rediss-cluster://) for a Redis Cluster");
    }
    return new RedisUri(cluster, tls, nodes, user, password, database, options);
  }

  private static HostPort hostPort(String uri, String node) {
    if (node.isEmpty()) {
      throw bad(uri, "it has an empty host; name one, or list cluster seeds as "
          + "host:port,host:port");
    }
    String host;
    int colon;
    if (node.startsWith("[")) {
      int close = node.indexOf(']');
      host = close < 0 ? node : node.substring(1, close);
      if (close < 0 || !IPV6.matcher(host).matches()
          || (close + 1 < node.length() && node.charAt(close + 1) != ':')) {
        throw bad(uri, "'" + node + "' is not a bracketed IPv6 address such as [::1]:6379");
      }
      colon = close + 1 < node.length() ? close + 1 : -1;
    } else {
      colon = node.lastIndexOf(':');
      host = colon < 0 ? node : node.substring(0, colon);
      if (!HOST.matcher(host).matches()) {
        throw bad(uri, "'" + host + "' is not a host name, IPv4 address or bracketed IPv6 "
            + "address");
      }
    }
    int port = DEFAULT_PORT;
    if (colon >= 0) {
      String p = node.substring(colon + 1);
      try {
        port = Integer.parseInt(p);
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
        throw bad(uri, "the port '" + p + "' of " + host + " is not 1 to 65535");
      }
    }
    return new HostPort(host, port);
  }

  private static String decode(String uri, String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw bad(uri, "the user info holds a malformed %-escape");
    }
  }

  private static IllegalArgumentException bad(String uri, String problem) {
    return new IllegalArgumentException("invalid Redis URI '" + mask(uri) + "': "
        + problem + ". Use " + FORMS);
  }

  /**
   * The URI with its user info masked: everything between {@code ://} and the last {@code @} (a
   * password may hold {@code /}, {@code #} or {@code @}).
   */
  static String mask(String uri) {
    if (uri == null) {
      return "null";
    }
    int start = uri.indexOf("://");
    if (start < 0) {
      return io.jdtm.Stores.redact(uri);
    }
    int at = uri.lastIndexOf('@');
    String masked = at < start ? uri : uri.substring(0, start + 3) + "***" + uri.substring(at);
    return io.jdtm.Stores.redact(masked);
  }

  /** A builder's setting when set, else the URI's option when given, else the default. */
  static <T> T pick(T set, T fromUri, T byDefault) {
    return set != null ? set : fromUri != null ? fromUri : byDefault;
  }

  /** The {@code keyPrefix} option, checked, or {@code null} when not given. */
  String keyPrefix() {
    String v = options.get(KEY_PREFIX);
    return v == null ? null : KeyPrefix.require(v);
  }

  /** The {@code shards} option, a positive number, or {@code null} when not given. */
  Integer shards() {
    String v = options.get(SHARDS);
    return v == null ? null : StoreUriOptions.positiveInt(SHARDS, v);
  }

  /** The {@code commandTimeout} option, or {@code null} when not given. */
  Duration commandTimeout() {
    String v = options.get(COMMAND_TIMEOUT);
    return v == null ? null : StoreUriOptions.positiveDuration(COMMAND_TIMEOUT, v);
  }

  /** The {@code connectTimeout} option, or {@code null} when not given. */
  Duration connectTimeout() {
    String v = options.get(CONNECT_TIMEOUT);
    return v == null ? null : StoreUriOptions.positiveDuration(CONNECT_TIMEOUT, v);
  }

  /**
   * Refuses option {@code name} for a user that has no such setting.
   *
   * @throws IllegalArgumentException naming the option, the masked URI and {@code why}
   */
  void refuse(String name, String why) {
    if (options.containsKey(name)) {
      throw new IllegalArgumentException("jdtm option 'jdtm." + name + "' in Redis URI '"
          + address() + "' " + why);
    }
  }

  /** Where it points, without credentials: e.g. {@code redis://127.0.0.1:6379/0}. */
  String address() {
    StringBuilder sb = new StringBuilder(cluster ? (tls ? "rediss-cluster://" : "redis-cluster://")
        : tls ? "rediss://" : "redis://");
    for (int i = 0; i < nodes.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(nodes.get(i));
    }
    if (!cluster) {
      sb.append('/').append(database);
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return address() + (user == null ? "" : " as " + user) + (password == null ? "" : " (password "
        + "set)") + (options.isEmpty() ? "" : " " + options);
  }
}

package io.jdtm.store.jdbc;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JDBC URL with its secrets taken out: the user info ({@code //user:pw@host}) and every
 * password-like parameter ({@code password=}, {@code sslpassword=}, H2's {@code ;PASSWORD=}), which
 * the driver gets as connection properties instead, so that neither the pool nor a driver message
 * can show them. Immutable and thread-safe.
 *
 * @param url the URL to give the driver, without user info and password-like parameters
 * @param properties the connection properties: {@code user}, {@code password} and the parameters
 *     taken out of the URL
 * @param values every secret value, for {@link Scrub}
 */
record UrlSecrets(String url, Map<String, String> properties, Set<String> values) {
  /** Authority up to its last {@code @}: a password may hold an unencoded {@code @}. */
  private static final Pattern USER_INFO = Pattern.compile("//([^/?#]*)@");
  /** A parameter name ending in password, passwd or pwd, in any case. */
  private static final Pattern SECRET_KEY =
      Pattern.compile("(?i)[a-z0-9_.-]*(?:password|passwd|pwd)");

  UrlSecrets {
    properties = Map.copyOf(properties);
    values = Set.copyOf(values);
  }

  /**
   * Takes the secrets out of {@code url}; user and password found in the URL win over {@code user}
   * and {@code password} (the builder's credentials), which may be null.
   */
  static UrlSecrets of(String url, String user, String password) {
    Map<String, String> props = new LinkedHashMap<>();
    Set<String> values = new LinkedHashSet<>();
    putCredentials(props, values, user, password);
    Matcher m = USER_INFO.matcher(url);
    String rest = url;
    if (m.find()) {
      String info = m.group(1);
      int colon = info.indexOf(':');
      putCredentials(props, values, decode(colon < 0 ? info : info.substring(0, colon)),
          colon < 0 ? null : decode(info.substring(colon + 1)));
      rest = url.substring(0, m.start()) + "//" + url.substring(m.end());
    }
    String lower = rest.toLowerCase(Locale.ROOT);
    boolean h2 = lower.startsWith("jdbc:h2:");
    // PostgreSQL's driver URL-decodes parameter values; the others take them as written.
    boolean decode = lower.startsWith("jdbc:postgresql:");
    return new UrlSecrets(withoutSecretParams(rest, h2 ? ';' : '?', h2 ? ";" : "&", decode, props,
        values), props, values);
  }

  private static void putCredentials(Map<String, String> props, Set<String> values, String user,
      String password) {
    if (user != null) {
      props.put("user", user);
    }
    if (password != null) {
      props.put("password", password);
      addSecret(values, password);
    }
  }

  private static String withoutSecretParams(String url, char start, String separator,
      boolean decode, Map<String, String> props, Set<String> values) {
    int at = url.indexOf(start);
    if (at < 0) {
      return url;
    }
    List<String> kept = new ArrayList<>();
    for (String param : url.substring(at + 1).split(Pattern.quote(separator), -1)) {
      int eq = param.indexOf('=');
      String key = eq < 0 ? param : param.substring(0, eq).strip();
      if (eq < 0 || !SECRET_KEY.matcher(key).matches()) {
        kept.add(param);
        continue;
      }
      String written = param.substring(eq + 1);
      String value = decode ? decode(written) : written;
      props.put(key.equalsIgnoreCase("password") ? "password" : key, value);
      addSecret(values, written);
      addSecret(values, value);
    }
    return kept.isEmpty() ? url.substring(0, at)
        : url.substring(0, at + 1) + String.join(separator, kept);
  }

  private static void addSecret(Set<String> values, String value) {
    if (value != null && !value.isEmpty()) {
      values.add(value);
    }
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  /** The connection properties, plus {@code extra} where they do not set the same name. */
  Properties connectionProperties(Properties extra) {
    Properties p = new Properties();
    p.putAll(extra);
    p.putAll(properties);
    return p;
  }
}

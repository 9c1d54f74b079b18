package io.jdtm.store.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script that {@link Link} runs by its SHA-1 ({@code EVALSHA}), sending it whole ({@code
 * EVAL}) when the server answers {@code NOSCRIPT}. Implemented by the store's {@link Scripts} and
 * the barrier's {@link BarrierScripts}; immutable, thread-safe.
 */
interface LuaScript {
  /** The script's text, UTF-8. */
  byte[] body();

  /** The SHA-1 of {@link #body()}, lower-case hex. */
  String sha();

  /** The lower-case hex SHA-1 of {@code body}. */
  static String sha1(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-1", e);
    }
  }

  /** {@code lua} as UTF-8. */
  static byte[] utf8(String lua) {
    return lua.getBytes(StandardCharsets.UTF_8);
  }
}

package io.jdtm.store.redis;

import io.jdtm.StoreUnavailableException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The store's one shared Lettuce connection (standalone or Cluster: both expose {@link
 * RedisClusterAsyncCommands}), with the command timeout applied to every call and every failure
 * turned into a {@link StoreUnavailableException} that names the operation and never a
 * credential. Lettuce multiplexes the connection: calls from many threads pipeline on it.
 * Thread-safe.
 */
final class Link {
  final StatefulConnection<byte[], byte[]> connection;
  final RedisClusterAsyncCommands<byte[], byte[]> async;
  final boolean cluster;
  private final long timeoutNanos;
  private final Set<String> secrets;

  Link(StatefulConnection<byte[], byte[]> connection,
      RedisClusterAsyncCommands<byte[], byte[]> async, boolean cluster, Duration timeout,
      Set<String> secrets) {
    this.connection = connection;
    this.async = async;
    this.cluster = cluster;
    // A little longer than Lettuce's own command timeout, so its (clearer) error comes first.
    this.timeoutNanos = timeout.toNanos() + TimeUnit.MILLISECONDS.toNanos(250);
    this.secrets = Set.copyOf(secrets);
  }

  /** Starts a script: {@code EVALSHA}; see {@link #await(Pending, String, String)}. */
  <T> Pending<T> start(Scripts script, ScriptOutputType type, byte[][] keys, byte[]... args) {
    RedisFuture<T> f;
    try {
      f = async.evalsha(script.sha, type, keys, args);
    } catch (RuntimeException e) {
      return new Pending<>(script, type, keys, args, null, e);
    }
    return new Pending<>(script, type, keys, args, f, null);
  }

  /** Runs a script and waits for its answer. */
  <T> T run(Scripts script, ScriptOutputType type, String op, String gid, byte[][] keys,
      byte[]... args) {
    return await(start(script, type, keys, args), op, gid);
  }

  /**
   * The answer of a started script; on {@code NOSCRIPT} (the server lost its script cache: a
   * restart, a failover, {@code SCRIPT FLUSH}) runs it again with {@code EVAL}, which caches it.
   */
  <T> T await(Pending<T> p, String op, String gid) {
    try {
      return get(p.future, p.thrown, op, gid);
    } catch (NoScript e) {
      RedisFuture<T> again;
      try {
        again = async.eval(p.script.body, p.type, p.keys, p.args);
      } catch (RuntimeException ex) {
        throw unavailable(op, gid, ex);
      }
      try {
        return get(again, null, op, gid);
      } catch (NoScript impossible) {
        throw unavailable(op, gid, impossible.getCause());
      }
    }
  }

  /** Waits for a plain command. */
  <T> T call(String op, String gid, java.util.function.Supplier<RedisFuture<T>> command) {
    RedisFuture<T> f;
    try {
      f = command.get();
    } catch (RuntimeException e) {
      throw unavailable(op, gid, e);
    }
    try {
      return get(f, null, op, gid);
    } catch (NoScript e) {
      throw unavailable(op, gid, e.getCause());
    }
  }

  private <T> T get(Future<T> f, RuntimeException thrown, String op, String gid) throws NoScript {
    if (thrown != null) {
      throw unavailable(op, gid, thrown);
    }
    try {
      return f.get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof RedisNoScriptException) {
        throw new NoScript(cause);
      }
      throw unavailable(op, gid, cause);
    } catch (TimeoutException e) {
      f.cancel(false);
      throw unavailable(op, gid, new RedisCommandTimeoutException("no answer within "
          + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.cancel(false);
      throw new StoreUnavailableException("Redis store: interrupted while waiting for " + op,
          gid, null);
    }
  }

  /** A failure of {@code op}, its message scrubbed of every secret. */
  StoreUnavailableException unavailable(String op, String gid, Throwable cause) {
    String why = cause.getMessage() == null ? cause.getClass().getSimpleName()
        : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    // The cause is left out: Lettuce's exceptions may carry connection details; the scrubbed
    // message keeps what matters.
    return new StoreUnavailableException("Redis store: " + op + " failed: " + scrub(why), gid,
        null);
  }

  String scrub(String text) {
    String s = text;
    for (String secret : secrets) {
      s = s.replace(secret, "***");
    }
    return s;
  }

  /** A started script call. */
  static final class Pending<T> {
    final Scripts script;
    final ScriptOutputType type;
    final byte[][] keys;
    final byte[][] args;
    final RedisFuture<T> future;
    final RuntimeException thrown;

    Pending(Scripts script, ScriptOutputType type, byte[][] keys, byte[][] args,
        RedisFuture<T> future, RuntimeException thrown) {
      this.script = script;
      this.type = type;
      this.keys = keys;
      this.args = args;
      this.future = future;
      this.thrown = thrown;
    }
  }

  /** The server does not know the script. */
  private static final class NoScript extends Exception {
    private static final long serialVersionUID = 1L;

    NoScript(Throwable cause) {
      super(null, cause, false, false);
    }
  }
}

package io.jdtm.store.redis;

import io.jdtm.StoreUnavailableException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One shared Lettuce connection of a store or a barrier (standalone or Cluster: both expose {@link
 * RedisClusterAsyncCommands}), opened by {@link Connector}, with the command timeout applied to
 * every call, scripts run by SHA-1 with the {@code NOSCRIPT} fallback, and every failure turned
 * into a {@link StoreUnavailableException} that names the user, the operation and the address
 * and never a credential. Lettuce multiplexes the connection: calls from many threads pipeline on
 * it. Closing it shuts down the client and resources {@link Connector} created for it.
 * Thread-safe.
 */
final class Link implements AutoCloseable {
  final StatefulConnection<byte[], byte[]> connection;
  final RedisClusterAsyncCommands<byte[], byte[]> async;
  final boolean cluster;
  /** Who uses it, the start of every message: {@code Redis store} or {@code Redis barrier}. */
  final String who;
  /** Where it is connected, without credentials. */
  final String address;
  private final long timeoutNanos;
  private final Set<String> secrets;
  private final Runnable shutdown;

  Link(StatefulConnection<byte[], byte[]> connection,
      RedisClusterAsyncCommands<byte[], byte[]> async, boolean cluster, String who,
      String address, Duration timeout, Set<String> secrets, Runnable shutdown) {
    this.connection = connection;
    this.async = async;
    this.cluster = cluster;
    this.who = who;
    this.address = address;
    // A little longer than Lettuce's own command timeout, so its (clearer) error comes first.
    this.timeoutNanos = timeout.toNanos() + TimeUnit.MILLISECONDS.toNanos(250);
    this.secrets = Set.copyOf(secrets);
    this.shutdown = shutdown;
  }

  /**
   * Loads {@code scripts} (on Cluster, Lettuce sends {@code SCRIPT LOAD} to every master). A
   * server that loses them later answers {@code NOSCRIPT}, and {@link #await} runs them again.
   */
  void load(String op, LuaScript... scripts) {
    List<RedisFuture<String>> loads = new ArrayList<>();
    for (LuaScript script : scripts) {
      loads.add(async.scriptLoad(script.body()));
    }
    for (int i = 0; i < scripts.length; i++) {
      RedisFuture<String> f = loads.get(i);
      String sha = call(op, null, () -> f);
      if (!scripts[i].sha().equalsIgnoreCase(sha)) {
        throw new IllegalStateException(who + ": Redis answered SHA-1 " + sha + " for a script "
            + "whose SHA-1 is " + scripts[i].sha());
      }
    }
  }

  /** Starts a script: {@code EVALSHA}; see {@link #await(Pending, String, String)}. */
  <T> Pending<T> start(LuaScript script, ScriptOutputType type, byte[][] keys, byte[]... args) {
    RedisFuture<T> f;
    try {
      f = async.evalsha(script.sha(), type, keys, args);
    } catch (RuntimeException e) {
      return new Pending<>(script, type, keys, args, null, e);
    }
    return new Pending<>(script, type, keys, args, f, null);
  }

  /** Runs a script and waits for its answer. */
  <T> T run(LuaScript script, ScriptOutputType type, String op, String gid, byte[][] keys,
      byte[]... args) {
    return await(start(script, type, keys, args), op, gid);
  }

  /**
   * The answer of a started script; on {@code NOSCRIPT} (the server lost its script cache: a
   * restart, a failover, {@code SCRIPT FLUSH}) runs it again with {@code EVAL}, which caches it.
   */
  <T> T await(Pending<T> p, String op, String gid) {
    try {
      return get(p.future, p.thrown, op, gid, null);
    } catch (NoScript e) {
      RedisFuture<T> again;
      try {
        again = async.eval(p.script.body(), p.type, p.keys, p.args);
      } catch (RuntimeException ex) {
        throw unavailable(op, gid, ex);
      }
      try {
        return get(again, null, op, gid, null);
      } catch (NoScript impossible) {
        throw unavailable(op, gid, impossible.getCause());
      }
    }
  }

  /** Waits for a plain command. */
  <T> T call(String op, String gid, Supplier<RedisFuture<T>> command) {
    return call(op, gid, command, null);
  }

  /**
   * Waits for a plain command; when the server refuses it ({@code -ERR}, {@code WRONGTYPE}...),
   * throws what {@code refused} makes of the server's message, unless that is {@code null}.
   */
  <T> T call(String op, String gid, Supplier<RedisFuture<T>> command,
      Function<String, RuntimeException> refused) {
    RedisFuture<T> f;
    try {
      f = command.get();
    } catch (RuntimeException e) {
      throw unavailable(op, gid, e);
    }
    try {
      return get(f, null, op, gid, refused);
    } catch (NoScript e) {
      throw unavailable(op, gid, e.getCause());
    }
  }

  private <T> T get(Future<T> f, RuntimeException thrown, String op, String gid,
      Function<String, RuntimeException> refused) throws NoScript {
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
      if (refused != null && cause instanceof RedisCommandExecutionException) {
        RuntimeException mapped = refused.apply(String.valueOf(cause.getMessage()));
        if (mapped != null) {
          throw mapped;
        }
      }
      throw unavailable(op, gid, cause);
    } catch (TimeoutException e) {
      f.cancel(false);
      throw unavailable(op, gid, new RedisCommandTimeoutException("no answer within "
          + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.cancel(false);
      throw new StoreUnavailableException(who + ": interrupted while waiting for " + op, gid,
          null);
    }
  }

  /** A failure of {@code op}, its message scrubbed of every secret. */
  StoreUnavailableException unavailable(String op, String gid, Throwable cause) {
    String why = cause.getMessage() == null ? cause.getClass().getSimpleName()
        : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    // The cause is left out: Lettuce's exceptions may carry connection details; the scrubbed
    // message keeps what matters.
    return new StoreUnavailableException(who + ": " + op + " failed on " + address + ": "
        + scrub(why), gid, null);
  }

  String scrub(String text) {
    String s = text;
    for (String secret : secrets) {
      s = s.replace(secret, "***");
    }
    return s;
  }

  /** Closes the connection, then shuts down what {@link Connector} created for it. */
  @Override
  public void close() {
    try {
      connection.close();
    } finally {
      shutdown.run();
    }
  }

  /** A started script call. */
  static final class Pending<T> {
    final LuaScript script;
    final ScriptOutputType type;
    final byte[][] keys;
    final byte[][] args;
    final RedisFuture<T> future;
    final RuntimeException thrown;

    Pending(LuaScript script, ScriptOutputType type, byte[][] keys, byte[][] args,
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

package io.jdtm.internal;

import io.jdtm.InvalidTransactionException;
import io.jdtm.Saga;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A parsed branch target: a registered Java handler ({@code handler:NAME}, or plain {@code NAME}),
 * a DTM-style HTTP endpoint ({@code http(s)://...}), a registered barrier ({@code
 * barrier:NAME}, only as a message's check-back), a registered XA resource ({@code xa:NAME}, only
 * as an XA branch's commit and rollback), or no op at all ({@link Saga#NONE},
 * only in a saga step: done without a call, as DTM does with an empty URL). Immutable and
 * thread-safe.
 */
sealed interface Target permits Target.Handler, Target.Http, Target.BarrierRef,
    Target.XaRef, Target.None {

  /** The canonical form stored in records. */
  String canonical();

  /** A Java handler registered under {@code name}. */
  record Handler(String name) implements Target {
    @Override
    public String canonical() {
      return PREFIX + name;
    }
  }

  /** An HTTP endpoint. */
  record Http(URI uri) implements Target {
    @Override
    public String canonical() {
      return uri.toString();
    }
  }

  /** A registered barrier, as the check-back of a 2-phase message. */
  record BarrierRef(String name) implements Target {
    @Override
    public String canonical() {
      return BARRIER_PREFIX + name;
    }
  }

  /** A registered XA resource, as the target of an XA branch's commit and rollback. */
  record XaRef(String name) implements Target {
    @Override
    public String canonical() {
      return XA_PREFIX + name;
    }
  }

  /** No op: a saga step without an action or without a compensation. */
  record None() implements Target {
    @Override
    public String canonical() {
      return Saga.NONE;
    }
  }

  String PREFIX = "handler:";
  String BARRIER_PREFIX = "barrier:";
  String XA_PREFIX = "xa:";

  /**
   * Parses a target as given by a user or read from a store.
   *
   * @throws InvalidTransactionException naming the target and the accepted forms
   */
  static Target parse(String target) {
    if (target == null || target.isEmpty()) {
      throw new InvalidTransactionException("a branch target must not be empty");
    }
    if (Saga.NONE.equals(target)) {
      return new None();
    }
    String lower = target.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      return new Http(parseUri(target));
    }
    if (target.startsWith(BARRIER_PREFIX)
        && Names.isHandlerName(target.substring(BARRIER_PREFIX.length()))) {
      return new BarrierRef(target.substring(BARRIER_PREFIX.length()));
    }
    if (target.startsWith(XA_PREFIX) && Names.isHandlerName(target.substring(XA_PREFIX.length()))) {
      return new XaRef(target.substring(XA_PREFIX.length()));
    }
    String name = target.startsWith(PREFIX) ? target.substring(PREFIX.length()) : target;
    if (Names.isHandlerName(name)) {
      return new Handler(name);
    }
    throw new InvalidTransactionException("unsupported branch target "
        + Names.quote(io.jdtm.Stores.redact(target))
        + ": use a registered handler name (NAME or handler:NAME) or an http(s):// URL");
  }

  private static URI parseUri(String target) {
    String shown = Names.quote(io.jdtm.Stores.redact(target));
    try {
      URI uri = new URI(target);
      if (uri.getHost() == null || uri.getRawFragment() != null || uri.getRawUserInfo() != null
          || uri.getPort() == 0 || uri.getPort() > 65535) {
        throw new InvalidTransactionException("invalid HTTP target " + shown
            + ": it needs a host, a port from 1 to 65535 if any, no fragment and no user info");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new InvalidTransactionException("invalid HTTP target " + shown
          + ": it is not a valid URI (" + e.getReason() + ")");
    }
  }
}

package io.jdtm.internal;

import io.jdtm.BranchOp;
import io.jdtm.Codec;
import io.jdtm.NoSuchHandlerException;
import io.jdtm.PayloadCodecException;

/**
 * Encodes branch payloads at submit and checks them against their targets: the size limit, that
 * every {@code handler:} target is registered here, and that the encoded payload decodes into each
 * handler's payload type (as it will have to when the handler is called). Thread-safe.
 */
public final class Payloads {
  /** Most (handler type, payload class) pairs remembered as fitting. */
  private static final int MAX_KNOWN_FITS = 1024;

  private final Codec codec;
  private final HandlerRegistry handlers;
  private final int maxBytes;
  /** Pairs already proven to decode: an instance of the handler's own type needs no decode. */
  private final java.util.Set<java.util.Map.Entry<Class<?>, Class<?>>> knownFits =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  public Payloads(Codec codec, HandlerRegistry handlers, int maxBytes) {
    this.codec = codec;
    this.handlers = handlers;
    this.maxBytes = maxBytes;
  }

  /**
   * Encodes {@code payload} of branch {@code branchId}, whose ops go to {@code targets}.
   *
   * @throws NoSuchHandlerException when a handler target is not registered
   * @throws PayloadCodecException when the payload does not encode, is too large, or does not fit
   *     a handler's payload type
   */
  public byte[] encode(String gid, String branchId, Object payload, Target[] targets,
      BranchOp[] ops) {
    byte[] bytes;
    try {
      bytes = codec.encode(payload);
    } catch (PayloadCodecException e) {
      throw new PayloadCodecException(e.getMessage(), gid, branchId, null, e.getCause());
    }
    if (bytes.length > maxBytes) {
      throw new PayloadCodecException("payload is " + bytes.length + " bytes encoded; the limit "
          + "is " + maxBytes + " (raise it with maxPayloadBytes)", gid, branchId, null, null);
    }
    for (int i = 0; i < targets.length; i++) {
      if (targets[i] instanceof Target.Handler h) {
        checkFits(gid, branchId, ops[i], h.name(), payload, bytes);
      }
    }
    return bytes;
  }

  private void checkFits(
      String gid, String branchId, BranchOp op, String name, Object payload, byte[] bytes) {
    HandlerRegistry.Registered<?> h = handlers.find(name)
        .orElseThrow(() -> new NoSuchHandlerException(gid, branchId, op, name));
    // A value of the handler's own type fits once that type has been shown to decode at all
    // (an interface, say, never does); anything else is decoded to be sure.
    var key = payload != null && h.payloadType().isInstance(payload)
        ? java.util.Map.<Class<?>, Class<?>>entry(h.payloadType(), payload.getClass()) : null;
    if (key != null && knownFits.contains(key)) {
      return;
    }
    try {
      codec.decode(bytes, h.payloadType());
      if (key != null && knownFits.size() < MAX_KNOWN_FITS) {
        knownFits.add(key);
      }
    } catch (PayloadCodecException e) {
      throw new PayloadCodecException("payload of type "
          + (payload == null ? "null" : payload.getClass().getName()) + " does not fit handler '"
          + name + "', which takes " + h.payloadType().getName() + ": " + e.getMessage(), gid,
          branchId, op, null);
    }
  }
}

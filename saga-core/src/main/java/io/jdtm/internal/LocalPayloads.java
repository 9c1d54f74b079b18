package io.jdtm.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The payload objects of transactions this instance submitted and drives now, beside their
 * records, so that an in-process handler receives the object that was submitted instead of a copy
 * decoded from the record (which was encoded from that object). Kept from the submit until this
 * instance lets go of the transaction (it ended, or another instance holds it now); any other
 * driver decodes from the record. Branch ids {@code 01}, {@code 02}, ... name the objects in order;
 * other branch ids have none here. Thread-safe.
 */
final class LocalPayloads {
  private final ConcurrentHashMap<String, Object[]> byGid = new ConcurrentHashMap<>();

  /** Keeps {@code payloads}, the objects of branches {@code 01}, {@code 02}, ..., of {@code gid}. */
  void keep(String gid, Object[] payloads) {
    byGid.put(gid, payloads);
  }

  /** Forgets the objects of {@code gid}. */
  void drop(String gid) {
    byGid.remove(gid);
  }

  /** The submitted object of branch {@code branchId} of {@code gid}, or {@code null}. */
  Object find(String gid, String branchId) {
    if (byGid.isEmpty()) {
      return null;
    }
    Object[] payloads = byGid.get(gid);
    if (payloads == null) {
      return null;
    }
    int index = ordinal(branchId) - 1;
    return index >= 0 && index < payloads.length ? payloads[index] : null;
  }

  /** How many transactions have objects kept (for tests). */
  int size() {
    return byGid.size();
  }

  /** The number a branch id of digits only ({@code 01}: 1) stands for, or 0. */
  private static int ordinal(String branchId) {
    int n = branchId.length();
    if (n < 2 || n > 4) {
      return 0;
    }
    int value = 0;
    for (int i = 0; i < n; i++) {
      char c = branchId.charAt(i);
      if (c < '0' || c > '9') {
        return 0;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}

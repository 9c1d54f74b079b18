package io.jdtm.spi;

import java.util.List;
import java.util.Optional;

/**
 * One page of a {@link TxQuery}: records in gid order, and the cursor for the next page (the last
 * gid when the page is full, else none). Immutable and thread-safe.
 */
public record TxPage(List<TxRecord> records, Optional<String> next) {
  public TxPage {
    records = List.copyOf(records);
  }

  /** Builds a page, deriving the cursor from whether the page is full. */
  public static TxPage of(List<TxRecord> records, int limit) {
    Optional<String> next = records.size() < limit
        ? Optional.empty()
        : Optional.of(records.get(records.size() - 1).gid());
    return new TxPage(records, next);
  }
}

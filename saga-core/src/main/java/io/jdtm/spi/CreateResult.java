package io.jdtm.spi;

import java.util.Objects;

/**
 * What {@link TransactionStore#create(TxRecord)} did: stored the record, or found one with the
 * same gid (returned as stored). Immutable and thread-safe.
 *
 * @param created whether the record was stored by this call
 * @param record the stored record: the new one, or the one found
 */
public record CreateResult(boolean created, TxRecord record) {
  public CreateResult {
    Objects.requireNonNull(record, "record");
  }

  public static CreateResult created(TxRecord record) {
    return new CreateResult(true, record);
  }

  public static CreateResult exists(TxRecord existing) {
    return new CreateResult(false, existing);
  }
}

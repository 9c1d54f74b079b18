/**
 * The store service-provider interface: {@link io.jdtm.spi.TransactionStore} over {@link
 * io.jdtm.spi.TxRecord}s written with compare-and-set {@link io.jdtm.spi.TxUpdate}s, discovered
 * through {@link io.jdtm.spi.StoreProvider}. Every store passes the contract suite in {@code
 * saga-testkit}.
 */
package io.jdtm.spi;

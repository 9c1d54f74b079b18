/**
 * The store service-provider interface: {@link io.jdtm.spi.TransactionStore} over {@link
 * io.jdtm.spi.TxRecord}s written with compare-and-set {@link io.jdtm.spi.TxUpdate}s, discovered
 * through {@link io.jdtm.spi.StoreProvider}. Every store passes the contract suite in {@code
 * saga-testkit}. {@link io.jdtm.spi.Names} and {@link io.jdtm.spi.QuietLogs} give stores and test
 * harnesses what they need of the engine: no module but saga-core uses {@code io.jdtm.internal}.
 */
package io.jdtm.spi;

/**
 * jdtm's public API: build a {@link io.jdtm.TransactionManager}, register handlers, and submit
 * global transactions ({@link io.jdtm.Saga}); read them back as {@link
 * io.jdtm.TransactionView}s; observe them with a {@link io.jdtm.TransactionListener}.
 */
package io.jdtm;

/**
 * The JDBC transaction store and sub-transaction barrier: {@link io.jdtm.store.jdbc.JdbcStore} on
 * JDBI for H2, PostgreSQL, MariaDB and MySQL, opened with its builder or by URI through {@link
 * io.jdtm.store.jdbc.JdbcStoreProvider}; {@link io.jdtm.store.jdbc.JdbcBarrier}, the barrier in a
 * participant's own database on the same four; {@link io.jdtm.store.jdbc.JdbcSchema} prints the
 * DDL of either. Everything else in the package is internal.
 */
package io.jdtm.store.jdbc;

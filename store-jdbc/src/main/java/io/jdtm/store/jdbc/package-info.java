/**
 * The JDBC transaction store: {@link io.jdtm.store.jdbc.JdbcStore} on JDBI for H2, PostgreSQL,
 * MariaDB and MySQL, opened with its builder or by URI through {@link
 * io.jdtm.store.jdbc.JdbcStoreProvider}; {@link io.jdtm.store.jdbc.JdbcSchema} prints its DDL.
 * Everything else in the package is internal.
 */
package io.jdtm.store.jdbc;

/**
 * The Redis transaction store and sub-transaction barrier on Lettuce, for standalone Redis and
 * Redis Cluster. Everything not documented as public API is internal.
 */
package io.jdtm.store.redis;

/** The in-memory, non-durable store: {@link io.jdtm.store.memory.MemoryStore}. */
package io.jdtm.store.memory;

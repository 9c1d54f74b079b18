package io.jdtm.it;

/** A test payload. */
record Transfer(String account, long amount) {}

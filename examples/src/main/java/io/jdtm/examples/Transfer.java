package io.jdtm.examples;

/** Payload of the example transfers. */
public record Transfer(String account, long amount) {}

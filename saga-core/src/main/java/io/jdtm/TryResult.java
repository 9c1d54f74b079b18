package io.jdtm;

/**
 * What a TCC try answered: its branch id and what it returned (a Java handler's {@link
 * Outcome#success(String)} result, or an HTTP try's answer body). Immutable and thread-safe.
 *
 * @param branchId {@code 01}, {@code 02}, ...; {@code 01-01} for a nested branch
 * @param result what the try returned, or {@code null}
 */
public record TryResult(String branchId, String result) {}

package io.jdtm.internal;

/**
 * Zero-padded decimal numbers for branch and barrier ids ({@code 01}, {@code 02}, ...,
 * {@code 100}), without the cost of a format string. Thread-safe (stateless).
 */
public final class Digits {
  private static final String[] SMALL = new String[100];

  static {
    for (int i = 0; i < SMALL.length; i++) {
      SMALL[i] = new String(new char[] {(char) ('0' + i / 10), (char) ('0' + i % 10)});
    }
  }

  private Digits() {}

  /**
   * {@code n} in decimal, zero-padded to at least two digits: what {@code
   * String.format(Locale.ROOT, "%02d", n)} gives for {@code n >= 0}.
   *
   * @throws IllegalArgumentException when {@code n} is negative
   */
  public static String twoDigits(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("a branch number is never negative, was " + n);
    }
    return n < SMALL.length ? SMALL[n] : Integer.toString(n);
  }
}

package io.jdtm.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Generates time-ordered gids unique across instances: 26 characters of Crockford base32 (48 bits
 * of milliseconds, then 80 random bits, incremented within one millisecond so gids from one
 * generator are strictly increasing). Thread-safe.
 */
final class GidGenerator {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final ReentrantLock lock = new ReentrantLock();
  private long lastMillis = -1;
  private long randomHigh; // 16 bits
  private long randomLow; // 64 bits

  GidGenerator(Clock clock) {
    this.clock = clock;
  }

  /** A new gid. */
  String next() {
    long millis;
    long high;
    long low;
    lock.lock();
    try {
      millis = Math.max(clock.millis(), lastMillis);
      if (millis == lastMillis) {
        randomLow++;
        if (randomLow == 0) {
          randomHigh = (randomHigh + 1) & 0xFFFF;
        }
      } else {
        lastMillis = millis;
        randomHigh = random.nextInt() & 0x7FFF; // leave headroom for increments
        randomLow = random.nextLong();
      }
      high = randomHigh;
      low = randomLow;
    } finally {
      lock.unlock();
    }
    return encode(millis, high, low);
  }

  private static String encode(long millis, long high, long low) {
    char[] out = new char[26];
    for (int i = 9; i >= 0; i--) {
      out[i] = ALPHABET[(int) (millis & 31)];
      millis >>>= 5;
    }
    // 80 random bits = 16 chars of 5 bits: take from (high:16, low:64).
    for (int i = 25; i >= 10; i--) {
      out[i] = ALPHABET[(int) (low & 31)];
      low = (low >>> 5) | ((high & 31) << 59);
      high >>>= 5;
    }
    return new String(out);
  }
}

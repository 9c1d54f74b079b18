package io.jdtm.it.process;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The worker's file of acknowledged gids: one per line, each appended and forced to disk only
 * after {@code submit()} returned it, so that a gid in the file is one the manager promised to
 * finish. Thread-safe.
 */
final class Acks implements AutoCloseable {
  private final FileChannel channel;
  private final ReentrantLock lock = new ReentrantLock();

  private Acks(FileChannel channel) {
    this.channel = channel;
  }

  static Acks appendingTo(Path file) throws IOException {
    return new Acks(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND));
  }

  /** Appends {@code gid} and returns once it is on disk. */
  void add(String gid) throws IOException {
    ByteBuffer line = ByteBuffer.wrap((gid + "\n").getBytes(StandardCharsets.US_ASCII));
    lock.lock();
    try {
      while (line.hasRemaining()) {
        channel.write(line);
      }
      channel.force(false);
    } finally {
      lock.unlock();
    }
  }

  /** The gids of complete lines; a line a kill cut short was never acknowledged. */
  static List<String> read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    List<String> lines = Arrays.asList(text.split("\n", -1));
    return List.copyOf(lines.subList(0, lines.size() - 1));
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}

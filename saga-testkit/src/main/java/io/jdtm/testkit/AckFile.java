package io.jdtm.testkit;

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
 * A file of acknowledged gids, one per line, each appended and forced to disk only after the
 * store (or manager) acknowledged it, so that a gid in the file is one it promised to keep: what a
 * process killed with SIGKILL acknowledged is read back by the test that killed it. Thread-safe.
 */
public final class AckFile implements AutoCloseable {
  private final FileChannel channel;
  private final ReentrantLock lock = new ReentrantLock();

  private AckFile(FileChannel channel) {
    this.channel = channel;
  }

  /** Opens {@code file} for appending, creating it if needed. */
  public static AckFile appendingTo(Path file) throws IOException {
    return new AckFile(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND));
  }

  /** Appends {@code gid} and returns once it is on disk. */
  public void add(String gid) throws IOException {
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
  public static List<String> read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<String> lines =
        Arrays.asList(Files.readString(file, StandardCharsets.US_ASCII).split("\n", -1));
    return List.copyOf(lines.subList(0, lines.size() - 1));
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}

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

/**
 * A file of acknowledged gids, one per line, each appended and forced to disk only after the
 * store acknowledged it, so that a gid in the file is one the store promised to keep. Not
 * thread-safe: one writer thread.
 */
final class AckFile implements AutoCloseable {
  private final FileChannel channel;

  private AckFile(FileChannel channel) {
    this.channel = channel;
  }

  static AckFile appendingTo(Path file) throws IOException {
    return new AckFile(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND));
  }

  /** Appends {@code gid} and returns once it is on disk. */
  void add(String gid) throws IOException {
    ByteBuffer line = ByteBuffer.wrap((gid + "\n").getBytes(StandardCharsets.US_ASCII));
    while (line.hasRemaining()) {
      channel.write(line);
    }
    channel.force(false);
  }

  /** The gids of complete lines; a line a kill cut short was never acknowledged. */
  static List<String> read(Path file) throws IOException {
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

package io.jdtm;

import java.net.InetAddress;
import java.util.concurrent.ThreadLocalRandom;

/** Default instance ids: host name, process id and a random suffix. */
final class InstanceIds {
  private InstanceIds() {}

  static String generate() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "host";
    }
    host = host.replaceAll("[^A-Za-z0-9_.-]", "_");
    if (host.length() > 40) {
      host = host.substring(0, 40);
    }
    String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
    return host + "-" + ProcessHandle.current().pid() + "-" + suffix;
  }
}

package io.jdtm.store.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * A private {@code redis-server} that speaks only TLS, for tests: {@link #start} makes a
 * throwaway CA and a server certificate for {@code 127.0.0.1} and {@code localhost} with {@code
 * openssl}, a PKCS12 trust store holding the CA, and starts {@code redis-server --port 0
 * --tls-port <free port> --tls-auth-clients no --requirepass <random>} (no plain port, no
 * persistence) with everything under {@code target/redis-tls/<name>-<port>/}; it waits until the
 * server answers {@code PING} over TLS. {@link #close} kills it, and so does a JVM shutdown hook.
 *
 * <p>({@link RedisServers#start} cannot be reused: it always opens a plain port and checks
 * readiness over it.) A missing {@code redis-server} or {@code openssl}, or a {@code
 * redis-server} built without TLS, fails the test when {@code CI=true} and skips it otherwise,
 * saying why. Thread-safe.
 */
public final class RedisTlsServer implements AutoCloseable {
  private static final Set<RedisTlsServer> RUNNING = ConcurrentHashMap.newKeySet();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(RedisTlsServer::close),
        "redis-tls-server-cleanup"));
  }

  private final int port;
  private final Path dir;
  private final String password;
  private final String trustStorePassword;
  private final Process process;

  private RedisTlsServer(int port, Path dir, String password, String trustStorePassword,
      Process process) {
    this.port = port;
    this.dir = dir;
    this.password = password;
    this.trustStorePassword = trustStorePassword;
    this.process = process;
  }

  /** Makes the certificates and trust store, starts the server and waits until it answers. */
  public static RedisTlsServer start(String name) {
    String redis = require(binary("redis-server"), "redis-server",
        "Install Redis (Debian: apt-get install redis-server).");
    String openssl = require(binary("openssl"), "openssl",
        "Install OpenSSL (Debian: apt-get install openssl).");
    int port = freePort();
    Path dir = Path.of("target", "redis-tls", name + "-" + port).toAbsolutePath();
    String trustPassword = secret("trust-");
    makeCertificates(openssl, dir, trustPassword);
    String password = secret("tls-pw-");
    List<String> cmd = List.of(redis, "--port", "0", "--tls-port", Integer.toString(port),
        "--bind", "127.0.0.1", "--dir", dir.toString(),
        "--tls-cert-file", dir.resolve("server.crt").toString(),
        "--tls-key-file", dir.resolve("server.key").toString(),
        "--tls-ca-cert-file", dir.resolve("ca.crt").toString(),
        "--tls-auth-clients", "no", "--requirepass", password, "--save", "",
        "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no");
    Process process;
    try {
      process = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
          .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start redis-server (TLS) in " + dir, e);
    }
    RedisTlsServer server = new RedisTlsServer(port, dir, password, trustPassword, process);
    RUNNING.add(server);
    try {
      server.awaitReady();
    } catch (RuntimeException | Error e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** The TLS port on 127.0.0.1; the server has no plain port. */
  public int port() {
    return port;
  }

  /** The server's {@code requirepass} password (random per server). */
  public String password() {
    return password;
  }

  /** {@code rediss://:<password>@127.0.0.1:<port>}. */
  public String uri() {
    return "rediss://:" + password + "@127.0.0.1:" + port;
  }

  /** The PKCS12 trust store holding the test CA (and nothing else). */
  public Path trustStore() {
    return dir.resolve("trust.p12");
  }

  /** The trust store's password. */
  public String trustStorePassword() {
    return trustStorePassword;
  }

  /** The test CA's certificate (PEM). */
  public Path caCertificate() {
    return dir.resolve("ca.crt");
  }

  /** Its working directory (certificates, keys, trust store and {@code redis.log}). */
  public Path dir() {
    return dir;
  }

  /** Lettuce options trusting the test CA (and no other), JDK provider. */
  public SslOptions sslOptions() {
    return SslOptions.builder().jdkSslProvider()
        .truststore(trustStore().toFile(), trustStorePassword).build();
  }

  /**
   * A new standalone client for this server as a caller would configure it: TLS with {@link
   * #sslOptions()}, peer verification (the default, {@code FULL}), the password, commands rejected
   * while disconnected, bounded commands and connects. The caller shuts it down.
   */
  public RedisClient newClient() {
    RedisURI uri = RedisURI.Builder.redis("127.0.0.1", port).withSsl(true)
        .withPassword(password.toCharArray()).withTimeout(Duration.ofSeconds(5)).build();
    RedisClient client = RedisClient.create(uri);
    client.setOptions(ClientOptions.builder().sslOptions(sslOptions())
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(5)).build())
        .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(5))).build());
    return client;
  }

  /** Kills the server (SIGKILL) and waits until it is gone. */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    RUNNING.remove(this);
  }

  @Override
  public String toString() {
    return "redis-server TLS 127.0.0.1:" + port + " (" + dir + ")";
  }

  /** Waits for the port to accept, then checks one PING over TLS with the password. */
  private void awaitReady() {
    Awaitility.await("redis-server (TLS) on port " + port + " accepting; see "
        + dir.resolve("redis.log")).atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(20))
        .until(() -> {
          if (!process.isAlive()) {
            throw new IllegalStateException(exitProblem());
          }
          return accepts();
        });
    RedisClient client = newClient();
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      String pong = c.sync().ping();
      Map<String, String> ports = c.sync().configGet("port");
      if (!"PONG".equals(pong) || !"0".equals(ports.get("port"))) {
        throw new IllegalStateException("redis-server (TLS) on port " + port + " answered "
            + pong + " with plain port " + ports.get("port") + "; see "
            + dir.resolve("redis.log"));
      }
    } finally {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  private boolean accepts() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private String exitProblem() {
    String log;
    try {
      log = Files.readString(dir.resolve("redis.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      log = "";
    }
    String problem = "redis-server (TLS) on port " + port + " exited with "
        + process.exitValue() + "; see " + dir.resolve("redis.log");
    if (log.contains("Bad directive") && log.contains("tls-")) { // a build without TLS
      abortOrFail("redis-server has no TLS support (" + problem + ")",
          "Install a redis-server built with TLS (Debian's is).");
    }
    return problem;
  }

  private static void makeCertificates(String openssl, Path dir, String trustPassword) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("server.ext"), String.join("\n",
          "basicConstraints=critical,CA:FALSE",
          "keyUsage=critical,digitalSignature,keyEncipherment",
          "extendedKeyUsage=serverAuth",
          "subjectAltName=IP:127.0.0.1,DNS:localhost", ""), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write to " + dir, e);
    }
    List<String> ec = List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes");
    run(openssl, dir, concat(List.of("req", "-x509"), ec, List.of("-keyout", "ca.key", "-out",
        "ca.crt", "-days", "2", "-subj", "/CN=jdtm throwaway test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")));
    run(openssl, dir, concat(List.of("req", "-new"), ec, List.of("-keyout", "server.key",
        "-out", "server.csr", "-subj", "/CN=localhost")));
    run(openssl, dir, List.of("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey",
        "ca.key", "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile",
        "server.ext"));
    writeTrustStore(dir.resolve("ca.crt"), dir.resolve("trust.p12"), trustPassword);
  }

  private static void writeTrustStore(Path caCert, Path store, String password) {
    try (InputStream in = Files.newInputStream(caCert);
        OutputStream out = Files.newOutputStream(store)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("jdtm-test-ca",
          CertificateFactory.getInstance("X.509").generateCertificate(in));
      ks.store(out, password.toCharArray());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot write the trust store " + store, e);
    }
  }

  private static void run(String openssl, Path dir, List<String> args) {
    List<String> cmd = concat(List.of(openssl), args);
    Path log = dir.resolve("openssl.log");
    try {
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException(cmd + " did not finish within 60 s; see " + log);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(cmd + " exited with " + p.exitValue() + "; see " + log);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + cmd, e);
    }
  }

  @SafeVarargs
  private static List<String> concat(List<String>... parts) {
    List<String> all = new ArrayList<>();
    for (List<String> p : parts) {
      all.addAll(p);
    }
    return all;
  }

  private static String secret(String hint) {
    byte[] bytes = new byte[12];
    new SecureRandom().nextBytes(bytes);
    return hint + HexFormat.of().formatHex(bytes);
  }

  private static String binary(String name) {
    String path = System.getenv("PATH");
    for (String d : (path == null || path.isBlank() ? "/usr/bin" : path).split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
        return Path.of(d, name).toString();
      }
    }
    return Files.isExecutable(Path.of("/usr/bin", name)) ? "/usr/bin/" + name : null;
  }

  private static String require(String binary, String name, String advice) {
    if (binary == null) {
      abortOrFail("no " + name + " binary on the PATH or in /usr/bin", advice);
    }
    return binary;
  }

  /** Fails when {@code CI=true}, otherwise skips the test; either way saying why. */
  private static void abortOrFail(String problem, String advice) {
    String message = "The Redis TLS server is not usable (" + problem + "). " + advice;
    if ("true".equals(System.getenv("CI"))) {
      throw new IllegalStateException("CI=true and " + message);
    }
    Assumptions.abort(message);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free loopback port", e);
    }
  }
}

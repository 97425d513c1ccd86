package dev.fedge.transport;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Serves the federation protocol on a TCP port, with TLS when given a certificate and key. Start
 * it with {@link #start}, stop it with {@link #close}.
 */
public final class TransportServer implements AutoCloseable {

  /**
   * Where and how to listen.
   *
   * @param bindAddress address to listen on, e.g. {@code 0.0.0.0} or {@code 127.0.0.1}
   * @param port TCP port; 0 picks a free one
   * @param tlsCert PEM certificate chain, or null for plaintext
   * @param tlsKey PEM private key (PKCS#8), or null for plaintext
   * @param maxConcurrentUploads uploads assembled in memory at once; others wait, reading nothing
   */
  public record Options(
      String bindAddress, int port, Path tlsCert, Path tlsKey, int maxConcurrentUploads) {

    /** Validates. */
    public Options {
      if (bindAddress == null || bindAddress.isBlank()) {
        throw new IllegalArgumentException("bind address must not be blank");
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
      }
      if ((tlsCert == null) != (tlsKey == null)) {
        throw new IllegalArgumentException(
            "TLS needs both a certificate and a key, got cert=" + tlsCert + " key=" + tlsKey);
      }
      if (maxConcurrentUploads < 1) {
        throw new IllegalArgumentException(
            "max concurrent uploads must be >= 1, got " + maxConcurrentUploads);
      }
    }

    /** Plaintext on all interfaces. */
    public static Options plaintext(int port) {
      return new Options("0.0.0.0", port, null, null, 4);
    }

    /** Whether TLS is on. */
    public boolean tls() {
      return tlsCert != null;
    }
  }

  private final Server server;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;

  private TransportServer(Server server, EventLoopGroup boss, EventLoopGroup workers) {
    this.server = server;
    this.boss = boss;
    this.workers = workers;
  }

  /**
   * Starts serving.
   *
   * @param handler what answers the calls
   * @param options where and how
   * @return the running server
   * @throws IOException when the port cannot be bound or the TLS files cannot be read
   */
  public static TransportServer start(FederationHandler handler, Options options)
      throws IOException {
    ServerCredentials creds = InsecureServerCredentials.create();
    if (options.tls()) {
      for (Path p : new Path[] {options.tlsCert(), options.tlsKey()}) {
        if (!Files.isReadable(p)) {
          throw new IllegalArgumentException("TLS file not found or not readable: " + p);
        }
      }
      try {
        creds = TlsServerCredentials.create(options.tlsCert().toFile(), options.tlsKey().toFile());
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException(
            "cannot use TLS certificate " + options.tlsCert() + " and key " + options.tlsKey()
                + ": " + e.getMessage(), e);
      }
    }
    FederationService service = new FederationService(handler, options.maxConcurrentUploads());
    // Own event loops, so that accepted connections pass a ConnectionGuard before gRPC's codec.
    // Daemon threads, as gRPC's own shared loops: a server that is never closed keeps no JVM up.
    EventLoopGroup boss =
        new NioEventLoopGroup(1, new DefaultThreadFactory("fedge-grpc-boss", true));
    EventLoopGroup workers = new NioEventLoopGroup(0, new DefaultThreadFactory("fedge-grpc", true));
    boolean tls = options.tls();
    Server server =
        NettyServerBuilder.forAddress(
                new InetSocketAddress(options.bindAddress(), options.port()), creds)
            .channelFactory(() -> new ConnectionGuard.GuardedServerChannel(tls))
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(workers)
            .addService(service.definition())
            .permitKeepAliveTime(10, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .build();
    boolean started = false;
    try {
      server.start();
      started = true;
    } catch (IOException e) {
      throw new IOException(
          "cannot listen on " + options.bindAddress() + ":" + options.port() + ": "
              + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IllegalArgumentException("cannot start the server with TLS: " + e.getMessage(), e);
    } finally {
      if (!started) {
        boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      }
    }
    return new TransportServer(server, boss, workers);
  }

  /** The port actually bound. */
  public int port() {
    return server.getPort();
  }

  /** Blocks until the server has stopped. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** Stops accepting calls, gives running calls a moment, then ends them. */
  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }
}

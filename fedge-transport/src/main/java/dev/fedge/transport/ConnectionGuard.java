package dev.fedge.transport;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Turns away connections whose first bytes are not what a gRPC client sends (the HTTP/2 preface
 * in plaintext, a TLS handshake record with TLS), with one log line naming the remote address
 * and the reason, before the HTTP/2 codec sees them and logs a stack trace. Later transport
 * failures are logged by gRPC as one line too, without the trace.
 */
final class ConnectionGuard extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = Logger.getLogger(TransportServer.class.getName());

  /** What every HTTP/2 client sends first (RFC 9113 §3.4). */
  private static final byte[] HTTP2_PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /** gRPC's logger of failed transports; held so its filter stays (JUL keeps loggers weakly). */
  private static final Logger GRPC_CONNECTIONS =
      Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerTransport.connections");

  static {
    GRPC_CONNECTIONS.setFilter(new NoTrace(GRPC_CONNECTIONS));
  }

  private final boolean tls;
  private ByteBuf seen;

  private ConnectionGuard(boolean tls) {
    this.tls = tls;
  }

  /** The server socket channel whose accepted connections get a guard first in line. */
  static final class GuardedServerChannel extends NioServerSocketChannel {
    private final boolean tls;

    GuardedServerChannel(boolean tls) {
      this.tls = tls;
    }

    @Override
    protected int doReadMessages(List<Object> buf) throws Exception {
      int before = buf.size();
      int n = super.doReadMessages(buf);
      for (int i = before; i < buf.size(); i++) {
        if (buf.get(i) instanceof Channel child) {
          child.pipeline().addFirst("fedge-connection-guard", new ConnectionGuard(tls));
        }
      }
      return n;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (seen == null) {
      seen = ctx.alloc().buffer(HTTP2_PREFACE.length);
    }
    seen.writeBytes(in);
    in.release();
    String reason = check(seen);
    if (reason != null) {
      LOG.info("refused connection from " + ctx.channel().remoteAddress() + ": " + reason);
      release();
      ctx.close();
      return;
    }
    if (seen.readableBytes() >= expectedLength()) {
      ByteBuf pass = seen;
      seen = null;
      ctx.pipeline().remove(this);
      ctx.fireChannelRead(pass);
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    release();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    release();
    ctx.fireChannelInactive();
  }

  private void release() {
    if (seen != null) {
      seen.release();
      seen = null;
    }
  }

  private int expectedLength() {
    return tls ? 3 : HTTP2_PREFACE.length;
  }

  /** Why the bytes so far cannot start a gRPC connection, or null while they still can. */
  private String check(ByteBuf b) {
    int n = Math.min(b.readableBytes(), expectedLength());
    int at = b.readerIndex();
    for (int i = 0; i < n; i++) {
      int v = b.getUnsignedByte(at + i);
      boolean ok = tls ? tlsByteOk(i, v) : v == HTTP2_PREFACE[i];
      if (!ok) {
        return (tls ? "not a TLS handshake" : "not gRPC over HTTP/2") + " (starts with "
            + describe(b) + ")";
      }
    }
    return null;
  }

  /** A TLS record starts with type 22 (handshake) and version 3.x (SSL 3.0 to TLS 1.3). */
  private static boolean tlsByteOk(int i, int v) {
    return switch (i) {
      case 0 -> v == 0x16;
      case 1 -> v == 0x03;
      default -> v <= 0x04;
    };
  }

  /** The first bytes: as text in quotes when they are printable, else in hex. */
  static String describe(ByteBuf b) {
    int n = Math.min(b.readableBytes(), 32);
    StringBuilder text = new StringBuilder();
    StringBuilder hex = new StringBuilder();
    boolean printable = true;
    boolean lineEnded = false;
    for (int i = 0; i < n; i++) {
      int v = b.getUnsignedByte(b.readerIndex() + i);
      if (i < 8) {
        hex.append(i == 0 ? "" : " ").append(String.format("%02x", v));
      }
      lineEnded |= v == '\r' || v == '\n';
      if (!lineEnded) {
        printable &= v >= 0x20 && v < 0x7f;
        text.append((char) v);
      }
    }
    return printable && text.length() > 0 ? "\"" + text + "\"" : "bytes " + hex;
  }

  /** Logs a failed transport's record again as one line, cause's message instead of its trace. */
  private record NoTrace(Logger logger) implements Filter {
    @Override
    public boolean isLoggable(LogRecord r) {
      Throwable t = r.getThrown();
      if (t == null) {
        return true;
      }
      LogRecord line = new LogRecord(r.getLevel(), r.getMessage() + ": " + t);
      line.setLoggerName(r.getLoggerName());
      line.setSourceClassName(r.getSourceClassName());
      line.setSourceMethodName(r.getSourceMethodName());
      logger.log(line);
      return false;
    }
  }
}

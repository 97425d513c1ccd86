/**
 * The network protocol between a fedge server and its edge clients: protobuf messages and a gRPC
 * service in which the client opens every connection (register, heartbeat, long-poll for tasks,
 * chunked model download, chunked result upload, failure report for a task the device could not
 * do). This is the only package of fedge that imports
 * {@code io.grpc}.
 *
 * <p>On the server, {@link dev.fedge.transport.TransportServer} serves the protocol and hands
 * every request, already checked for framing, length and SHA-256, to a {@link
 * dev.fedge.transport.FederationHandler}. On the device, {@link
 * dev.fedge.transport.FederationClient} makes the calls. Both sides speak in fedge records; errors
 * are {@link dev.fedge.transport.FederationException}s with a code and a reason.
 */
package dev.fedge.transport;

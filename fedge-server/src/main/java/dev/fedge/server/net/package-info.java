/**
 * Clients on the network: {@link dev.fedge.server.net.ClientRegistry} answers the federation
 * protocol (registration, credentials, heartbeats, task long-polls, uploads with their checks) and
 * keeps one {@link dev.fedge.server.net.RemoteClient} per device, a {@link
 * dev.fedge.api.ClientProxy} whose {@code fit} posts a task to the device and blocks until its
 * upload arrives or the device goes away. The registry is the {@link dev.fedge.server.ClientPool}
 * of the networked server.
 */
package dev.fedge.server.net;

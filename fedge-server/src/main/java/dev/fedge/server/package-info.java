/**
 * The server side of fedge: the round loop ({@link dev.fedge.server.Coordinator}), which drives any
 * {@link dev.fedge.api.ClientProxy} (in-process for simulation, remote for deployments) and only
 * calls the {@link dev.fedge.api.Strategy}'s hooks.
 */
package dev.fedge.server;

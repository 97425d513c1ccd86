/**
 * Simulation: a whole federation in one process. In-process clients implement {@link
 * dev.fedge.api.ClientProxy}, so the real {@link dev.fedge.server.Coordinator} drives them exactly
 * as it drives devices on the network.
 */
package dev.fedge.server.sim;

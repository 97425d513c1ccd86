/**
 * The edge agent that runs on a device: {@link dev.fedge.client.DeviceProbe} detects what the
 * device is and how it is doing, {@link dev.fedge.client.LocalData} loads its data (or a demo
 * partition of a data set), and {@link dev.fedge.client.EdgeAgent} connects to the server (in any
 * start order, reconnecting with exponential backoff), heartbeats with telemetry, and trains and
 * evaluates the tasks it is given with a {@link dev.fedge.api.LocalTrainer}.
 */
package dev.fedge.client;

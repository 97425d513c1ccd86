package dev.fedge.api;

/**
 * A device's live health, sent with heartbeats.
 *
 * @param cpuTemperatureC CPU temperature in degrees Celsius, NaN when the device has no sensor
 * @param freeMemoryBytes available physical memory, or -1 when unknown
 * @param loadAverage one-minute load average, or NaN when unknown
 * @param timestampMillis when the reading was taken (epoch milliseconds)
 */
public record Telemetry(
    double cpuTemperatureC, long freeMemoryBytes, double loadAverage, long timestampMillis) {}

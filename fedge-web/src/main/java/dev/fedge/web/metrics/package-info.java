/** Prometheus metrics of the federation server ({@link dev.fedge.web.metrics.WebMetrics}). */
package dev.fedge.web.metrics;

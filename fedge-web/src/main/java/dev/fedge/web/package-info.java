/**
 * The federation server's face on one HTTP port ({@link dev.fedge.web.WebServer}): a JSON API under
 * {@code /api/v1}, a live dashboard, a KServe V1 prediction endpoint and Prometheus metrics, behind
 * an {@link dev.fedge.web.ApiToken}.
 */
package dev.fedge.web;

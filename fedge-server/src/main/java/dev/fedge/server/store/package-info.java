/**
 * Model files and run records on disk: safetensors files with JSON manifests in a model store laid
 * out as {@code <group>/<project>/<round>/}, and per-round metrics as CSV.
 */
package dev.fedge.server.store;

/**
 * Run specs with steps (issue 16): a run's {@link dev.fedge.server.pipeline.PipelineSpec} (check,
 * data, train, evaluate, serve, with their options), the pure {@link
 * dev.fedge.server.pipeline.Pipeline} runner that runs them in order and resumes at the first step
 * not done, and {@link dev.fedge.server.pipeline.PipelineRun}, which runs them on a federation
 * server.
 */
package dev.fedge.server.pipeline;

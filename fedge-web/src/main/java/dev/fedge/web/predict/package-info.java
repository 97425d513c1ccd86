/**
 * The prediction endpoint's model side, KServe V1 style: names to stored rounds ({@link
 * dev.fedge.web.predict.ModelServing}), a manifest's architecture and input ({@link
 * dev.fedge.web.predict.InputSpec}), request instances to images ({@link
 * dev.fedge.web.predict.Instances}), and the engine that runs them ({@link
 * dev.fedge.web.predict.DjlPredictor}).
 */
package dev.fedge.web.predict;

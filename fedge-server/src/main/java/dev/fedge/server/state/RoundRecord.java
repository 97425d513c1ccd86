package dev.fedge.server.state;

/**
 * A completed round as stored (NaN where a number was not measured).
 *
 * @param runId the run
 * @param round the round
 * @param accuracy reported accuracy in [0, 1]
 * @param loss reported loss
 * @param clientAccuracy clients' aggregated accuracy
 * @param clientLoss clients' aggregated loss
 * @param trainLoss example-weighted training loss
 * @param participants results aggregated
 * @param failures clients that failed or were late
 * @param seconds wall time of the round
 * @param modelKey where the round's model is in the store
 * @param modelSha256 SHA-256 of the model file
 */
public record RoundRecord(
    String runId,
    int round,
    double accuracy,
    double loss,
    double clientAccuracy,
    double clientLoss,
    double trainLoss,
    int participants,
    int failures,
    double seconds,
    String modelKey,
    String modelSha256) {}

/**
 * Federated learning algorithms: {@link dev.fedge.strategy.FedAvg} and its variants side by side
 * (FedProx, FedNTD, FedAvgM, FedNova, FedAdam/FedYogi/FedAdagrad, FedPav, the robust FedMedian,
 * FedTrimmedAvg and Krum, the asynchronous FedBuff, and the local-only baseline), the pure aggregation maths in {@link
 * dev.fedge.strategy.Aggregations}, reproducible client sampling in {@link
 * dev.fedge.strategy.ClientSampler}, and {@link dev.fedge.strategy.Strategies}, which builds a
 * strategy from its {@code --strategy} name and options and validates them at start.
 *
 * <p>Aggregation is streaming: the coordinator folds each update into the strategy's {@link
 * dev.fedge.api.FitAggregation} as it arrives. FedAvg and the variants built on it hold one O(P)
 * accumulator whatever the number of clients; the robust strategies must see every update at once
 * and buffer them (O(K·P)). FedBuff is also an {@link dev.fedge.api.AsyncStrategy}: its buffer
 * folds each update with its staleness into one O(P) accumulator.
 *
 * <p>This package depends on {@code fedge-api} and the JDK only.
 */
package dev.fedge.strategy;

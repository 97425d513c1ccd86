/**
 * Partitioners that split a data set across simulated clients, reproducibly from a seed: IID,
 * Dirichlet label skew and the FedAvg paper's shards; and {@link dev.fedge.data.partition.Partition},
 * the result, with label histograms, a text rendering and JSON save/load.
 */
package dev.fedge.data.partition;

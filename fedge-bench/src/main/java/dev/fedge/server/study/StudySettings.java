package dev.fedge.server.study;

import dev.fedge.server.sim.SimulationConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings every cell of a study shares. {@link #full()} is the study of issue 4 (the FedNTD
 * paper's setting); {@link #quick()} a small version that finishes in minutes.
 *
 * @param dataset data set name
 * @param model model name
 * @param clients number of clients
 * @param fraction fraction of clients sampled per round (local-only trains all of them)
 * @param localEpochs local epochs per round
 * @param batchSize local mini-batch size
 * @param lr local SGD learning rate
 * @param momentum local SGD momentum
 * @param rounds rounds per federated cell (local-only runs fewer: {@link #roundsFor})
 * @param trainLimit first N training images only (0 = all)
 * @param testLimit first N test images for the central evaluation (0 = all)
 * @param clientTestLimit test images each client evaluates its personal model on (local-only)
 * @param evalEvery local-only evaluates its clients' models every this many rounds, and at the last
 *     round
 * @param threads PyTorch threads (does not change the results' meaning; not compared on resume)
 * @param dataDir data folder
 */
public record StudySettings(
    String dataset,
    String model,
    int clients,
    double fraction,
    int localEpochs,
    int batchSize,
    double lr,
    double momentum,
    int rounds,
    int trainLimit,
    int testLimit,
    int clientTestLimit,
    int evalEvery,
    int threads,
    Path dataDir) {

  /** Validates; messages name the setting and the value. */
  public StudySettings {
    positive("clients", clients);
    positive("local-epochs", localEpochs);
    positive("batch-size", batchSize);
    positive("rounds", rounds);
    positive("client-test-limit", clientTestLimit);
    positive("eval-every", evalEvery);
    positive("threads", threads);
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException("fraction must be in (0, 1], got " + fraction);
    }
    if (trainLimit < 0) {
      throw new IllegalArgumentException("train-limit must be >= 0, got " + trainLimit);
    }
    if (testLimit < 0) {
      throw new IllegalArgumentException("test-limit must be >= 0, got " + testLimit);
    }
  }

  private static void positive(String key, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(key + " must be >= 1, got " + v);
    }
  }

  /**
   * The study of issue 4: Fashion-MNIST, {@code cnn}, 100 clients, 10 per round, 5 local epochs,
   * batch 50, SGD lr 0.01 momentum 0.9, 50 rounds, the whole training and test sets; local-only
   * evaluates every 5 rounds on 1,000 test images per client.
   */
  public static StudySettings full() {
    return new StudySettings(
        "fashion-mnist", "cnn", 100, 0.1, 5, 50, 0.01, 0.9, 50, 0, 0, 1000, 5, 2, Path.of("data"));
  }

  /**
   * A quick version: 20 clients, 5 per round, 1 local epoch, the first 6,000 training and 2,000
   * test images, 5 rounds; local-only evaluates every 2 rounds on 500 test images per client.
   */
  public static StudySettings quick() {
    return new StudySettings(
        "fashion-mnist",
        "cnn",
        20,
        0.25,
        1,
        50,
        0.01,
        0.9,
        5,
        6000,
        2000,
        500,
        2,
        2,
        Path.of("data"));
  }

  /**
   * Rounds a cell of an algorithm runs: {@link #rounds} for a federated algorithm. local-only
   * trains every client every round, so it runs {@code rounds × fraction} rounds (at least one):
   * each of its clients then trains the local epochs the average client of a federated cell trains
   * (a client is sampled in {@code fraction} of the rounds), and the cell costs what a federated
   * cell costs. In the full study: 5 rounds of 5 epochs, 25 local epochs per client.
   *
   * @param algorithm the cell's algorithm
   * @return its rounds
   */
  public int roundsFor(String algorithm) {
    return roundsFor(algorithm, rounds, fraction);
  }

  /**
   * {@link #roundsFor(String)} from a cell's stored settings.
   *
   * @param algorithm the cell's algorithm
   * @param rounds rounds per federated cell
   * @param fraction fraction of clients per round
   * @return the cell's rounds
   */
  public static int roundsFor(String algorithm, int rounds, double fraction) {
    if (!algorithm.equals("local-only")) {
      return rounds;
    }
    return (int) Math.max(1, Math.round(rounds * fraction));
  }

  /** Clients sampled per round (local-only trains all). */
  public int perRound() {
    return (int) Math.max(1, Math.ceil(fraction * clients));
  }

  /**
   * The settings that define the results (everything but threads and the data folder), as stored in
   * each cell's JSON and compared on resume.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dataset", dataset);
    m.put("model", model);
    m.put("clients", clients);
    m.put("fraction", fraction);
    m.put("local-epochs", localEpochs);
    m.put("batch-size", batchSize);
    m.put("lr", lr);
    m.put("momentum", momentum);
    m.put("rounds", rounds);
    m.put("train-limit", trainLimit);
    m.put("test-limit", testLimit);
    m.put("client-test-limit", clientTestLimit);
    m.put("eval-every", evalEvery);
    return m;
  }

  /**
   * The simulation of one cell.
   *
   * @param cell the cell
   * @param out the simulation's scratch run folder (not the results folder)
   * @return the config
   */
  public SimulationConfig simulationConfig(StudyCell cell, Path out) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(
        "name",
        cell.algorithm() + "-" + StudyCell.folderName(cell.partition()) + "-s" + cell.seed());
    m.put("dataset", dataset);
    m.put("model", model);
    m.put("strategy", cell.algorithm());
    m.put("clients", clients);
    m.put("fraction", fraction);
    m.put("rounds", roundsFor(cell.algorithm()));
    m.put("local-epochs", localEpochs);
    m.put("batch-size", batchSize);
    m.put("lr", lr);
    m.put("momentum", momentum);
    m.put("weight-decay", 0.0);
    m.put("partition", cell.partition());
    m.put("seed", cell.seed());
    m.put("threads", threads);
    m.put("out", out.toString());
    m.put("data-dir", dataDir.toString());
    m.put("fraction-evaluate", 0.0);
    m.put("test-limit", testLimit);
    m.put("client-test-limit", clientTestLimit);
    m.put("train-limit", trainLimit);
    return SimulationConfig.fromMap(m);
  }
}

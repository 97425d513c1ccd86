package dev.fedge.cli;

import dev.fedge.data.DataSplit;
import dev.fedge.data.Datasets;
import dev.fedge.data.ImageFolderOptions;
import dev.fedge.data.LocatedDataset;
import dev.fedge.data.download.ProgressBar;
import dev.fedge.data.partition.Partition;
import dev.fedge.data.partition.Partitioner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fedge data partition NAME --clients N --partition SPEC}: splits a data set's training part
 * across clients and shows each client's label histogram; optionally saves the partition as JSON.
 */
@Command(
    name = "partition",
    mixinStandardHelpOptions = true,
    description = "Split a data set's training images across clients and show their labels.")
public final class DataPartitionCommand extends BaseCommand {

  @Parameters(index = "0", paramLabel = "NAME",
      description = "fashion-mnist, mnist, cifar10, cifar100 or folder:<path>.")
  String name;

  @Option(names = "--clients", paramLabel = "N", required = true, description = "Clients.")
  int clients;

  @Option(names = "--partition", paramLabel = "SPEC", defaultValue = "iid",
      description = "iid, dirichlet:<alpha> or shards:<k> (default ${DEFAULT-VALUE}).")
  String partition;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0",
      description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", paramLabel = "FILE", description = "Save the partition as JSON.")
  Path outFile;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Data folder (default: ./data, or -Dfedge.data.dir).")
  Path dataDir;

  @Option(names = "--offline", description = "Never download.")
  boolean offline;

  @Override
  protected int doCall() throws IOException {
    Datasets.checkName(name);
    Partitioner partitioner = Partitioner.parse(partition);
    LocatedDataset found =
        DataFetchCommand.locate(name, dataDir, null, offline, new ProgressBar(err()));
    DataSplit split = Datasets.read(found, ImageFolderOptions.DEFAULTS);
    Partition p = partitioner.partition(split.train(), clients, seed);
    out().print(p.render());
    out().printf(Locale.ROOT, "%s over %d clients, seed %d: mean label entropy %.2f bits%n",
        p.spec(), p.numClients(), seed, p.meanLabelEntropy());
    if (outFile != null) {
      p.save(outFile);
      out().println("saved " + outFile);
    }
    return 0;
  }
}

package dev.fedge.cli;

import dev.fedge.fleet.AnsibleFormat;
import dev.fedge.fleet.FleetTasks;
import dev.fedge.fleet.HostFacts;
import dev.fedge.fleet.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fedge fleet facts}: what each host is, as a table or JSON. */
@Command(name = "facts", mixinStandardHelpOptions = true,
    description = "Gather facts of every host: device class, architecture, OS, cores, memory,"
        + " CPU temperature, load, free disk, accelerator, Java version ('none' without java).")
public final class FleetFactsCommand extends FleetBaseCommand {

  private static final List<String> HEADER = List.of("HOST", "CLASS", "ARCH", "OS", "CORES",
      "MEM", "MEM FREE", "TEMP", "LOAD", "DISK FREE", "ACCELERATOR", "JAVA");

  @Option(names = "--json",
      description = "Print one JSON object: host name -> facts (or msg and unreachable).")
  boolean json;

  @Option(names = "--java", paramLabel = "CMD", defaultValue = "java",
      description = "The java command on the hosts whose version is reported"
          + " (default: ${DEFAULT-VALUE}).")
  String java;

  @Override
  protected int doCall() throws Exception {
    List<Outcome<HostFacts>> outcomes = runOnHosts(FleetTasks.facts(java));
    if (json) {
      Map<String, Object> all = new LinkedHashMap<>();
      for (Outcome<HostFacts> o : outcomes) {
        if (o.ok()) {
          all.put(o.host().name(), o.value().toMap());
        } else {
          Map<String, Object> failure = new LinkedHashMap<>();
          failure.put("msg", o.message());
          failure.put(o.state() == Outcome.State.UNREACHABLE ? "unreachable" : "failed", true);
          all.put(o.host().name(), failure);
        }
      }
      out().println(AnsibleFormat.json(all));
    } else {
      List<List<String>> rows = new ArrayList<>();
      rows.add(HEADER);
      for (Outcome<HostFacts> o : outcomes) {
        if (o.ok()) {
          HostFacts f = o.value();
          rows.add(List.of(o.host().name(), f.deviceClass(), f.arch(), f.os(),
              Integer.toString(f.cores()), HostFacts.humanBytes(f.memTotalBytes()),
              HostFacts.humanBytes(f.memAvailableBytes()), f.temperatureText(), f.loadText(),
              HostFacts.humanBytes(f.diskFreeBytes()), f.accelerator(), f.javaVersion()));
        }
      }
      if (rows.size() > 1) {
        printTable(rows);
      }
      for (Outcome<HostFacts> o : outcomes) {
        if (!o.ok()) {
          out().println(AnsibleFormat.failure(o));
        }
      }
    }
    out().flush();
    return finish(outcomes);
  }

  private void printTable(List<List<String>> rows) {
    int[] width = new int[HEADER.size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    for (List<String> row : rows) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        sb.append(cell);
        if (i < row.size() - 1) {
          sb.append(" ".repeat(width[i] - cell.length() + 2));
        }
      }
      out().println(sb.toString().stripTrailing());
    }
  }
}

package dev.fedge.web;

import dev.fedge.server.state.ProjectRecord;
import dev.fedge.server.state.ProjectStore;
import dev.fedge.web.view.DeviceInfo;
import dev.fedge.web.view.EventInfo;
import dev.fedge.web.view.RoundInfo;
import dev.fedge.web.view.RunInfo;
import dev.fedge.web.view.ServerView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One project's part of a {@link ServerView}: its runs, its devices, and the events of those (an
 * event of no run and no device, such as an alias change, only the administrator sees: it may be
 * about any project's models). What has no project recorded is {@link ProjectRecord#DEFAULT}'s.
 */
final class ProjectView implements ServerView {

  private final ServerView all;
  private final ProjectStore projects;
  private final String project;

  ProjectView(ServerView all, ProjectStore projects, String project) {
    this.all = all;
    this.projects = projects;
    this.project = project;
  }

  private boolean mine(Map<String, String> owners, String id) {
    return project.equals(owners.getOrDefault(id, ProjectRecord.DEFAULT));
  }

  @Override
  public List<DeviceInfo> devices() {
    Map<String, String> owners = projects.deviceProjects();
    return all.devices().stream().filter(d -> mine(owners, d.id())).toList();
  }

  @Override
  public List<RunInfo> runs() {
    Map<String, String> owners = projects.runProjects();
    return all.runs().stream().filter(r -> mine(owners, r.id())).toList();
  }

  @Override
  public Optional<RunInfo> run(String runId) {
    return mine(projects.runProjects(), runId) ? all.run(runId) : Optional.empty();
  }

  @Override
  public List<RoundInfo> rounds(String runId) {
    return mine(projects.runProjects(), runId) ? all.rounds(runId) : List.of();
  }

  @Override
  public List<dev.fedge.web.view.StepInfo> steps(String runId) {
    return mine(projects.runProjects(), runId) ? all.steps(runId) : List.of();
  }

  private boolean visible(EventInfo e, Map<String, String> runs, Map<String, String> devices) {
    return e.runId() != null ? mine(runs, e.runId())
        : e.clientId() != null ? mine(devices, e.clientId())
        : false; // of no run and no device (e.g. an alias change): the administrator's
  }

  @Override
  public List<EventInfo> events(long afterId, int limit) {
    Map<String, String> runs = projects.runProjects();
    Map<String, String> devices = projects.deviceProjects();
    List<EventInfo> out = new ArrayList<>();
    long after = afterId;
    while (out.size() < limit) {
      List<EventInfo> page = all.events(after, limit);
      if (page.isEmpty()) {
        break;
      }
      for (EventInfo e : page) {
        if (out.size() < limit && visible(e, runs, devices)) {
          out.add(e);
        }
        after = e.id();
      }
    }
    return out;
  }

  @Override
  public List<EventInfo> recentEvents(int limit) {
    // the newest visible events, oldest first: pages walking back from the newest
    Map<String, String> runs = projects.runProjects();
    Map<String, String> devices = projects.deviceProjects();
    List<EventInfo> out = new ArrayList<>();
    long to = all.lastEventId();
    while (to > 0 && out.size() < limit) {
      long from = Math.max(0, to - limit);
      long upTo = to;
      List<EventInfo> page = all.events(from, (int) (to - from)).stream()
          .filter(e -> e.id() <= upTo && visible(e, runs, devices)).toList();
      out.addAll(0, page);
      to = from;
    }
    return out.size() > limit ? new ArrayList<>(out.subList(out.size() - limit, out.size())) : out;
  }

  @Override
  public long lastEventId() {
    return all.lastEventId();
  }
}

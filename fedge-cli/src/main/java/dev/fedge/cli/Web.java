package dev.fedge.cli;

import dev.fedge.server.FederationServer;
import dev.fedge.server.state.ProjectQuota;
import dev.fedge.server.state.ProjectStore;
import dev.fedge.server.state.RunRecord;
import dev.fedge.server.state.RunSpec;
import dev.fedge.web.ApiToken;
import dev.fedge.web.WebServer;
import dev.fedge.web.view.DeviceStatus;
import dev.fedge.web.view.FederationRunControl;
import dev.fedge.web.view.StateDbView;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * The HTTP face of {@code fedge server}: API, dashboard, prediction endpoint and metrics, over the
 * server's own state. Runs go through its {@link FederationRunControl}, so the command's own run
 * can be stopped from the API like any other.
 */
final class Web implements AutoCloseable {

  private final FederationServer server;
  private final StateDbView view;
  private final FederationRunControl control;
  private final WebServer web;
  private final ProjectStore projects;

  private Web(FederationServer server, StateDbView view, FederationRunControl control,
      WebServer web, ProjectStore projects) {
    this.server = server;
    this.projects = projects;
    this.view = view;
    this.control = control;
    this.web = web;
  }

  /** Starts the HTTP face on the command's {@code --http-port}. */
  static Web start(FederationServer server, RunSpec template, ServerCommand cmd,
      Consumer<String> log) throws IOException {
    ApiToken token = ApiToken.resolve(cmd.apiToken, cmd.stateDir);
    StateDbView view =
        new StateDbView(server.state().db(), DeviceStatus.of(server.registry()));
    FederationRunControl control = new FederationRunControl(server, template, view, log);
    ProjectStore projects = ProjectStore.open(server.state().db());
    server.models().setQuota(new ProjectQuota(projects));
    WebServer web;
    try {
      web = WebServer.builder().setView(view).setModelStore(server.models()).setToken(token)
          .optProjects(projects).optRunControl(control).optHost(cmd.bind).optPort(cmd.httpPort)
          .optEvents((kind, message) -> server.state().event(kind, null, null, null, message))
          .optOpenPredict(cmd.openPredict).start();
    } catch (RuntimeException e) {
      control.close();
      view.close();
      projects.close();
      throw new ExitException(ExitException.FAILURE, "cannot start the HTTP API on port "
          + cmd.httpPort + ": " + e.getMessage() + " (use --http-port or --no-http)", e);
    }
    log.accept("dashboard and API on " + web.uri()
        + (token.generated() ? "; login link (shown once): " + web.loginUri()
            : " (token from --api-token or " + cmd.stateDir.resolve(ApiToken.FILE) + ")"));
    return new Web(server, view, control, web, projects);
  }

  /**
   * Runs a run to its end through the run control.
   *
   * @return the run's record when it finished
   * @throws ExitException when it failed or was stopped
   */
  RunRecord runToEnd(RunSpec spec) throws InterruptedException {
    control.start(spec);
    control.awaitRun();
    RunRecord rec = server.state().run(spec.id()).orElseThrow(
        () -> new ExitException(ExitException.FAILURE, "run '" + spec.id() + "' did not start"));
    if (RunRecord.FAILED.equals(rec.status())) {
      throw new ExitException(ExitException.FAILURE,
          "run '" + spec.id() + "' failed (the reason is in the log above and in the events)");
    }
    if (FederationRunControl.STOPPED.equals(rec.status())) {
      throw new ExitException(ExitException.FAILURE,
          "run '" + spec.id() + "' was stopped through the API after round "
              + rec.completedRounds());
    }
    return rec;
  }

  @Override
  public void close() {
    control.close();
    web.close();
    view.close();
    projects.close();
  }
}

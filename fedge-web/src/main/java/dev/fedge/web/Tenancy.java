package dev.fedge.web;

import dev.fedge.server.state.ProjectRecord;
import dev.fedge.server.state.ProjectStore;
import dev.fedge.server.store.ModelKey;
import dev.fedge.web.predict.ModelServing;
import dev.fedge.web.view.ServerView;
import io.javalin.http.Context;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps each project to its own things. {@link #guard} runs before every route: a project
 * token's request for another project's run, device, model or project is answered 404 (as if it
 * did not exist), a viewer's change (POST, PUT, DELETE; predictions are not changes) 403, and a
 * path that no rule here knows 403, so that a new route is the administrator's until it is given
 * a rule. The lists are cut to the caller's project by {@link #view} and {@link #seesModel}.
 */
final class Tenancy {

  private static final Set<String> CHANGES = Set.of("POST", "PUT", "DELETE", "PATCH");
  private static final Pattern PROJECT = Pattern.compile("/api/v1/projects/([^/]+)(/.*)?");
  private static final Pattern DEVICE = Pattern.compile("/api/v1/devices/([^/]+)");
  private static final Pattern RUN = Pattern.compile("/api/v1/runs/([^/]+)(/.*)?");
  private static final Pattern MODEL = Pattern.compile("/api/v1/models/([^/]+)/([^/]+)(/.*)?");
  private static final Pattern GROUP = Pattern.compile("/api/v1/models/([^/]+)");
  private static final Pattern SERVED = Pattern.compile("/v[12]/models/([^/:]+)(:[a-z]+|/.*)?");
  private static final Set<String> OPEN_TO_PROJECTS = Set.of(
      "/api/v1", "/api/v1/projects", "/api/v1/devices", "/api/v1/fleet-profile", "/api/v1/runs",
      "/api/v1/events",
      "/api/v1/models", "/v1/models", "/v2", "/healthz", "/");

  private final ProjectStore projects;
  private final ModelServing serving;

  /**
   * @param projects the projects and their tokens, or null for a server of one project (then only
   *     the administrator's token opens it)
   * @param serving resolves the names of served models
   */
  Tenancy(ProjectStore projects, ModelServing serving) {
    this.projects = projects;
    this.serving = serving;
  }

  /** The projects, or null when there are none. */
  ProjectStore projects() {
    return projects;
  }

  /** The request's caller; the administrator where the route is open and no token was checked. */
  static Caller caller(Context ctx) {
    Caller c = ctx.attribute(Caller.ATTRIBUTE);
    return c == null ? Caller.ADMIN : c;
  }

  /** What the caller sees of the server. */
  ServerView view(Context ctx, ServerView all) {
    Caller c = caller(ctx);
    return c.admin() || projects == null ? all : new ProjectView(all, projects, c.project());
  }

  /** Whether the caller sees a model store {@code group/project}. */
  boolean seesModel(Context ctx, String group, String project) {
    Caller c = caller(ctx);
    if (c.admin() || projects == null) {
      return true;
    }
    return c.sees(projects.modelProjects().getOrDefault(group + "/" + project,
        ProjectRecord.DEFAULT));
  }

  /**
   * Refuses a project token's run whose models would go into a model store project that another
   * project's models are in (its {@code project} setting, or its {@code id}, which is the default).
   *
   * @throws IllegalStateException naming the setting and value
   */
  void checkRun(Context ctx, Map<String, Object> settings) {
    Caller c = caller(ctx);
    if (c.admin() || projects == null) {
      return;
    }
    String key = settings.containsKey("project") ? "project" : "id";
    Object name = settings.get(key);
    if (name == null) {
      return;
    }
    for (ModelKey k : serving.store().list()) {
      if (k.project().equals(name.toString()) && !seesModel(ctx, k.group(), k.project())) {
        throw new IllegalStateException("run setting '" + key + "' is '" + name
            + "', a model store project that another project's models are in: choose another");
      }
    }
  }

  /** Puts a run that the caller just started into the caller's project. */
  void started(Context ctx, String runId) {
    Caller c = caller(ctx);
    if (!c.admin() && projects != null) {
      projects.assignRun(runId, c.project());
    }
  }

  /** The before-handler: see the class comment. */
  void guard(Context ctx) {
    Caller c = ctx.attribute(Caller.ATTRIBUTE);
    if (c == null || c.admin()) {
      return;
    }
    String path = decoded(ctx.path());
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String method = ctx.method().name();
    boolean change = CHANGES.contains(method);
    boolean prediction = path.startsWith("/v1/models/") || path.startsWith("/v2/models/");
    if (change && !prediction && !c.role().canChange()) {
      throw new HttpError(403, "token '" + c.name() + "' of project '" + c.project()
          + "' is a viewer: it may not " + method + " " + path);
    }
    Matcher m;
    if ((m = PROJECT.matcher(path)).matches()) {
      if (!m.group(1).equals(c.project())) {
        throw new NoSuchElementException("no project '" + m.group(1) + "'");
      }
      if (change && c.role() != dev.fedge.server.state.Role.OWNER) {
        throw new HttpError(403, "token '" + c.name() + "' of project '" + c.project()
            + "' is a " + c.role().id() + ": only an owner manages the project's tokens");
      }
    } else if (path.equals("/api/v1/projects") && change) {
      throw new HttpError(403, "only the administrator creates projects");
    } else if ((m = DEVICE.matcher(path)).matches()) {
      if (!owned(projects.deviceProjects(), m.group(1), c)) {
        throw new NoSuchElementException("no device '" + m.group(1) + "'");
      }
    } else if ((m = RUN.matcher(path)).matches()) {
      if (!owned(projects.runProjects(), m.group(1), c)) {
        throw new NoSuchElementException("no run '" + m.group(1) + "'");
      }
    } else if ((m = MODEL.matcher(path)).matches()) {
      if (!seesModel(ctx, m.group(1), m.group(2))) {
        throw new NoSuchElementException("no models for " + m.group(1) + "/" + m.group(2));
      }
    } else if ((m = SERVED.matcher(path)).matches()) {
      ModelKey k;
      try {
        k = serving.resolve(m.group(1));
      } catch (RuntimeException e) {
        return; // no such model at all: the route says so
      }
      if (!seesModel(ctx, k.group(), k.project())) {
        throw new NoSuchElementException("no model named '" + m.group(1) + "'");
      }
    } else if (GROUP.matcher(path).matches() || OPEN_TO_PROJECTS.contains(path)
        || path.startsWith("/assets/") || path.startsWith("/v2/health/")) {
      return; // lists, cut to the caller's project where they are made
    } else if (path.equals("/api/v1/stream")) {
      throw new HttpError(403, "the live stream shows every project's events: a project token"
          + " polls GET /api/v1/events?after={id}");
    } else {
      throw new HttpError(403, path + " is the administrator's: a project token cannot use it");
    }
  }

  /**
   * The path with each segment percent-decoded, as the routes see their parameters, so that an
   * encoded name ({@code %61lpha}) is checked as the name it stands for.
   */
  static String decoded(String raw) {
    String[] parts = raw.split("/", -1);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      String part;
      try {
        part = java.net.URLDecoder.decode(parts[i].replace("+", "%2B"),
            java.nio.charset.StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("path segment '" + parts[i] + "' is not valid"
            + " percent-encoding");
      }
      if (part.contains("/")) {
        throw new IllegalArgumentException("path segment '" + parts[i] + "' must not encode '/'");
      }
      b.append(i == 0 ? "" : "/").append(part);
    }
    return b.toString();
  }

  private static boolean owned(Map<String, String> owners, String id, Caller c) {
    return owners.containsKey(id) && c.sees(owners.get(id));
  }
}

package dev.fedge.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fedge.server.state.EnrollTokenRecord;
import dev.fedge.server.state.IssuedToken;
import dev.fedge.server.state.ProjectRecord;
import dev.fedge.server.state.ProjectStore;
import dev.fedge.server.state.Role;
import dev.fedge.server.state.TokenRecord;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Projects and their tokens under {@code /api/v1/projects}: the administrator creates projects,
 * the administrator or a project's owner issues and revokes its tokens ({@link Tenancy} says who
 * may). A token's secret is in the answer that issues it, and nowhere after.
 */
final class ProjectRoutes {

  private static final String BASE = ApiRoutes.BASE + "/projects";

  private final ProjectStore projects;

  ProjectRoutes(ProjectStore projects) {
    this.projects = projects;
  }

  void register(Javalin app) {
    app.get(BASE, this::list);
    app.post(BASE, this::create);
    app.get(BASE + "/{project}", ctx -> ctx.json(projectJson(project(ctx), true)));
    app.get(BASE + "/{project}/tokens",
        ctx -> ctx.json(projects.tokens(project(ctx).name()).stream()
            .map(ProjectRoutes::tokenJson).toList()));
    app.post(BASE + "/{project}/tokens", this::issue);
    app.delete(BASE + "/{project}/tokens/{name}",
        ctx -> ctx.json(tokenJson(projects.revoke(project(ctx).name(), ctx.pathParam("name")))));
    app.get(BASE + "/{project}/enroll-tokens",
        ctx -> ctx.json(projects.enrollTokens(project(ctx).name()).stream()
            .map(ProjectRoutes::enrollJson).toList()));
    app.post(BASE + "/{project}/enroll-tokens", this::issueEnroll);
    app.delete(BASE + "/{project}/enroll-tokens/{name}",
        ctx -> ctx.json(enrollJson(
            projects.revokeEnrollToken(project(ctx).name(), ctx.pathParam("name")))));
  }

  private void issueEnroll(Context ctx) {
    ProjectRecord p = project(ctx);
    JsonNode body = object(ctx, "{\"name\": \"lab-pis\"}");
    EnrollTokenRecord.Issued t = projects.issueEnrollToken(p.name(), text(body, "name"));
    Map<String, Object> m = enrollJson(t.token());
    m.put("token", t.secret());
    ctx.status(201).json(m);
  }

  static Map<String, Object> enrollJson(EnrollTokenRecord t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("project", t.project());
    m.put("name", t.name());
    m.put("created", t.created().toString());
    m.put("revoked", t.revoked() == null ? null : t.revoked().toString());
    return m;
  }

  private void list(Context ctx) {
    Caller c = Tenancy.caller(ctx);
    ctx.json(projects.projects().stream().filter(p -> c.sees(p.name()))
        .map(p -> projectJson(p, false)).toList());
  }

  private void create(Context ctx) {
    JsonNode body = object(ctx, "{\"name\": \"lab-a\"}");
    String name = text(body, "name");
    long quota = 0;
    if (body.has("quota_bytes")) {
      if (!body.get("quota_bytes").canConvertToLong()) {
        throw new IllegalArgumentException(
            "quota_bytes must be a whole number of bytes, got " + body.get("quota_bytes"));
      }
      quota = body.get("quota_bytes").asLong();
    }
    ProjectRecord p = projects.createProject(name, quota);
    ctx.status(201).header("Location", BASE + "/" + p.name()).json(projectJson(p, false));
  }

  private void issue(Context ctx) {
    ProjectRecord p = project(ctx);
    JsonNode body = object(ctx, "{\"role\": \"member\", \"name\": \"ci\"}");
    Role role = Role.of(text(body, "role"));
    IssuedToken t = projects.issue(p.name(), role, text(body, "name"));
    Map<String, Object> m = tokenJson(t.token());
    m.put("token", t.secret());
    ctx.status(201).json(m);
  }

  private ProjectRecord project(Context ctx) {
    String name = ProjectRecord.checkName(ctx.pathParam("project"));
    return projects.project(name)
        .orElseThrow(() -> new NoSuchElementException("no project '" + name + "'"));
  }

  private static JsonNode object(Context ctx, String example) {
    JsonNode body = ApiRoutes.jsonBody(ctx);
    if (!body.isObject()) {
      throw new IllegalArgumentException("request body must be a JSON object, e.g. " + example);
    }
    return body;
  }

  private static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException(
          "'" + field + "' must be a string, got " + (v == null ? "none" : v.toString()));
    }
    return v.asText();
  }

  private Map<String, Object> projectJson(ProjectRecord p, boolean withTokens) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", p.name());
    m.put("quota_bytes", p.quotaBytes() == 0 ? null : p.quotaBytes());
    m.put("created", p.created().toString());
    if (withTokens) {
      List<Map<String, Object>> tokens =
          projects.tokens(p.name()).stream().map(ProjectRoutes::tokenJson).toList();
      m.put("tokens", tokens);
    }
    return m;
  }

  static Map<String, Object> tokenJson(TokenRecord t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("project", t.project());
    m.put("name", t.name());
    m.put("role", t.role().id());
    m.put("created", t.created().toString());
    m.put("revoked", t.revoked() == null ? null : t.revoked().toString());
    return m;
  }
}

package dev.fedge.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fedge.server.state.EventRecord;
import dev.fedge.server.store.ModelAliases;
import dev.fedge.server.store.ModelKey;
import dev.fedge.web.view.EventSink;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Model aliases through the API: {@code GET /api/v1/models/{group}/{project}/aliases}, {@code PUT
 * .../aliases/{alias}} with {@code {"round": N}}, {@code POST .../aliases/{alias}/rollback} and
 * {@code DELETE .../aliases/{alias}}; every change is recorded as an {@code alias_changed} event.
 * Prediction takes an alias in place of a round ({@code /v1/models/group.project.production}).
 */
final class AliasRoutes {

  private static final String BASE = "/api/v1/models/{group}/{project}/aliases";

  private final ModelAliases aliases;
  private final EventSink events;

  AliasRoutes(ModelAliases aliases, EventSink events) {
    this.aliases = aliases;
    this.events = events;
  }

  void register(Javalin app) {
    app.get(BASE, ctx -> ctx.json(aliases.all(group(ctx), project(ctx))));
    app.put(BASE + "/{alias}", this::set);
    app.post(BASE + "/{alias}/rollback", this::rollback);
    app.delete(BASE + "/{alias}", this::remove);
  }

  private static String group(Context ctx) {
    String g = ctx.pathParam("group");
    ModelKey.checkName("group", g);
    return g;
  }

  private static String project(Context ctx) {
    String p = ctx.pathParam("project");
    ModelKey.checkName("project", p);
    return p;
  }

  private void set(Context ctx) throws IOException {
    JsonNode body = ApiRoutes.jsonBody(ctx);
    JsonNode round = body == null ? null : body.get("round");
    if (round == null || !round.canConvertToInt() || round.asInt() < 0) {
      throw new HttpError(400, "body must be {\"round\": N} with a stored round, got "
          + (body == null ? "nothing" : body.toString()));
    }
    String alias = ctx.pathParam("alias");
    ModelAliases.checkAlias(alias);
    ModelAliases.Change c =
        aliases.set(new ModelKey(group(ctx), project(ctx), round.asInt()), alias);
    answer(ctx, c, c.previous() == null ? "set to round " + c.round()
        : "moved from round " + c.previous() + " to round " + c.round());
  }

  private void rollback(Context ctx) throws IOException {
    ModelAliases.Change c = aliases.rollback(group(ctx), project(ctx), ctx.pathParam("alias"));
    answer(ctx, c, "rolled back from round " + c.previous() + " to round " + c.round());
  }

  private void remove(Context ctx) throws IOException {
    ModelAliases.Change c = aliases.remove(group(ctx), project(ctx), ctx.pathParam("alias"));
    answer(ctx, c, "removed (it named round " + c.previous() + ")");
  }

  private void answer(Context ctx, ModelAliases.Change c, String what) {
    events.record(EventRecord.ALIAS_CHANGED, "alias '" + c.alias() + "' of " + group(ctx) + "/"
        + project(ctx) + " " + what);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("alias", c.alias());
    out.put("round", c.round());
    out.put("previous", c.previous());
    ctx.json(out);
  }
}

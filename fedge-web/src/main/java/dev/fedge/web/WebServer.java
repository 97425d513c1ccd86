package dev.fedge.web;

import dev.fedge.server.store.ModelAliases;
import dev.fedge.server.store.ModelStore;
import dev.fedge.web.metrics.WebMetrics;
import dev.fedge.web.predict.DjlPredictor;
import dev.fedge.web.predict.ModelServing;
import dev.fedge.web.predict.Predictor;
import dev.fedge.web.view.EventSink;
import dev.fedge.web.view.RunControl;
import dev.fedge.web.view.ServerView;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.Map;
import java.util.NoSuchElementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The federation server's face on one HTTP port: the JSON API under {@code /api/v1}, the dashboard
 * at {@code /}, the KServe V1 prediction endpoint under {@code /v1/models} and Prometheus metrics
 * at {@code /metrics}.
 *
 * <pre>{@code
 * try (WebServer web = WebServer.builder()
 *     .setView(view).setModelStore(store).setToken(ApiToken.resolve(null, stateDir))
 *     .optRunControl(control).optPort(8080).start()) {
 *   System.out.println("dashboard: " + web.uri());
 *   ...
 * }
 * }</pre>
 *
 * <p>Everything but {@code /healthz} and the dashboard's static files needs the API token: as
 * {@code Authorization: Bearer <token>}, or as the cookie that the login link {@code
 * /?token=<token>} sets for a browser. {@link Builder#optOpenPredict} leaves {@code /v1/models}
 * open, {@link Builder#optOpenMetrics} leaves {@code /metrics} open.
 */
public final class WebServer implements AutoCloseable {

  /** Name of the browser's session cookie. */
  public static final String COOKIE = "fedge_token";

  private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
  /** Context attribute holding the body limit in bytes, for the routes that read a body. */
  static final String BODY_LIMIT = "fedge.body-limit";

  /**
   * The default body limit: 1024 images of 3x32x32 raw pixels (the largest data set's input at
   * {@code Instances.MAX_INSTANCES}) are 3,145,728 numbers, about 18 MB as JSON at 6 characters a
   * number (by arithmetic, not measured); twice that rounded up.
   */
  public static final long DEFAULT_MAX_REQUEST_BYTES = 40L << 20;

  private final Javalin app;
  private final Builder settings;
  private final LiveUpdates live;
  private final ModelServing serving;
  private final WebMetrics metrics;
  private final Tenancy tenancy;
  private final java.util.List<String> routes = new java.util.concurrent.CopyOnWriteArrayList<>();

  private WebServer(Builder b) {
    this.settings = b;
    this.metrics = b.metrics == null ? new WebMetrics() : b.metrics;
    this.serving =
        new ModelServing(b.store, b.predictor == null ? new DjlPredictor() : b.predictor);
    this.live = new LiveUpdates(b.view, metrics);
    this.tenancy = new Tenancy(b.projects, serving);
    this.app =
        Javalin.create(
            config -> {
              config.showJavalinBanner = false;
              config.jsonMapper(new JavalinJackson(JsonViews.MAPPER, false));
              config.http.disableCompression();
              config.http.maxRequestSize = b.maxRequestBytes;
              config.http.defaultContentType = "application/json";
              config.events(
                  e ->
                      e.handlerAdded(
                          h -> {
                            String m = h.getHttpMethod().name();
                            if (m.equals("GET") || m.equals("POST") || m.equals("PUT")
                                || m.equals("DELETE") || m.equals("PATCH")) {
                              routes.add(m + " " + h.getPath());
                            }
                          }));
            });
    app.before(this::limitBody);
    app.before(this::authorize);
    app.before(tenancy::guard);
    new AliasRoutes(new ModelAliases(b.store), b.events).register(app);
    new ApiRoutes(b.view, b.control, b.store, live, tenancy).register(app);
    if (b.projects != null) {
      new ProjectRoutes(b.projects).register(app);
    }
    new PredictRoutes(serving, metrics, tenancy).register(app);
    new InferenceV2Routes(serving, metrics).register(app);
    routes0();
  }

  /** A builder; view, model store and token are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Every route, as {@code "METHOD /path"}, in the order they were registered. */
  java.util.List<String> routes() {
    return java.util.List.copyOf(routes);
  }

  private void routes0() {
    app.get("/healthz", ctx -> ctx.json(Map.of("status", "ok")));
    app.get("/", this::dashboard);
    app.get("/assets/{file}", Pages::asset);
    app.get(
        "/metrics",
        ctx ->
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
    app.exception(HttpError.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
    app.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
    app.exception(NoSuchElementException.class, (e, ctx) -> error(ctx, 404, e.getMessage()));
    app.exception(
        NoSuchFileException.class, (e, ctx) -> error(ctx, 404, "no such file: " + e.getMessage()));
    app.exception(IllegalStateException.class, (e, ctx) -> error(ctx, 409, e.getMessage()));
    app.exception(UnsupportedOperationException.class, (e, ctx) -> error(ctx, 501, e.getMessage()));
    app.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.warn("{} {} failed", ctx.method(), ctx.path(), e);
          error(ctx, 500, "internal error: " + e);
        });
    app.error(
        404,
        ctx -> {
          if (ctx.attribute("fedge.error") == null) {
            error(ctx, 404, "no such endpoint: " + ctx.method() + " " + ctx.path());
          }
        });
    app.error(
        405,
        ctx -> {
          if (ctx.attribute("fedge.error") == null) {
            error(ctx, 405, "method " + ctx.method() + " is not allowed on " + ctx.path());
          }
        });
  }

  static void error(Context ctx, int status, String message) {
    ctx.attribute("fedge.error", Boolean.TRUE);
    ctx.status(status)
        .contentType("application/json")
        .result(JsonViews.write(JsonViews.error(message == null ? "error " + status : message)));
  }

  /**
   * Refuses a request whose announced body is over the limit before anything reads it; a body
   * without a length (chunked) is cut off at the limit where it is read ({@link ApiRoutes}).
   */
  private void limitBody(Context ctx) {
    ctx.attribute(BODY_LIMIT, settings.maxRequestBytes);
    long length = ctx.req().getContentLengthLong();
    if (length > settings.maxRequestBytes) {
      ctx.header("Connection", "close");
      throw HttpError.tooLarge(length + " bytes", settings.maxRequestBytes);
    }
  }

  private void authorize(Context ctx) {
    String path = ctx.path();
    if (path.equals("/healthz") || path.startsWith("/assets/") || path.equals("/")
        || path.startsWith("/v2/health/")) {
      return; // the dashboard page checks the cookie itself, to show the login form
    }
    if ((path.startsWith("/v1/") || path.startsWith("/v2/")) && settings.openPredict) {
      return;
    }
    if (path.equals("/metrics") && settings.openMetrics) {
      return;
    }
    Caller caller = caller(ctx);
    if (caller != null) {
      ctx.attribute(Caller.ATTRIBUTE, caller);
    } else {
      ctx.header("WWW-Authenticate", "Bearer realm=\"fedge\"");
      throw new HttpError(
          401,
          "missing or wrong API token: send 'Authorization: Bearer <token>' "
              + "(the token is the server's --api-token, or the one it printed at first start and "
              + "keeps in <state-dir>/"
              + ApiToken.FILE
              + ", or a valid project token)");
    }
  }

  private boolean authenticated(Context ctx) {
    return caller(ctx) != null;
  }

  /** Who sent the request: the administrator, a valid project token, or null (nobody known). */
  private Caller caller(Context ctx) {
    String auth = ctx.header("Authorization");
    String presented =
        auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
            ? auth.substring(7).trim()
            : ctx.cookie(COOKIE);
    return caller(presented);
  }

  private Caller caller(String presented) {
    if (settings.token.matches(presented)) {
      return Caller.ADMIN;
    }
    if (settings.projects == null) {
      return null;
    }
    return settings
        .projects
        .authenticate(presented)
        .map(t -> new Caller(t.project(), t.role(), t.name()))
        .orElse(null);
  }

  private void dashboard(Context ctx) {
    String token = ctx.queryParam("token");
    if (token != null) {
      if (caller(token) != null) {
        ctx.header(
            "Set-Cookie",
            COOKIE
                + "="
                + URLEncoder.encode(token, StandardCharsets.UTF_8)
                + "; Path=/; HttpOnly; SameSite=Strict");
        ctx.redirect("/");
        return;
      }
      Pages.page(ctx.status(401), "login.html", "That token is not this server's API token.");
      return;
    }
    if (!authenticated(ctx)) {
      Pages.page(ctx.status(401), "login.html", "");
      return;
    }
    Pages.page(ctx, "index.html", "");
  }

  private WebServer startServer() {
    app.start(settings.host, settings.port);
    live.start(settings.pollInterval);
    return this;
  }

  /** The port it listens on (the real one when 0 was asked for). */
  public int port() {
    return app.port();
  }

  /** The dashboard's address. */
  public URI uri() {
    String host =
        settings.host.equals("0.0.0.0") || settings.host.equals("::") ? "localhost" : settings.host;
    return URI.create(
        "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/");
  }

  /** The dashboard's login link, with the token (print it for the user, once). */
  public URI loginUri() {
    return uri()
        .resolve("/?token=" + URLEncoder.encode(settings.token.value(), StandardCharsets.UTF_8));
  }

  /** The metrics this server exposes, for the transport and coordinator to feed. */
  public WebMetrics metrics() {
    return metrics;
  }

  /** Pushes the server's state to the dashboards now instead of at the next poll. */
  public void stateChanged() {
    live.nudge();
  }

  /** Stops the HTTP server, the live updates and the prediction engine. */
  @Override
  public void close() {
    live.close();
    app.stop();
    serving.close();
  }

  /** Settings of a {@link WebServer}. */
  public static final class Builder {
    private ServerView view;
    private ModelStore store;
    private ApiToken token;
    private dev.fedge.server.state.ProjectStore projects;
    private RunControl control;
    private EventSink events = EventSink.NONE;
    private WebMetrics metrics;
    private Predictor predictor;
    private String host = "0.0.0.0";
    private int port = 8080;
    private boolean openPredict;
    private boolean openMetrics;
    private Duration pollInterval = Duration.ofSeconds(1);
    private long maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;

    private Builder() {}

    /** The server state to show (required). */
    public Builder setView(ServerView view) {
      this.view = view;
      return this;
    }

    /** The model registry to list, download and serve (required). */
    public Builder setModelStore(ModelStore store) {
      this.store = store;
      return this;
    }

    /** The API token (required). */
    public Builder setToken(ApiToken token) {
      this.token = token;
      return this;
    }

    /**
     * Projects and their tokens: each project's tokens see only its runs, models and devices
     * ({@code /api/v1/projects} manages them); without it only the API token opens the server.
     */
    public Builder optProjects(dev.fedge.server.state.ProjectStore projects) {
      this.projects = projects;
      return this;
    }

    /** What starts and stops runs; without it those endpoints answer 501. */
    public Builder optRunControl(RunControl control) {
      this.control = control;
      return this;
    }

    /** Where the API records what it changed (alias changes); nowhere by default. */
    public Builder optEvents(EventSink events) {
      this.events = events == null ? EventSink.NONE : events;
      return this;
    }

    /** Metrics to expose (and to share with the transport); a new set by default. */
    public Builder optMetrics(WebMetrics metrics) {
      this.metrics = metrics;
      return this;
    }

    /** The prediction engine; DJL by default. */
    public Builder optPredictor(Predictor predictor) {
      this.predictor = predictor;
      return this;
    }

    /** Address to listen on; {@code 0.0.0.0} by default. */
    public Builder optHost(String host) {
      this.host = host;
      return this;
    }

    /** Port to listen on, 0 for any free one; 8080 by default. */
    public Builder optPort(int port) {
      this.port = port;
      return this;
    }

    /** Leaves the prediction endpoint open without token ({@code --open-predict}). */
    public Builder optOpenPredict(boolean open) {
      this.openPredict = open;
      return this;
    }

    /** Leaves {@code /metrics} open without token, for a scraper without credentials. */
    public Builder optOpenMetrics(boolean open) {
      this.openMetrics = open;
      return this;
    }

    /** How often the state is polled for the dashboards' live updates; 1 s by default. */
    public Builder optPollInterval(Duration interval) {
      this.pollInterval = interval;
      return this;
    }

    /**
     * Largest request body (prediction requests, run starts); {@link #DEFAULT_MAX_REQUEST_BYTES}
     * (40 MiB) by default. A larger body is answered 413 unread.
     */
    public Builder optMaxRequestBytes(long bytes) {
      this.maxRequestBytes = bytes;
      return this;
    }

    /**
     * Starts the server.
     *
     * @return the running server
     * @throws IllegalArgumentException when a required setting is missing or a value is out of
     *     range, naming it
     */
    public WebServer start() {
      if (view == null) {
        throw new IllegalArgumentException("web server: view is required");
      }
      if (store == null) {
        throw new IllegalArgumentException("web server: model store is required");
      }
      if (token == null) {
        throw new IllegalArgumentException("web server: api token is required");
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("http-port must be 0..65535, got " + port);
      }
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("http host must not be blank, got '" + host + "'");
      }
      if (pollInterval == null || pollInterval.toMillis() < 10) {
        throw new IllegalArgumentException("poll interval must be >= 10 ms, got " + pollInterval);
      }
      if (maxRequestBytes < 1024) {
        throw new IllegalArgumentException(
            "max request bytes must be >= 1024, got " + maxRequestBytes);
      }
      WebServer s = new WebServer(this);
      try {
        return s.startServer();
      } catch (RuntimeException e) {
        s.close();
        throw e;
      }
    }
  }
}

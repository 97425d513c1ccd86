package dev.fedge.web;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

/** The dashboard's pages and static files, from the class path. */
final class Pages {

  private static final String RESOURCES = "/dev/fedge/web/dashboard/";
  private static final Map<String, String> ASSETS =
      Map.of(
          "app.js", "text/javascript; charset=utf-8",
          "app.css", "text/css; charset=utf-8",
          "favicon.svg", "image/svg+xml");
  private static final String CHART_JS = chartJsResource();

  private Pages() {}

  static void page(Context ctx, String name, String message) {
    String html = resourceText(RESOURCES + name).replace("{{message}}", escape(message));
    ctx.contentType("text/html; charset=utf-8").header("Cache-Control", "no-store").result(html);
  }

  static void asset(Context ctx) {
    String file = ctx.pathParam("file");
    String resource;
    String type;
    if (file.equals("chart.umd.js") && CHART_JS != null) {
      resource = CHART_JS;
      type = "text/javascript; charset=utf-8";
    } else if (ASSETS.containsKey(file)) {
      resource = RESOURCES + file;
      type = ASSETS.get(file);
    } else {
      throw new HttpError(404, "no such asset: " + file);
    }
    InputStream in = Pages.class.getResourceAsStream(resource);
    if (in == null) {
      throw new HttpError(404, "asset missing from the class path: " + resource);
    }
    ctx.contentType(type).header("Cache-Control", "no-cache").result(in);
  }

  /** Where chart.js lies in its WebJar, found from the WebJar's own version. */
  private static String chartJsResource() {
    String props = "/META-INF/maven/org.webjars.npm/chart.js/pom.properties";
    try (InputStream in = Pages.class.getResourceAsStream(props)) {
      if (in == null) {
        return null;
      }
      Properties p = new Properties();
      p.load(in);
      return "/META-INF/resources/webjars/chart.js/"
          + p.getProperty("version")
          + "/dist/chart.umd.js";
    } catch (IOException e) {
      return null;
    }
  }

  static String resourceText(String resource) {
    try (InputStream in = Pages.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

}

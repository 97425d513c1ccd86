package dev.fedge.web.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebMetricsTest {

  @Test
  void scrapeHasEveryMetricInPrometheusFormat() {
    WebMetrics m = new WebMetrics();
    m.roundCompleted(Duration.ofMillis(2500));
    m.roundCompleted(Duration.ofMillis(1500));
    m.bytesReceived(1000);
    m.bytesSent(4000);
    m.aggregation(Duration.ofMillis(300));
    m.clientFailed("timeout after PT30S");
    m.connectedClients(Map.of("raspberry-pi", 3, "jetson", 1));

    String s = m.scrape();

    assertTrue(s.contains("# TYPE fedge_rounds_total counter"), s);
    assertTrue(s.contains("fedge_rounds_total 2.0"), s);
    assertTrue(s.contains("fedge_round_duration_seconds_sum 4.0"), s);
    assertTrue(s.contains("fedge_round_duration_seconds_count 2"), s);
    assertTrue(s.contains("fedge_network_received_bytes_total 1000.0"), s);
    assertTrue(s.contains("fedge_network_sent_bytes_total 4000.0"), s);
    assertTrue(s.contains("fedge_aggregation_duration_seconds_sum 0.3"), s);
    assertTrue(s.contains("fedge_client_failures_total{reason=\"timeout\"} 1.0"), s);
    assertTrue(s.contains("fedge_client_failures_total{reason=\"non_finite\"} 0.0"), s);
    assertTrue(s.contains("fedge_connected_clients{device_class=\"raspberry-pi\"} 3.0"), s);
    assertTrue(s.contains("fedge_connected_clients{device_class=\"gpu-desktop\"} 0.0"), s);
  }

  @Test
  void connectedClientsDropToZeroWhenGone() {
    WebMetrics m = new WebMetrics();
    m.connectedClients(Map.of("jetson", 2, "toaster", 1));

    m.connectedClients(Map.of("mac", 1));

    assertEquals(0, m.connected("jetson"));
    assertEquals(0, m.connected("other"));
    assertEquals(1, m.connected("mac"));
  }

  @Test
  void reasonsMapToFewCategories() {
    assertEquals("timeout", WebMetrics.reasonCategory("timeout after PT5M"));
    assertEquals("disconnected", WebMetrics.reasonCategory("device disconnected"));
    assertEquals("disconnected", WebMetrics.reasonCategory("no heartbeat for 10.0 s"));
    assertEquals("non_finite", WebMetrics.reasonCategory("NaN in update at index 3"));
    assertEquals("non_finite", WebMetrics.reasonCategory("update has Inf values"));
    assertEquals("layout", WebMetrics.reasonCategory("layout mismatch: expected 10 tensors"));
    assertEquals("rejected", WebMetrics.reasonCategory("upload SHA-256 mismatch"));
    assertEquals("error", WebMetrics.reasonCategory("IllegalStateException: boom"));
    assertEquals("other", WebMetrics.reasonCategory("information"));
    assertEquals("other", WebMetrics.reasonCategory(null));
  }
}

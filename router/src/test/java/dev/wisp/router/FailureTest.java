package dev.wisp.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Backends that die: retries, 502s, suspect endpoints and the platform being told. */
class FailureTest {
  private TestRouter router;
  private TestBackend alive;
  private TestBackend doomed;

  @BeforeEach
  void setUp() throws Exception {
    router = new TestRouter();
    alive = new TestBackend("alive");
    doomed = new TestBackend("doomed");
    router.define("app", ServiceLimits.DEFAULTS);
  }

  @AfterEach
  void tearDown() {
    router.close();
    alive.close();
    doomed.close();
  }

  @Test
  void killedBackend_idempotentRequestsAreRetriedOnTheOtherEndpoint() throws Exception {
    router.services.setEndpoints("app", List.of(doomed.endpoint(), alive.endpoint()));
    for (int i = 0; i < 6; i++) {
      assertThat(router.get("app", "/").statusCode()).isEqualTo(200); // warm both pools
    }
    doomed.close();
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> r = router.get("app", "/");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("hello from alive");
      HttpResponse<String> put = router.http.send(router.request("app", "/")
          .PUT(HttpRequest.BodyPublishers.ofString("v" + i)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).isEqualTo(200);
    }
    // The refusing endpoint was reported to the platform and is avoided from then on.
    assertThat(router.failures).contains(doomed.endpoint());
    assertThat(router.server.metrics().scrape()).containsPattern(
        "wisp_router_upstream_connect_failures_total\\{instance=\"doomed\",service=\"app\"} [1-9]");
  }

  @Test
  void killedBackend_nonIdempotentRequestGets502() throws Exception {
    router.services.setEndpoints("app", List.of(doomed.endpoint()));
    assertThat(router.get("app", "/").statusCode()).isEqualTo(200);
    doomed.close();
    HttpResponse<String> r = router.http.send(router.request("app", "/")
        .POST(HttpRequest.BodyPublishers.ofString("payload")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).contains("\"error\":\"bad_gateway\"");
    assertThat(router.inFlight("app")).isZero();
  }

  @Test
  void onlyEndpointRefusing_idempotentRequestGets502WithoutWaiting() throws Exception {
    router.services.setEndpoints("app", List.of(doomed.endpoint()));
    doomed.close();
    HttpResponse<String> r = router.get("app", "/");
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(router.failures).containsExactly(doomed.endpoint());
    // Suspect, but the only endpoint: the next request still tries it rather than hanging.
    assertThat(router.get("app", "/").statusCode()).isEqualTo(502);
    assertThat(router.queued("app")).isZero();
  }
}

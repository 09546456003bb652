package dev.tapio.plugin.k8sevents;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapio.plugin.kubernetes.ClosingJdkHttpClientFactory;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which API the receiver reads, from the server's discovery document. */
class EventsApiTest {
  private KubernetesMockServer server;
  private KubernetesClient client;

  private void serve(boolean eventsK8sIo) {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
        new KubernetesMixedDispatcher(responses), false);
    server.init();
    if (eventsK8sIo) {
      server.expect().get().withPath("/apis/events.k8s.io/v1").andReturn(200,
          new APIResourceListBuilder().withGroupVersion("events.k8s.io/v1")
              .addNewResource().withName("events").withKind("Event").withNamespaced(true)
              .withVerbs("create", "delete", "get", "list", "patch", "update", "watch")
              .endResource().build()).always();
    } else {
      server.expect().get().withPath("/apis/events.k8s.io/v1").andReturn(404, "").always();
    }
    client = server.createClient(new ClosingJdkHttpClientFactory());
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  @Test
  void eventsK8sIoIsPreferredWhenServed() {
    serve(true);
    assertEquals(EventsApi.EVENTS_V1, EventsApi.discover(client));
  }

  @Test
  void theCoreApiIsTheFallback() {
    serve(false);
    assertEquals(EventsApi.CORE_V1, EventsApi.discover(client));
  }
}

package dev.tapio.plugin.k8sattributes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.tapio.component.Kind;
import dev.tapio.component.Signal;
import dev.tapio.testkit.TestContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceCacheTest {
  private final TestContext context = new TestContext("k8sattributes", Kind.PROCESSOR,
      Signal.LOGS);
  private final ServiceCache cache = new ServiceCache(context);

  private static Service service(String uid, String name, String... ips) {
    return new ServiceBuilder().withNewMetadata().withUid(uid).withName(name)
        .withNamespace("shop").endMetadata().withNewSpec().withType("ClusterIP")
        .withClusterIPs(ips).endSpec().build();
  }

  @Test
  void anUpdateMovesTheIndexAndADeleteRemovesIt() {
    cache.onService(Extraction.service(service("u1", "cart", "10.96.0.7")));
    cache.onService(Extraction.service(service("u1", "cart", "10.96.0.8")));
    assertNull(cache.byIp("10.96.0.7"));
    assertEquals("cart", cache.byIp("10.96.0.8").attributes()[1]);
    // Another Service took the freed IP: deleting the first leaves it alone.
    cache.onService(Extraction.service(service("u2", "web", "10.96.0.7")));
    cache.onServiceDeleted("u1");
    assertNull(cache.byIp("10.96.0.8"));
    assertEquals("web", cache.byIp("10.96.0.7").attributes()[1]);
    assertEquals(1.0, context.gaugeValue("tapio_k8sattributes_service_table_size"));
  }

  @Test
  void aHeadlessServiceHasNoAddressAndTheSingleClusterIpIsRead() {
    ServiceInfo headless = Extraction.service(service("u3", "db", "None"));
    assertEquals(List.of(), headless.clusterIps());
    Service old = new ServiceBuilder().withNewMetadata().withUid("u4").withName("old")
        .withNamespace("shop").endMetadata().withNewSpec().withClusterIP("10.96.0.9").endSpec()
        .build();
    ServiceInfo s = Extraction.service(old);
    assertEquals(List.of("10.96.0.9"), s.clusterIps());
    cache.onService(s);
    assertSame(s, cache.byIp("10.96.0.9"));
    assertEquals(List.of("k8s.dst.name", "old", "k8s.dst.namespace", "shop", "k8s.dst.type",
        "Service", "k8s.dst.owner.name", "old", "k8s.dst.owner.type", "Service"),
        List.of(s.attributes()));
  }
}

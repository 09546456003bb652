package dev.tapio.plugin.k8sattributes;

import dev.tapio.component.ComponentContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Services the watch delivered, indexed by cluster IP, for resolving the peer of a network
 * record.
 *
 * <p>Threading: {@link #onService} and {@link #onServiceDeleted} by the informer's thread (one
 * writer; synchronized all the same); {@link #byIp} by any number of pipeline threads, without
 * locking or allocating. Published entries are immutable.
 *
 * <p>A deleted Service leaves the index at once: unlike a pod's IP, a cluster IP is not
 * recycled quickly, and a connection to it after the deletion no longer reaches the Service.
 * An index entry is removed only while it still points at the Service that is going.
 */
final class ServiceCache {
  private final Map<String, ServiceInfo> byUid = new ConcurrentHashMap<>();
  private final Map<String, ServiceInfo> byIp = new ConcurrentHashMap<>();

  ServiceCache(ComponentContext context) {
    context.gauge("tapio_k8sattributes_service_table_size", "Services in the peer cache",
        byUid::size);
  }

  /** The Service with this cluster IP, or null. */
  ServiceInfo byIp(String ip) {
    return byIp.get(ip);
  }

  synchronized void onService(ServiceInfo service) {
    ServiceInfo old = byUid.put(service.uid(), service);
    if (old != null) {
      unindex(old);
    }
    for (String ip : service.clusterIps()) {
      byIp.put(ip, service);
    }
  }

  synchronized void onServiceDeleted(String uid) {
    ServiceInfo old = byUid.remove(uid);
    if (old != null) {
      unindex(old);
    }
  }

  private void unindex(ServiceInfo old) {
    for (String ip : old.clusterIps()) {
      byIp.remove(ip, old);
    }
  }
}

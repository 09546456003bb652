package dev.tapio.plugin.k8sevents;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The API the events are read from. {@code events.k8s.io/v1} is the one Kubernetes maintains
 * (since 1.19; the core {@code v1} Event is kept for compatibility), so it is preferred when
 * the server serves it; the core API is the fallback. Both are views of the same stored
 * objects, with the same uids and resource versions, so a checkpoint taken through one
 * resumes through the other.
 */
enum EventsApi {
  EVENTS_V1("events.k8s.io/v1"),
  CORE_V1("v1");

  /** Objects per list request; a cluster can hold tens of thousands of events. */
  private static final long PAGE = 500;

  private final String apiVersion;

  EventsApi(String apiVersion) {
    this.apiVersion = apiVersion;
  }

  String apiVersion() {
    return apiVersion;
  }

  /**
   * {@code events.k8s.io/v1} when the server's discovery lists it, else the core API.
   * Discovery is open to every authenticated client (the {@code system:discovery} role).
   *
   * @throws RuntimeException when the server cannot be asked
   */
  static EventsApi discover(KubernetesClient client) {
    return client.supports(EVENTS_V1.apiVersion, "Event") ? EVENTS_V1 : CORE_V1;
  }

  /** The events of {@code namespace} ("" = all) now, and the list's resource version. */
  Listing list(KubernetesClient client, String namespace) {
    return switch (this) {
      case EVENTS_V1 -> list(scope(client.events().v1().events(), namespace), KubeEvent::of);
      case CORE_V1 -> list(scope(client.v1().events(), namespace), KubeEvent::of);
    };
  }

  /**
   * Watches {@code namespace} ("" = all) from {@code resourceVersion}, with bookmarks, so a
   * quiet namespace's resource version still advances. fabric8 reconnects a dropped watch by
   * itself from the last resource version it saw; {@code onClose} hears only of what it
   * cannot recover from ({@code 410 Gone}, a failure it gives up on).
   */
  Watch watch(KubernetesClient client, String namespace, String resourceVersion,
      Listener listener) {
    ListOptions options = new ListOptionsBuilder().withResourceVersion(resourceVersion)
        .withAllowWatchBookmarks(true).build();
    return switch (this) {
      case EVENTS_V1 -> scope(client.events().v1().events(), namespace)
          .watch(options, watcher(listener, KubeEvent::of));
      case CORE_V1 -> scope(client.v1().events(), namespace)
          .watch(options, watcher(listener, KubeEvent::of));
    };
  }

  private static <T extends HasMetadata, L extends KubernetesResourceList<T>>
      FilterWatchListDeletable<T, L, ?> scope(MixedOperation<T, L, ?> events, String namespace) {
    return namespace.isEmpty() ? events.inAnyNamespace() : events.inNamespace(namespace);
  }

  private static <T extends HasMetadata, L extends KubernetesResourceList<T>> Listing list(
      FilterWatchListDeletable<T, L, ?> events, Function<T, KubeEvent> convert) {
    List<KubeEvent> items = new ArrayList<>();
    String resourceVersion = null;
    String next = null;
    do {
      L page = events.list(new ListOptionsBuilder().withLimit(PAGE).withContinue(next).build());
      if (resourceVersion == null) {
        // The pages of one list are one snapshot: the first page's version is the list's.
        resourceVersion = page.getMetadata() == null ? null
            : page.getMetadata().getResourceVersion();
      }
      for (T item : page.getItems()) {
        items.add(convert.apply(item));
      }
      next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
    } while (next != null && !next.isEmpty());
    return new Listing(items, resourceVersion == null ? "" : resourceVersion);
  }

  private static <T> Watcher<T> watcher(Listener listener, Function<T, KubeEvent> convert) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, T resource) {
        listener.received(action, convert.apply(resource));
      }

      @Override
      public void onClose(WatcherException cause) {
        listener.closed(cause);
      }

      @Override
      public void onClose() {
        // Closed by the receiver itself.
      }
    };
  }

  /** A list's events and its resource version ("" when the server gave none). */
  record Listing(List<KubeEvent> items, String resourceVersion) {}

  /** Where one watch's notifications go, on fabric8's thread for that watch. */
  interface Listener {
    void received(Watcher.Action action, KubeEvent event);

    void closed(WatcherException cause);
  }
}

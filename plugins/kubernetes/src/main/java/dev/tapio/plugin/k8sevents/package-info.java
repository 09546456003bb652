/**
 * The {@code k8s_events} receiver: Kubernetes Events as log records, with the OpenTelemetry
 * Collector's k8seventsreceiver keys, attribute names and mapping, from a list+watch of the API
 * server that, unlike the Collector's without a storage extension, resumes where it stopped
 * without sending anything twice.
 *
 * <h2>Configuration</h2>
 *
 * <pre>{@code
 * receivers:
 *   k8s_events:
 *     auth_type: serviceAccount      # serviceAccount | kubeConfig | none
 *     namespaces: [default, shop]    # default: every namespace
 *     storage: file_storage          # optional: resume across restarts
 * extensions:
 *   file_storage: {directory: /var/lib/tapio}
 * service:
 *   extensions: [file_storage]
 *   pipelines:
 *     logs: {receivers: [k8s_events], exporters: [otlp]}
 * }</pre>
 *
 * <ul>
 *   <li>{@code auth_type} (default {@code serviceAccount}): as for {@code k8sattributes}:
 *       {@code serviceAccount} in a pod (fails the start outside one), {@code kubeConfig} the
 *       current context of {@code KUBECONFIG} or {@code ~/.kube/config}, {@code none} no
 *       credentials to {@code KUBERNETES_MASTER}. Case-insensitive; another value is an error
 *       naming the valid ones.
 *   <li>{@code namespaces} (default: all): a list of namespace names, one watch each; empty or
 *       absent, one watch of every namespace. A value that is not a list of strings, a name
 *       that is not a namespace name, or a name listed twice is an error at its position.
 *   <li>{@code storage} (default none; the Collector has the same key): the id of a storage
 *       extension ({@code file_storage}) whose directory keeps, per watch, the resource version
 *       up to which everything was handed on (file
 *       {@code <directory>/k8s_events_<name>_logs/resource-versions}, replaced whole by a
 *       rename at each delivered batch, forced to disk when the extension's {@code fsync} is
 *       on). The extension must be listed under {@code service.extensions}; otherwise the start
 *       fails saying so.
 * </ul>
 *
 * <p>Not supported yet (refused with what to do instead; the plugin's README lists them): the
 * Collector's {@code context}, {@code kube_api_qps}, {@code kube_api_burst},
 * {@code dedup_interval} and {@code k8s_leader_elector}.
 *
 * <h2>Records</h2>
 *
 * <p>One resource per event, one record in it, scope {@code dev.tapio.k8sevents}; the
 * Collector's mapping, field by field:
 *
 * <table>
 *   <caption>Event fields to attributes</caption>
 *   <tr><th>attribute</th><th>from (core v1 / events.k8s.io/v1)</th></tr>
 *   <tr><td>resource {@code k8s.node.name}</td><td>{@code source.host} /
 *       {@code deprecatedSource.host}</td></tr>
 *   <tr><td>resource {@code k8s.object.kind}, {@code .name}, {@code .uid},
 *       {@code .fieldpath}, {@code .api_version}, {@code .resource_version}</td>
 *       <td>{@code involvedObject} / {@code regarding}</td></tr>
 *   <tr><td>{@code k8s.event.reason}, {@code k8s.event.action}</td>
 *       <td>{@code reason}, {@code action}</td></tr>
 *   <tr><td>{@code k8s.event.name}, {@code k8s.event.uid}</td>
 *       <td>{@code metadata.name}, {@code metadata.uid}</td></tr>
 *   <tr><td>{@code k8s.event.start_time}</td><td>{@code metadata.creationTimestamp} as Go
 *       prints it, e.g. {@code 2026-12-07 04:00:00 +0000 UTC} (the Collector's text when it
 *       runs in UTC, as containers do); Go's zero time when absent</td></tr>
 *   <tr><td>{@code k8s.namespace.name}</td><td>the namespace of the object the event is about
 *       (as the Collector; the event's own namespace is the same for namespaced
 *       objects)</td></tr>
 *   <tr><td>{@code k8s.event.count} (integer, only when not 0)</td><td>{@code count} /
 *       {@code deprecatedCount}</td></tr>
 * </table>
 *
 * <p>Body: {@code message} / {@code note}. Severity: {@code type} {@code Normal} → INFO,
 * {@code Warning} → WARN (and, as the Collector, {@code Error} → ERROR, {@code Critical} →
 * FATAL), case-insensitive, with the type as severity text; another type leaves both unset.
 * Time: {@code eventTime}, else {@code lastTimestamp}, else {@code firstTimestamp}; the
 * observed time is not set, as in the Collector. Empty fields are written as empty strings,
 * as the Collector writes Go's zero values. Events created through {@code events.k8s.io}
 * (the scheduler's, for instance) carry their count in {@code series.count} and the reporting
 * node in {@code reportingInstance}: the Collector reads neither, and neither does Tapio, so a
 * dashboard built on the Collector's records reads Tapio's the same way.
 *
 * <h2>Which API</h2>
 *
 * <p>{@code events.k8s.io/v1} when the server's discovery lists it (every Kubernetes since
 * 1.19), else the core {@code v1} Events; the Collector reads core {@code v1}. Both are views of
 * the same stored objects (same uid, same resource version), so the records are the same and a
 * checkpoint taken through one resumes through the other. The one reached for is logged at
 * start.
 *
 * <h2>What is sent, and when it is sent again</h2>
 *
 * <ul>
 *   <li>Added and updated events are sent, each change once: an event whose count goes from 1
 *       to 2 gives a second record, as in the Collector. Deleted events are not sent (the
 *       Collector does not either; Kubernetes deletes events when their time to live, one hour
 *       by default, ends).
 *   <li>Events that exist when the receiver first starts are not sent (the Collector does not
 *       send the initial state).
 *   <li>Each watch keeps a watermark: the resource version up to which every change was handed
 *       on or skipped; a notification at or below it is skipped as a duplicate, whatever
 *       replays it (fabric8's reconnection after a dropped connection, a proxy, a re-list).
 *       Resource versions are compared as numbers, as the Collector's checkpoints compare
 *       them: every etcd-backed API server hands out etcd's growing revision.
 *   <li>A watch the server expires ({@code 410 Gone}: its history no longer reaches the
 *       watermark) is replaced by a new list, of which only the events above the watermark
 *       are sent, in resource version order, then a watch from the list. What changed in
 *       between and is no longer listed cannot be recovered: an event created and deleted
 *       meanwhile, the intermediate counts of an event updated several times (one record with
 *       the last count). Each such re-list counts one
 *       {@code tapio_k8s_events_resume_gaps{reason="expired"}}; a resource version that is not
 *       a number cannot be compared, and its re-list sends nothing and counts
 *       {@code reason="opaque_resource_version"}.
 *   <li>With {@code storage}, the watermark survives restarts: the next run watches from it,
 *       so what happened while Tapio was down is sent, and what was sent is not sent again.
 *       Without it, each start is a first start, and, as in the Collector, an event whose time
 *       is before the receiver started is skipped
 *       ({@code tapio_k8s_events_skipped{reason="before_start"}}); with it, the watermark alone decides.
 *   <li>A batch is checkpointed once the next consumer accepted it; a batch still refused
 *       (retryably) at shutdown is counted as dropped ({@code shutdown}) and, with
 *       {@code storage}, sent by the next run, since the watermark stayed before it. A crash
 *       between acceptance and the checkpoint write sends that batch again: at least once.
 * </ul>
 *
 * <h2>RBAC</h2>
 *
 * <pre>{@code
 * apiVersion: rbac.authorization.k8s.io/v1
 * kind: ClusterRole      # a Role per namespace when namespaces are listed
 * metadata: {name: tapio-k8s-events}
 * rules:
 *   - apiGroups: [""]
 *     resources: [events]
 *     verbs: [list, watch]
 *   - apiGroups: [events.k8s.io]
 *     resources: [events]
 *     verbs: [list, watch]
 * }</pre>
 *
 * <p>Only {@code list} and {@code watch}: no {@code get}. Both groups are granted so that the
 * receiver can fall back to the core API; the discovery request that chooses between them is
 * open to every authenticated client ({@code system:discovery}). A missing permission fails
 * the list, which is logged, turns the status degraded and is retried with backoff.
 *
 * <h2>Self-telemetry</h2>
 *
 * <ul>
 *   <li>{@code tapio_k8s_events_received}: notifications received (added, updated, deleted;
 *       and re-listed events above the watermark). Each ends in exactly one of:
 *   <li>{@code tapio_k8s_events_emitted}: records accepted by the next consumer;
 *   <li>{@code tapio_k8s_events_skipped{reason}}: {@code duplicate} (at or below the
 *       watermark), {@code deleted}, {@code before_start} (without storage),
 *       {@code unknown_action};
 *   <li>the engine's drop counter: {@code refused} (refused permanently, or a consumer failing
 *       otherwise), {@code shutdown} (still refused retryably when stopping).
 *   <li>{@code tapio_k8s_events_watch_errors{reason}}: {@code gone} (410 from the server),
 *       {@code closed} (fabric8 gave up on a watch: reopened from the watermark without a
 *       list), {@code list_failed} (a list or watch request failed: unreachable server,
 *       credentials, RBAC), {@code discovery_failed};
 *       {@code tapio_k8s_events_watch_restarts}: watches opened again;
 *       {@code tapio_k8s_events_resume_gaps{reason}} (above);
 *       {@code tapio_k8s_events_checkpoint_failures}: watermark writes that failed (a restart
 *       would send again what came after the last stored one).
 * </ul>
 *
 * <p>Status: {@code ok} once every watch is open; a failed list or watch turns it
 * {@code degraded} with the cause, and it is retried with backoff (100 ms doubling to 30 s;
 * fabric8 first retries a failed request itself). A retryable refusal downstream is retried
 * with the same batch and the same backoff, which holds the watch streams back (the queue
 * between them and the receiver's thread holds 1024 notifications).
 *
 * <h2>Behaviour</h2>
 *
 * <p>Signal: logs. One thread per receiver, {@code tapio-k8s-events-<id>}; fabric8's watch
 * threads only queue notifications. Run one replica (a Deployment of one): each replica sends
 * every event.
 */
package dev.tapio.plugin.k8sevents;

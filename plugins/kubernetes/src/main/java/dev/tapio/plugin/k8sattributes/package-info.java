/**
 * The {@code k8sattributes} processor: puts on each resource (or record) the attributes of the
 * Kubernetes pod it came from (namespace, pod, owner workloads, node, container, image, chosen
 * labels and annotations), from a cache of pods the processor lists and watches on the API
 * server, with the OpenTelemetry Collector's keys, defaults and attribute names where they
 * apply; optionally completed by the node's container runtime (see
 * <a href="#cri">Container runtime</a>).
 *
 * <h2>Configuration</h2>
 *
 * <pre>{@code
 * processors:
 *   k8sattributes:
 *     auth_type: serviceAccount          # serviceAccount | kubeConfig | none
 *     filter:
 *       node_from_env_var: K8S_NODE_NAME # a DaemonSet watches only its node's pods
 *       node: ""                         # or a node named here
 *       namespace: ""                    # one namespace, or all
 *     exclude:
 *       pods: [{name: jaeger-agent}, {name: jaeger-collector}]  # the default
 *     extract:
 *       metadata:                        # the Collector's defaults:
 *         - k8s.namespace.name
 *         - k8s.pod.name
 *         - k8s.pod.uid
 *         - k8s.pod.start_time
 *         - k8s.deployment.name
 *         - k8s.node.name
 *         - container.image.name
 *         - container.image.tag
 *       labels:
 *         - tag_name: app                # default k8s.pod.labels.<key>
 *           key: app.kubernetes.io/name
 *           from: pod                    # pod | namespace
 *       annotations:
 *         - tag_name: owner.$1
 *           key_regex: owner/(.*)
 *       peer:                            # Tapio's: who is at network.peer.address
 *         enabled: false
 *         from: [pod, service]
 *     pod_association:
 *       - sources: [{from: resource_attribute, name: container.id}]
 *       - sources: [{from: resource_attribute, name: k8s.pod.uid}]
 *       - sources: [{from: resource_attribute, name: k8s.pod.ip}]
 *     wait_for_metadata: false
 *     wait_for_metadata_timeout: 10s
 *     pod_delete_grace_period: 2m
 *     cri:                               # Tapio's; off unless present
 *       endpoint: unix:///run/containerd/containerd.sock  # default: the first that exists
 *       timeout: 2s
 *       resync_interval: 30s
 *       cache_size: 10000
 *       negative_ttl: 5s
 * }</pre>
 *
 * <ul>
 *   <li>{@code auth_type} (default {@code serviceAccount}): {@code serviceAccount} is the
 *       in-cluster configuration (the pod's service account token and CA, the API server at
 *       {@code KUBERNETES_SERVICE_HOST:KUBERNETES_SERVICE_PORT}; the start fails when those are
 *       not set), through fabric8's auto-configuration, which re-reads the rotated token;
 *       {@code kubeConfig} reads the current context of the first file in {@code KUBECONFIG},
 *       else {@code ~/.kube/config}; {@code none} sends no credentials, to the server named by
 *       {@code KUBERNETES_MASTER} (tests, a local proxy). Case-insensitive.
 *   <li>{@code passthrough} (the Collector's, default {@code false}): {@code true} watches
 *       nothing and only puts the address each batch came from (the OTLP receiver's client,
 *       see {@code TelemetryData.clientAddress}) on every resource that has no
 *       {@code k8s.pod.ip}, for a gateway's processor to resolve: an agent in front of a
 *       gateway that needs no API access.
 *   <li>{@code filter.node_from_env_var} (default none): the variable holding the node's name,
 *       filled from the downward API ({@code spec.nodeName}); the list and watch requests for
 *       pods then carry the field selector {@code spec.nodeName=<node>}, so a DaemonSet holds
 *       only its node's pods. Named but unset or empty, it fails the start.
 *   <li>{@code filter.node} (default none): the same with the node's name written here;
 *       {@code node_from_env_var} wins when both are set, as in the Collector.
 *   <li>{@code exclude.pods} (default {@code jaeger-agent}, {@code jaeger-collector}, as in the
 *       Collector): pods whose name one {@code name} pattern finds (anywhere in the name, as
 *       Go's {@code MatchString}; anchor with {@code ^…$}) are not cached; {@code []} excludes
 *       none.
 *   <li>{@code filter.namespace} (default all): watch pods, ReplicaSets (and the namespace
 *       object) of that namespace only.
 *   <li>{@code extract.metadata} (default above, the attributes the Collector enables): any of
 *       {@code k8s.namespace.name, k8s.pod.name, k8s.pod.uid, k8s.pod.start_time,
 *       k8s.deployment.name, k8s.replicaset.name, k8s.statefulset.name, k8s.daemonset.name,
 *       k8s.job.name, k8s.cronjob.name, k8s.node.name, k8s.container.name,
 *       container.image.name, container.image.tag}; others are errors at the name. An empty
 *       list extracts no metadata.
 *   <li>{@code extract.labels}, {@code extract.annotations}: rules, each with exactly one of
 *       {@code key} (that label's value) and {@code key_regex} (every key the pattern matches
 *       in full); {@code tag_name} is the attribute's name, where {@code $1}… stand for the
 *       pattern's groups; without it, {@code k8s.<pod|namespace>.<labels|annotations>.<key>}.
 *       {@code from} (default {@code pod}): {@code pod} or {@code namespace} (then namespaces
 *       are watched too). The Collector's {@code from: node} is an unknown value; its
 *       {@code otel_annotations}, {@code filter.labels} and {@code filter.fields} are refused
 *       as not supported yet, with what to do instead (the plugin's README lists them).
 *   <li>{@code extract.peer} (Tapio's key): {@code enabled} (default {@code false}) turns on
 *       the resolution of a record's peer (see <a href="#peers">Peers</a>); {@code from}
 *       (default {@code [pod, service]}, when enabled not empty) what an address may resolve
 *       to. Off by default because {@code service} needs list and watch on Services, a
 *       permission a deployment made for the Collector's processor does not grant (its watch
 *       would fail and turn the status degraded); {@code from: [pod]} needs no new permission.
 *   <li>{@code pod_association}: how a resource or record names its pod, tried in order; the
 *       first entry whose attribute is present decides (a miss does not fall through, as in
 *       the Collector). Each entry has exactly one source: {@code from: resource_attribute}
 *       with {@code name} {@code k8s.pod.uid}, {@code k8s.pod.ip} or {@code container.id} (with
 *       or without its {@code containerd://}-style prefix); or {@code from: connection}: the
 *       IP address the OTLP receiver saw the batch come from, looked up as a pod IP and, when
 *       it matches, put on the resource as {@code k8s.pod.ip} (as the Collector does). A batch
 *       that mixes clients (the {@code batch} processor merged them) has no address: put
 *       k8sattributes before {@code batch}. eBPF records have none either (a record's
 *       {@code network.peer.address} is the other end of the connection it describes: see
 *       {@code extract.peer}).
 *       Default: the Collector's ({@code k8s.pod.ip}, then the connection) with
 *       {@code k8s.pod.uid} and {@code container.id} added after {@code k8s.pod.ip}, since
 *       Tapio's eBPF records carry those; for data that has neither the result is the
 *       Collector's.
 *   <li>{@code wait_for_metadata} (default {@code false}) and
 *       {@code wait_for_metadata_timeout} (default {@code 10s}): as in the Collector, the
 *       start waits for the first list of pods (and ReplicaSets, namespaces, Services) and
 *       fails when it does not finish in time. In Tapio it also makes a record whose pod is
 *       not yet cached wait for it, as Kubernetes reports a container's id seconds after the
 *       container started: one batch waits at most the timeout in all, and an identifier
 *       still unknown then is not waited for again (the last 4096 such identifiers are remembered).
 *   <li>{@code pod_delete_grace_period} (Tapio's key, default {@code 2m}, 0 or more): how long
 *       a deleted pod stays findable, so that late records still resolve. The Collector has
 *       the same two minutes, fixed.
 *   <li>{@code cri} (Tapio's key; off when absent, on when present, {@code cri: {}} included,
 *       unless {@code enabled: false}): ask the node's container runtime, see
 *       <a href="#cri">Container runtime</a>. {@code endpoint}: {@code unix:///path} or an
 *       absolute path (anything else is an error at the key); default the first of
 *       {@code /run/containerd/containerd.sock}, {@code /run/crio/crio.sock} that exists,
 *       looked for again at every re-list while none does. {@code timeout} (default
 *       {@code 2s}, more than 0): the deadline of each request. {@code resync_interval}
 *       (default {@code 30s}, more than 0): how often containers and sandboxes are listed
 *       again. {@code cache_size} (default 10000, 1 or more): containers remembered at most
 *       (the one learned longest ago goes first). {@code negative_ttl} (default {@code 5s}, 0
 *       or more): how long an id the runtime does not know, or whose request failed, is not
 *       asked about again.
 * </ul>
 *
 * <h2>Where attributes go</h2>
 *
 * <p>A resource whose attributes identify a pod gets the pod's attributes. Otherwise, for logs
 * and traces, each record is looked at with the same rules over its own attributes (Tapio's
 * eBPF receivers put {@code container.id}, {@code k8s.pod.uid} and process attributes on the
 * log record): when every record of the resource resolves to the same pod and container, the
 * attributes go on the resource, once; otherwise each record that resolves gets its pod's
 * attributes. Metric data points are not looked at (their attributes are time-series
 * dimensions). Container attributes ({@code k8s.container.name}, {@code container.image.*})
 * are added when the resource or record names the container by {@code container.id} or
 * {@code k8s.container.name}. An attribute already present with a non-empty value is kept, as
 * the Collector keeps it.
 *
 * <h2 id="peers">Peers</h2>
 *
 * <p>With {@code extract.peer.enabled}, every log record and span carrying
 * {@code network.peer.address} (Tapio's eBPF {@code network.connection.*} and DNS records) gets
 * the identity of what is at that address, on the record, beside its own pod's attributes:
 * the pod with that IP (not a {@code hostNetwork} pod, whose IP is its node's), else the
 * Service with that cluster IP ({@code spec.clusterIPs}, either family; a headless Service has
 * none, and its endpoints' addresses resolve to their pods). Addresses compare as text: the
 * network receiver writes IPv4-mapped addresses as IPv4 and IPv6 in RFC 5952 form, as the API
 * server does. The names are those Grafana Beyla
 * (OpenTelemetry eBPF Instrumentation) gives the destination of a network flow, so dashboards
 * written for those work on Tapio's records:
 *
 * <ul>
 *   <li>{@code k8s.dst.name}, {@code k8s.dst.namespace}: the pod's or Service's;
 *   <li>{@code k8s.dst.type}: {@code Pod} or {@code Service};
 *   <li>{@code k8s.dst.owner.name}, {@code k8s.dst.owner.type}: a pod's top owner, as
 *       Beyla reports it: the Deployment of its ReplicaSet (from the watched ReplicaSet, as
 *       for {@code k8s.deployment.name}; the ReplicaSet while neither it nor the pod's
 *       {@code pod-template-hash} tells the Deployment), a StatefulSet, DaemonSet, the CronJob
 *       of a Job named {@code <cronjob>-<digits>}, else the Job; the pod itself when it has no
 *       owner. A Service is its own owner;
 *   <li>{@code k8s.dst.node.name}: the pod's node (not for a Service).
 * </ul>
 *
 * <p>An attribute already present with a non-empty value is kept. Metric data points are not
 * looked at. The name is {@code dst} whatever the direction of the connection: it is the
 * other end seen from the record's own pod. The pods looked in are those the processor
 * watches: with {@code filter.node} only that node's pods resolve as peers (Services are
 * watched on every node; the configuration warns), with {@code filter.namespace} only that
 * namespace's pods and Services; {@code exclude.pods} excludes peers too. To name peers on
 * other nodes without every agent caching every pod, enable {@code extract.peer} on the
 * gateway's k8sattributes as well (no {@code filter.node}): attributes the agent set are kept,
 * and the gateway names what it left unnamed. A deleted pod
 * resolves for its grace period; a deleted Service stops resolving at once (its cluster IP
 * stops routing).
 *
 * <h2 id="cri">Container runtime</h2>
 *
 * <p>The kubelet writes a container's id into the pod's status seconds after the container
 * started; a short-lived process in it is gone by then, and its eBPF records carry a
 * {@code container.id} that no cached pod lists. With {@code cri}, the processor asks the
 * node's container runtime (containerd, CRI-O) through the CRI, the gRPC service
 * {@code runtime.v1.RuntimeService} the kubelet itself uses, on the runtime's unix socket:
 *
 * <ul>
 *   <li>{@code Version} once (logged), then {@code ListPodSandbox} and {@code ListContainers}
 *       at start and every {@code resync_interval}: new containers are learned, removed ones
 *       forgotten. Only containers the kubelet created count: it labels each with
 *       {@code io.kubernetes.pod.uid}, {@code .pod.name}, {@code .pod.namespace} and
 *       {@code io.kubernetes.container.name}; a sandbox's labels are its pod's.
 *   <li>{@code ContainerStatus} (verbose: the runtime's pid, sandbox id and OCI
 *       {@code linux.cgroupsPath}) for a {@code container.id} neither cache knows, and
 *       {@code PodSandboxStatus} for a sandbox not listed yet. These run on the processor's
 *       CRI thread, each with {@code timeout} as deadline; the pipeline thread never waits on
 *       the socket: the record that missed goes on (or, with {@code wait_for_metadata}, waits
 *       as for the API server, and wakes when the answer arrives).
 * </ul>
 *
 * <p>The runtime's answer names the pod's uid; the API cache usually has that pod already
 * (a pod exists from scheduling, before its status lists the container), so the record gets
 * everything the pod gives (namespace, owners, Deployment, node, labels, annotations), and
 * {@code k8s.container.name} and {@code container.image.*} from the runtime (as far as
 * {@code extract.metadata} asks for them). A pod the API cache does not have (not listed yet,
 * or its watch is failing) gets what the runtime knows: namespace, pod name, uid, the pod's
 * labels through {@code extract.labels} rules, the container's name and image; no owners, node
 * or annotations. {@code exclude.pods} and {@code filter.namespace} apply to the runtime's
 * pods too; the node is the runtime's own.
 *
 * <p>Why off unless configured: the runtime's socket controls every container on the node;
 * using it should be a decision written in the configuration, not a side effect of a socket
 * being mounted, and a Collector user's YAML keeps the Collector's behaviour. The agent's
 * DaemonSet mounts the socket (read-only is enough: connecting to a unix socket is allowed on a
 * read-only mount) and runs as a user the socket lets in (root, or the socket's group):
 *
 * <pre>{@code
 * volumes:
 *   - name: cri
 *     hostPath: {path: /run/containerd/containerd.sock, type: Socket}   # CRI-O: /run/crio/crio.sock
 * containers:
 *   - volumeMounts:
 *       - {name: cri, mountPath: /run/containerd/containerd.sock, readOnly: true}
 * }</pre>
 *
 * <p>A runtime that is down, or a socket that is missing, never fails the pipeline: the
 * failure is counted, logged at warning once per outage, turns the status {@code degraded}
 * (back to {@code ok} when the runtime answers again), and records resolve as without
 * {@code cri}. The client is grpc-java on Netty's epoll transport (in grpc-netty-shaded); the
 * few CRI messages are read and written from {@code api.proto}'s field numbers, without
 * protobuf-java (package {@code dev.tapio.plugin.k8sattributes.cri}).
 *
 * <h2>Owners</h2>
 *
 * <p>{@code k8s.deployment.name} comes from the pod's ReplicaSet's owner reference: ReplicaSets
 * are watched when {@code k8s.deployment.name} is extracted. Until the ReplicaSet is seen, the
 * name is the ReplicaSet's without its {@code -<pod-template-hash>} suffix, when the pod's
 * {@code pod-template-hash} label confirms it. {@code k8s.cronjob.name} is the Job's name
 * without its {@code -<digits>} suffix, as the Collector derives it (Jobs are not watched).
 * StatefulSet, DaemonSet, ReplicaSet and Job names are the pod's owner references.
 *
 * <h2>Cache</h2>
 *
 * <p>fabric8 informers list and watch (re-listing after an expired watch); each Service (with
 * {@code extract.peer}) is stripped to its name, namespace, type, cluster IPs and uid, indexed
 * by cluster IP; each pod is stripped
 * to an immutable entry holding only the extracted values, indexed by uid, IP (except
 * {@code hostNetwork} pods, whose IP is their node's) and container id (init and ephemeral
 * containers included, the runtime prefix removed). A deleted pod stays in the indexes until
 * its grace period ends; an IP another pod took meanwhile points at the new pod. Lookups are
 * hash lookups by the attribute's string: no lock and no allocation per record.
 *
 * <h2>RBAC</h2>
 *
 * <pre>{@code
 * apiVersion: rbac.authorization.k8s.io/v1
 * kind: ClusterRole            # a Role in that namespace when filter.namespace is set
 * metadata: {name: tapio-k8sattributes}
 * rules:
 *   - apiGroups: [""]
 *     resources: [pods]
 *     verbs: [list, watch]
 *   - apiGroups: [apps]
 *     resources: [replicasets]   # when k8s.deployment.name is extracted (the default)
 *     verbs: [list, watch]
 *   - apiGroups: [""]
 *     resources: [namespaces]    # when a label or annotation rule has from: namespace
 *     verbs: [list, watch]
 *   - apiGroups: [""]
 *     resources: [services]      # when extract.peer is enabled with from: service
 *     verbs: [list, watch]
 * }</pre>
 *
 * <p>{@code extract.peer} with {@code from: pod} watches ReplicaSets even when
 * {@code k8s.deployment.name} is not extracted (a peer's owner is its Deployment).
 *
 * <p>Only {@code list} and {@code watch} are used (informers never {@code get}); the
 * Collector's documentation grants {@code get} as well, which does no harm.
 *
 * <h2>Self-telemetry</h2>
 *
 * <p>The Collector's names: {@code otelcol_otelsvc_k8s_pod_added}, {@code _pod_updated},
 * {@code _pod_deleted} (counters) and {@code otelcol_otelsvc_k8s_pod_table_size} (gauge,
 * deleted pods in their grace period included); and
 * {@code tapio_k8sattributes_lookup_miss{source}} counting resources and records whose
 * identifier ({@code source} = {@code k8s.pod.uid}, {@code k8s.pod.ip}, {@code container.id})
 * matched no pod; with {@code extract.peer}, {@code tapio_k8sattributes_peer_lookups{result}}
 * counting records carrying {@code network.peer.address} whose address matched a pod or
 * Service ({@code result="resolved"}) or nothing ({@code "missed"}: outside the cluster, a
 * node, a pod not watched), and {@code tapio_k8sattributes_service_table_size} (gauge). Nothing
 * is dropped: data without a pod passes unchanged.
 *
 * <p>With {@code cri}: {@code tapio_k8sattributes_cri_resolved{pod}} counts resources and
 * records whose container the pod cache missed and the runtime resolved, with the pod from the
 * API cache ({@code pod="api"}) or from the runtime alone ({@code "cri"});
 * {@code tapio_k8sattributes_cri_lookups{result}} counts {@code ContainerStatus} requests
 * ({@code found}, {@code not_found}, {@code error}: timeout, runtime down);
 * {@code tapio_k8sattributes_cri_lists{result}} the re-lists ({@code ok}, {@code error});
 * gauges {@code tapio_k8sattributes_cri_up} (1 while the last request succeeded) and
 * {@code tapio_k8sattributes_cri_container_table_size}.
 *
 * <p>Status: a failed list or watch (unreachable server, credentials, RBAC) is logged at
 * warning and turns the component {@code degraded} on {@code /readyz} with the cause; the
 * informers retry with backoff (fabric8 itself retries a refused request 10 times first), and
 * the status returns to {@code ok} when the first lists finish.
 *
 * <h2>Behaviour</h2>
 *
 * <p>Signals: logs, metrics, traces. Capabilities: mutates (read-only input is copied
 * first). Each pipeline's instance runs its own watches.
 */
package dev.tapio.plugin.k8sattributes;

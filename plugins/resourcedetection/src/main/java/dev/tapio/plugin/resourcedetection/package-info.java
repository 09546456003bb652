/**
 * The {@code resourcedetection} processor: detects attributes of what the process runs on (the
 * environment, the host, the Kubernetes node) once, at start, and puts them on the resource of
 * every batch, with the OpenTelemetry Collector's keys, defaults and attribute values.
 *
 * <h2>Configuration</h2>
 *
 * <pre>{@code
 * processors:
 *   resourcedetection:
 *     detectors: [env]                  # in order: env | system | k8snode
 *     override: true                    # detected values replace a resource's own
 *     timeout: 5s                       # bounds the network lookups of hostname_sources
 *     system:
 *       hostname_sources: [dns, os]     # tried in order: dns | os | lookup
 *       resource_attributes:            # the Collector's defaults:
 *         host.name: {enabled: true}
 *         host.id: {enabled: false}     # /etc/machine-id, else /var/lib/dbus/machine-id
 *         host.arch: {enabled: false}   # amd64, arm64, x86, arm32, ppc64, s390x, …
 *         host.ip: {enabled: false}     # every address of the up, non-loopback interfaces
 *         host.mac: {enabled: false}    # their MAC addresses, e.g. 02-FC-00-00-00-01
 *         os.type: {enabled: true}      # linux
 *         os.description: {enabled: false}
 *     k8snode:
 *       node_from_env_var: K8S_NODE_NAME  # filled by the downward API (spec.nodeName)
 *       resource_attributes:
 *         k8s.node.name: {enabled: true}
 * }</pre>
 *
 * <ul>
 *   <li>{@code detectors} (default {@code [env]}): which detectors run, in order. When two set
 *       the same key, the first one listed wins (list {@code env} first to let
 *       {@code OTEL_RESOURCE_ATTRIBUTES} correct what the host says). Unknown or repeated names
 *       are errors at the name; the Collector's cloud and container detectors ({@code ec2},
 *       {@code gcp}, {@code docker}, …) are not built in, and their sections, the Collector's
 *       HTTP client keys ({@code endpoint}, {@code tls}, …) and {@code k8s_api} (write
 *       {@code k8snode}) are refused as not supported yet (the plugin's README lists them).
 *   <li>{@code override} (default {@code true}): {@code true} puts every detected value on
 *       every resource, replacing the value the resource had for that key; {@code false} adds
 *       only the keys a resource does not have.
 *   <li>{@code timeout} (default {@code 5s}, greater than 0): how long the network lookups of
 *       the {@code dns} and {@code lookup} hostname sources may take, all together; a source
 *       not answered by then counts as failed and the next one is tried. Local reads (files,
 *       variables) are not bounded.
 *   <li>{@code refresh_interval} (the Collector's, default {@code 0}): accepted; another value
 *       loads with a warning, as Tapio detects only at start.
 *   <li>{@code system.hostname_sources} (default {@code [dns, os]}): {@code os} is the
 *       kernel's host name ({@code hostname}); {@code dns} the canonical name the first
 *       {@code /etc/hosts} line naming the host gives (as {@code hostname -f} and the
 *       Collector find it), else what {@code lookup} gives; {@code lookup} the name a reverse
 *       DNS lookup gives for the host name's addresses. The Collector's {@code cname} source is
 *       an error: Java cannot ask the system resolver for a canonical name.
 *   <li>{@code system.resource_attributes} and {@code k8snode.resource_attributes}: which
 *       attributes each detector sets, defaults as in the Collector. The Collector's other
 *       attribute names ({@code host.cpu.*}, {@code host.interface}, {@code os.name},
 *       {@code os.version}, {@code os.build.id}, {@code k8s.node.uid}) are accepted; enabling
 *       one loads with a warning that it is not set. Other names are unknown keys.
 *   <li>{@code k8snode.node_from_env_var} (default {@code K8S_NODE_NAME}): the variable that
 *       holds the node's name. {@code k8snode.auth_type} is accepted and ignored: Tapio does not
 *       call the API server.
 * </ul>
 *
 * <h2>Detectors</h2>
 *
 * <p>{@code env}: the attributes in {@code OTEL_RESOURCE_ATTRIBUTES} (else the Collector's
 * deprecated {@code OTEL_RESOURCE}), as the specification writes them: {@code key=value}
 * entries separated by commas, white space around keys and values ignored, values
 * percent-decoded as UTF-8 ({@code team=a%2Cb} is {@code a,b}; a {@code +} stays a plus, where
 * the Collector's form decoding makes it a space). Empty entries are skipped, the last entry of
 * a key wins. An entry without {@code =}, without a key, with a broken {@code %} escape or with
 * bytes that are not UTF-8 fails the start, naming the entry by position and text.
 *
 * <p>{@code system}: {@code host.name} as above; {@code host.id} the machine id;
 * {@code host.arch} the kernel's machine ({@code uname -m}) in the semantic conventions' names;
 * {@code os.type} {@code linux}; {@code os.description} as the Collector (through the Go SDK)
 * writes it: os-release's {@code NAME VERSION} (else {@code PRETTY_NAME}) followed by
 * {@code uname -snrvm} in parentheses, e.g. {@code Debian GNU/Linux 12 (bookworm) (Linux node-7
 * 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 x86_64)}; {@code host.ip} and
 * {@code host.mac} as lists, IPv6 in RFC 5952 form. The detector declares the schema
 * {@code https://opentelemetry.io/schemas/1.6.1}, as the Collector's does. No hostname source
 * answering fails the start; a missing machine id is a warning and {@code host.id} is left out,
 * as in the Collector.
 *
 * <p>{@code k8snode}: {@code k8s.node.name} from {@code node_from_env_var}, which the pod spec
 * fills from the downward API:
 *
 * <pre>{@code
 * env:
 *   - name: K8S_NODE_NAME
 *     valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
 * }</pre>
 *
 * <p>Unlike the Collector's, this detector does not query the API server: {@code k8s.node.uid}
 * is in no downward API field, so it is never set. And where the Collector fails to start when
 * the variable is unset, Tapio logs it at info and sets nothing, so that one configuration
 * serves a DaemonSet and a plain host.
 *
 * <h2>Behaviour</h2>
 *
 * <p>Signals: logs, metrics, traces. Capabilities: mutates (resources are changed in place;
 * read-only input is copied first). Detection runs in {@code start()}; a detector that fails
 * fails the start, as in the Collector (whose errors are fatal since v0.146.0), with a message
 * naming the detector and the cause. The result is logged at info. The instances the engine
 * creates for each pipeline of one configuration share one detection, as the Collector's
 * processors of one component share a resource provider. Per batch, each resource gets the
 * detected attributes (shared immutable values; nothing is allocated but what an attribute list
 * needs to grow), and the detectors' schema URL when it has none. Nothing is dropped.
 */
package dev.tapio.plugin.resourcedetection;

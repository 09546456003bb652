{{/* Names: <release>-tapio (or fullnameOverride), and per workload <fullname>-<component>. */}}
{{- define "tapio.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tapio.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "tapio.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "tapio.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "tapio.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tapio.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels of one workload: call with (dict "root" $ "component" "agent"). */}}
{{- define "tapio.componentLabels" -}}
{{ include "tapio.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "tapio.componentSelectorLabels" -}}
{{ include "tapio.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "tapio.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "tapio.serviceAccountName" -}}
{{- printf "%s-%s" (include "tapio.fullname" .root) .component -}}
{{- end -}}

{{/* URL of the gateway's OTLP/HTTP port, for agents and the events collector: https when the
     gateway serves TLS. */}}
{{- define "tapio.gatewayEndpoint" -}}
{{- $scheme := .Values.gateway.tls.enabled | ternary "https" "http" -}}
{{- if .Values.agent.gatewayEndpoint -}}
{{- printf "%s://%s" $scheme .Values.agent.gatewayEndpoint -}}
{{- else -}}
{{- printf "%s://%s-gateway.%s.svc.%s:%v" $scheme (include "tapio.fullname" .) .Release.Namespace .Values.clusterDomain .Values.gateway.ports.otlpHttp -}}
{{- end -}}
{{- end -}}

{{/* Where every workload mounts the TLS Secret. */}}
{{- define "tapio.tlsDir" -}}/etc/tapio/tls{{- end -}}

{{/* An OTLP exporter's tls section when the gateway serves TLS: verify it with ca.crt, and
     present tls.crt/tls.key when it requires a client certificate. */}}
{{- define "tapio.clientTls" -}}
{{- $dir := include "tapio.tlsDir" . -}}
{{- $tls := dict "ca_file" (printf "%s/ca.crt" $dir) -}}
{{- if .Values.gateway.tls.requireClientCert -}}
{{- $_ := set $tls "cert_file" (printf "%s/tls.crt" $dir) -}}
{{- $_ := set $tls "key_file" (printf "%s/tls.key" $dir) -}}
{{- end -}}
{{- toYaml $tls -}}
{{- end -}}

{{/* When the gateway serves TLS: the tls section of the config's exporters to it (otlphttp,
     or otlp where a values file chose gRPC). Called with (dict "root" $ "config" $config). */}}
{{- define "tapio.exporterTls" -}}
{{- if .root.Values.gateway.tls.enabled -}}
{{- range $id := list "otlphttp" "otlp" -}}
{{- if hasKey $.config.exporters $id -}}
{{- $_ := set (get $.config.exporters $id) "tls" (include "tapio.clientTls" $.root | fromYaml) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The agent's configuration: agent.config with the presets merged under it. */}}
{{- define "tapio.agentConfig" -}}
{{- $config := deepCopy .Values.agent.config -}}
{{- $preset := dict -}}
{{- if .Values.presets.kubernetesAttributes.enabled -}}
{{- $k8s := dict "auth_type" "serviceAccount" "filter" (dict "node_from_env_var" "K8S_NODE_NAME") -}}
{{- $_ := set $k8s "extract" (dict "metadata" (list "k8s.namespace.name" "k8s.pod.name" "k8s.pod.uid" "k8s.pod.start_time" "k8s.deployment.name" "k8s.node.name" "k8s.container.name" "container.image.name" "container.image.tag")) -}}
{{- if .Values.presets.kubernetesAttributes.peers -}}
{{- $_ := set $k8s.extract "peer" (dict "enabled" true "from" (list "pod" "service")) -}}
{{- end -}}
{{- if .Values.presets.cri.enabled -}}
{{- $_ := set $k8s "cri" (dict "endpoint" (printf "unix://%s" .Values.presets.cri.socket)) -}}
{{- end -}}
{{- $_ := set $preset "processors" (dict "k8sattributes" $k8s) -}}
{{- end -}}
{{- $config = mustMergeOverwrite $preset $config -}}
{{- if not .Values.presets.kubernetesAttributes.enabled -}}
{{- range $id, $pipeline := $config.service.pipelines -}}
{{- if $pipeline.processors -}}
{{- $_ := set $pipeline "processors" (without $pipeline.processors "k8sattributes") -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- include "tapio.exporterTls" (dict "root" . "config" $config) -}}
{{- toYaml $config -}}
{{- end -}}

{{/* The gateway's configuration: gateway.config with TLS and the persistent queue added. */}}
{{- define "tapio.gatewayConfig" -}}
{{- $config := deepCopy .Values.gateway.config -}}
{{- if .Values.gateway.tls.enabled -}}
{{- $dir := include "tapio.tlsDir" . -}}
{{- $server := dict "cert_file" (printf "%s/tls.crt" $dir) "key_file" (printf "%s/tls.key" $dir) -}}
{{- if .Values.gateway.tls.requireClientCert -}}
{{- $_ := set $server "client_ca_file" (printf "%s/ca.crt" $dir) -}}
{{- end -}}
{{- range $protocol, $settings := $config.receivers.otlp.protocols -}}
{{- $_ := set $settings "tls" (deepCopy $server) -}}
{{- end -}}
{{- end -}}
{{- if .Values.gateway.persistence.enabled -}}
{{- $extensions := default dict $config.extensions -}}
{{- $_ := set $extensions "file_storage" (dict "directory" "/var/lib/tapio/queue") -}}
{{- $_ := set $config "extensions" $extensions -}}
{{- $_ := set $config.service "extensions" (append (default list $config.service.extensions) "file_storage" | uniq) -}}
{{- range $id, $exporter := $config.exporters -}}
{{- if hasKey $exporter "sending_queue" -}}
{{- $_ := set $exporter.sending_queue "storage" "file_storage" -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $config -}}
{{- end -}}

{{/* The events collector's configuration. */}}
{{- define "tapio.eventsConfig" -}}
{{- $config := deepCopy .Values.events.config -}}
{{- if .Values.events.namespaces -}}
{{- $_ := set $config.receivers.k8s_events "namespaces" .Values.events.namespaces -}}
{{- end -}}
{{- include "tapio.exporterTls" (dict "root" . "config" $config) -}}
{{- toYaml $config -}}
{{- end -}}

{{/* Environment of every workload: the pod's IP (the addresses Tapio listens on) and the JVM
     options, with the heap a share of the container's memory limit; the agent's add
     jvm.agentOptions. Called with (dict "root" $ "agent" true|false). */}}
{{- define "tapio.commonEnv" -}}
{{- $jvm := .root.Values.jvm -}}
- name: MY_POD_IP
  valueFrom:
    fieldRef: {fieldPath: status.podIP}
- name: JDK_JAVA_OPTIONS
  value: {{ printf "-XX:MaxRAMPercentage=%v %s %s" $jvm.maxRAMPercentage $jvm.options (.agent | ternary ($jvm.agentOptions | default "") "") | trim | quote }}
{{- end -}}

{{/* Probes: alive on the self-telemetry port, ready on the health_check extension's. */}}
{{- define "tapio.probes" -}}
livenessProbe:
  httpGet: {path: /healthz, port: metrics}
  initialDelaySeconds: 10
  periodSeconds: 10
  timeoutSeconds: 5
  failureThreshold: 6
readinessProbe:
  httpGet: {path: /, port: health}
  periodSeconds: 5
  timeoutSeconds: 5
  failureThreshold: 3
startupProbe:
  httpGet: {path: /healthz, port: metrics}
  periodSeconds: 2
  failureThreshold: 60
{{- end -}}

{{/* The restricted Pod Security level's container settings (gateway, events collector). */}}
{{- define "tapio.restrictedContainerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

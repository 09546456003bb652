// Validates every object of rendered manifests against the Kubernetes and prometheus-operator
// schemas (npm kubernetes-models, @kubernetes-models/prometheus-operator), rejecting unknown
// fields, and writes each Tapio ConfigMap's config.yaml to OUT_DIR for `tapio validate`.
//   node check-objects.mjs OUT_DIR FILE.yaml...
// Exit 0: all valid; 1: problems, one per line on stderr.
//
// Pod templates are also held to their Pod Security level: the gateway's and the events
// collector's to `restricted`; the agent's to what the chart promises (not privileged, drop ALL
// and add exactly BPF, PERFMON, SYS_PTRACE, DAC_READ_SEARCH (and AUDIT_READ with hostNetwork), no privilege escalation, read-only
// root filesystem, host paths mounted read-only, no host network or ports).
//
// The packages' validators are compiled JSON schemas without additionalProperties: false (the
// Kubernetes OpenAPI has none), so unknown fields pass them. Each object is therefore validated
// through a Proxy that records which properties the validator reads: a compiled validator reads
// every property its schema declares, and enumerates the keys of maps (labels, data); a
// property of the object that it neither read nor enumerated is not in the schema.
import { readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseAllDocuments } from "yaml";

// The packages' "exports" hide their files from require.resolve: read them by path, from the
// node_modules beside this script (the test copies it into the tools' cache directory).
const modules = join(dirname(fileURLToPath(import.meta.url)), "node_modules");
const [outDir, ...files] = process.argv.slice(2);
const problems = [];

function modelModule(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "monitoring.coreos.com") {
    return `@kubernetes-models/prometheus-operator/${group}/${version}/${kind}.js`;
  }
  return group === "" ? `kubernetes-models/${version}/${kind}.js`
    : `kubernetes-models/${group}/${version}/${kind}.js`;
}

// The compiled schema the model class validates with: the model module imports it.
async function validatorFor(apiVersion, kind) {
  const modelPath = join(modules, modelModule(apiVersion, kind));
  const source = readFileSync(modelPath, "utf8");
  const m = source.match(/import\{validate\}from"(\.[^"]+)"/);
  if (!m) throw new Error(`no schema import in ${modelPath}`);
  return (await import(pathToFileURL(join(dirname(modelPath), m[1])).href)).validate;
}

function tracked(value, path, seen) {
  if (value === null || typeof value !== "object") return value;
  const node = { read: new Set(), enumerated: false, value, path };
  seen.push(node);
  const cache = new Map();
  return new Proxy(value, {
    get(target, key, receiver) {
      if (typeof key === "string") node.read.add(key);
      const v = Reflect.get(target, key, receiver);
      if (typeof key !== "string" || v === null || typeof v !== "object") return v;
      if (!cache.has(key)) cache.set(key, tracked(v, `${path}/${key}`, seen));
      return cache.get(key);
    },
    has(target, key) {
      if (typeof key === "string") node.read.add(key);
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      node.enumerated = true;
      return Reflect.ownKeys(target);
    },
  });
}

for (const file of files) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  for (const doc of docs) {
    if (doc.errors.length) { problems.push(`${file}: ${doc.errors[0].message}`); continue; }
    const obj = doc.toJS();
    if (obj == null) continue;
    const where = `${basename(file)}: ${obj.kind}/${obj.metadata?.name}`;
    let validate;
    try {
      validate = await validatorFor(obj.apiVersion, obj.kind);
    } catch (e) {
      problems.push(`${where}: no schema for ${obj.apiVersion} ${obj.kind} (${e.message})`);
      continue;
    }
    const seen = [];
    if (!validate(tracked(obj, "", seen))) {
      for (const err of validate.errors) {
        problems.push(`${where}: ${err.instancePath || "/"} ${err.keyword} ${JSON.stringify(err.params)}`);
      }
    }
    for (const node of seen) {
      if (node.enumerated || Array.isArray(node.value)) continue;
      for (const key of Object.keys(node.value)) {
        if (!node.read.has(key)) problems.push(`${where}: unknown field ${node.path}/${key}`);
      }
    }
    for (const p of podSecurity(obj)) problems.push(`${where}: ${p}`);
    if (obj.kind === "ConfigMap" && obj.data?.["config.yaml"] && outDir) {
      writeFileSync(join(outDir, `${basename(file, ".yaml")}--${obj.metadata.name}.yaml`),
        obj.data["config.yaml"]);
    }
  }
}
function podSecurity(obj) {
  const spec = obj.spec?.template?.spec;
  const component = obj.spec?.template?.metadata?.labels?.["app.kubernetes.io/component"];
  if (!spec || !component) return [];
  const found = [];
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  // The agent may share the host's network namespace only to read the kernel audit stream,
  // and then holds AUDIT_READ too (agent.auditStream).
  const audit = component === "agent" && spec.hostNetwork === true;
  if ((spec.hostNetwork && !audit) || spec.hostIPC) found.push("host network or IPC namespace");
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    if (sc.privileged) found.push(`${c.name}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) found.push(`${c.name}: privilege escalation not off`);
    if (sc.readOnlyRootFilesystem !== true) found.push(`${c.name}: root filesystem writable`);
    if (JSON.stringify(sc.capabilities?.drop) !== '["ALL"]') found.push(`${c.name}: not drop [ALL]`);
    if ((c.ports ?? []).some((p) => p.hostPort)) found.push(`${c.name}: host port`);
  }
  if (component === "agent") {
    const want = ["BPF", "PERFMON", "SYS_PTRACE", "DAC_READ_SEARCH", ...(audit ? ["AUDIT_READ"] : [])];
    for (const c of containers) {
      const add = c.securityContext?.capabilities?.add ?? [];
      if (JSON.stringify([...add].sort()) !== JSON.stringify([...want].sort())) {
        found.push(`${c.name}: capabilities added ${JSON.stringify(add)}, not ${JSON.stringify(want)}`);
      }
      const hostVolumes = new Set((spec.volumes ?? []).filter((v) => v.hostPath).map((v) => v.name));
      for (const m of c.volumeMounts ?? []) {
        if (hostVolumes.has(m.name) && m.readOnly !== true) found.push(`${c.name}: host path ${m.name} writable`);
      }
    }
    return found;
  }
  // restricted (Kubernetes Pod Security Standards), for the gateway and events collector.
  if (spec.hostPID) found.push("hostPID");
  const allowedVolumes = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
    "persistentVolumeClaim", "projected", "secret"];
  for (const v of spec.volumes ?? []) {
    if (!Object.keys(v).some((k) => allowedVolumes.includes(k))) found.push(`volume ${v.name} type not allowed`);
  }
  const podSc = spec.securityContext ?? {};
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) found.push(`${c.name}: runAsNonRoot not true`);
    if ((sc.runAsUser ?? podSc.runAsUser) === 0) found.push(`${c.name}: runAsUser 0`);
    const seccomp = (sc.seccompProfile ?? podSc.seccompProfile)?.type;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") found.push(`${c.name}: seccomp ${seccomp}`);
    const add = sc.capabilities?.add ?? [];
    if (add.some((a) => a !== "NET_BIND_SERVICE")) found.push(`${c.name}: capabilities added ${add}`);
  }
  return found;
}

for (const p of problems) console.error(p);
console.log(`${files.length} file(s) checked, ${problems.length} problem(s)`);
process.exit(problems.length ? 1 : 0);

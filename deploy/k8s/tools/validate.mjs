// Validates rendered Kubernetes manifests offline (deploy/k8s/validate.sh runs it
// once per rendered kustomization).
//
//   node validate.mjs [--external-secret=NAME]... NAME FILE
//
// FILE holds the multi-document YAML that `kubectl kustomize` printed; NAME is
// what the messages call it. Every object must be of a kind that the
// kubernetes-models package knows (an unknown apiVersion/kind fails) and must
// match that kind's OpenAPI schema, strictly: a field the schema does not
// have (a typo such as `runAsNonroot`) fails too, as `kubectl apply
// --validate=strict` would. Then a few checks across objects and of our own
// conventions: references resolve (Services, PDBs and NetworkPolicies select
// pods, HPAs target a workload, the ConfigMaps and Secrets pods use exist with
// the keys they use, unless named with --external-secret), and every workload
// runs as non-root with a read-only root file system, probes, and resource
// requests and limits.
// Exit status: 0 valid, 1 invalid, 2 bad usage.

import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const args = process.argv.slice(2);
const externalSecrets = new Set();
const positional = [];
for (const arg of args) {
  const m = /^--external-secret=(.+)$/.exec(arg);
  if (m) externalSecrets.add(m[1]);
  else positional.push(arg);
}
if (positional.length !== 2) {
  console.error("usage: node validate.mjs [--external-secret=NAME]... NAME FILE");
  process.exit(2);
}
const [label, file] = positional;
const errors = [];
const fail = (where, message) => errors.push(`${label}: ${where}: ${message}`);

// --- Parsing ---------------------------------------------------------------

const objects = [];
const docs = parseAllDocuments(readFileSync(file, "utf8"));
for (const [i, doc] of docs.entries()) {
  for (const e of doc.errors) fail(`document ${i + 1}`, `YAML: ${e.message}`);
  if (doc.errors.length) continue;
  const obj = doc.toJS();
  if (obj == null) continue;
  if (typeof obj !== "object" || Array.isArray(obj)) {
    fail(`document ${i + 1}`, "not a Kubernetes object (expected a mapping)");
    continue;
  }
  objects.push(obj);
}
if (objects.length === 0 && errors.length === 0) fail("output", "no objects rendered");

const nameOf = (o) => `${o.kind ?? "?"}/${o.metadata?.name ?? "?"}`;

// --- Schema validation -----------------------------------------------------

// The module of kubernetes-models that defines apiVersion/kind, e.g.
// apps/v1 Deployment -> kubernetes-models/apps/v1/Deployment; v1 Service ->
// kubernetes-models/v1/Service.
async function loadModel(apiVersion, kind) {
  if (!/^([a-z0-9.-]+\/)?v[0-9]+((alpha|beta)[0-9]+)?$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) {
    return null;
  }
  try {
    const mod = await import(`kubernetes-models/${apiVersion}/${kind}`);
    const model = mod[kind];
    if (model && model.apiVersion === apiVersion && model.kind === kind) return model;
  } catch (e) {
    if (e.code !== "ERR_PACKAGE_PATH_NOT_EXPORTED" && e.code !== "ERR_MODULE_NOT_FOUND") throw e;
  }
  return null;
}

// Runs the kind's schema validator on a proxy of `obj` that records which
// fields the validator reads. The generated validators read every field their
// schema declares (and every key of a map), so a field left unread is one the
// schema does not have. Returns the schema's errors and the unknown fields.
function validateStrict(model, obj) {
  const read = new WeakMap(); // object -> Set of keys the validator read
  const proxies = new WeakMap();
  const wrap = (value) => {
    if (value === null || typeof value !== "object") return value;
    let p = proxies.get(value);
    if (p) return p;
    const keys = new Set();
    read.set(value, keys);
    p = new Proxy(value, {
      get(target, key, receiver) {
        if (typeof key === "string") keys.add(key);
        return wrap(Reflect.get(target, key, receiver));
      },
      has(target, key) {
        if (typeof key === "string") keys.add(key);
        return Reflect.has(target, key);
      },
      getOwnPropertyDescriptor(target, key) {
        if (typeof key === "string") keys.add(key);
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
    });
    proxies.set(value, p);
    return p;
  };
  let schemaError = null;
  try {
    model.prototype.validate.call(wrap(obj));
  } catch (e) {
    schemaError = e.message;
  }
  const unknown = [];
  const walk = (value, path) => {
    if (value === null || typeof value !== "object") return;
    const keys = read.get(value);
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${path}[${i}]`));
      return;
    }
    for (const [k, v] of Object.entries(value)) {
      const p = path ? `${path}.${k}` : k;
      if (keys === undefined || !keys.has(k)) unknown.push(p);
      else walk(v, p);
    }
  };
  walk(obj, "");
  return { schemaError, unknown };
}

for (const obj of objects) {
  const where = nameOf(obj);
  if (typeof obj.apiVersion !== "string" || typeof obj.kind !== "string") {
    fail(where, "apiVersion and kind must be strings");
    continue;
  }
  if (typeof obj.metadata?.name !== "string" || obj.metadata.name === "") {
    fail(where, "metadata.name is missing");
  }
  // The API server decodes base64 ignoring line breaks, and kustomize breaks
  // long values into lines.
  for (const field of ["data", "binaryData"]) {
    if ((obj.kind === "Secret" || (obj.kind === "ConfigMap" && field === "binaryData")) && obj[field]) {
      for (const [k, v] of Object.entries(obj[field])) {
        if (typeof v === "string") obj[field][k] = v.replace(/[\r\n]/g, "");
      }
    }
  }
  const model = await loadModel(obj.apiVersion, obj.kind);
  if (model === null) {
    fail(where, `unknown kind ${obj.kind} in ${obj.apiVersion}: no schema to check it against`);
    continue;
  }
  const { schemaError, unknown } = validateStrict(model, obj);
  if (schemaError) fail(where, `schema: ${schemaError}`);
  for (const path of unknown) fail(where, `unknown field ${path}`);
}

// --- Checks across objects and of our conventions --------------------------

const ns = (o) => o.metadata?.namespace ?? "";
const workloads = objects.filter((o) => ["Deployment", "StatefulSet", "DaemonSet", "Job"].includes(o.kind));
const podTemplates = workloads.map((w) => ({ w, template: w.spec?.template ?? {} }));
const matches = (selector, labels = {}) => Object.entries(selector).every(([k, v]) => labels[k] === v);
const matchesLabelSelector = (sel, labels = {}) =>
  matches(sel?.matchLabels ?? {}, labels) &&
  (sel?.matchExpressions ?? []).every((e) => {
    const has = Object.hasOwn(labels, e.key);
    switch (e.operator) {
      case "In": return has && e.values.includes(labels[e.key]);
      case "NotIn": return !has || !e.values.includes(labels[e.key]);
      case "Exists": return has;
      case "DoesNotExist": return !has;
      default: return false;
    }
  });
const find = (kind, name, namespace) =>
  objects.find((o) => o.kind === kind && o.metadata?.name === name && ns(o) === namespace);

for (const o of objects) {
  const where = nameOf(o);
  if (o.kind === "Service" && o.spec?.selector) {
    const pods = podTemplates.filter(({ w, template }) => ns(w) === ns(o) && matches(o.spec.selector, template.metadata?.labels));
    if (pods.length === 0) fail(where, "selector matches no pod template");
    for (const port of o.spec.ports ?? []) {
      if (typeof port.targetPort !== "string") continue;
      for (const { w, template } of pods) {
        const named = (template.spec?.containers ?? []).flatMap((c) => c.ports ?? []).some((p) => p.name === port.targetPort);
        if (!named) fail(where, `targetPort ${port.targetPort} is not a container port of ${nameOf(w)}`);
      }
    }
  }
  if (o.kind === "PodDisruptionBudget" || o.kind === "NetworkPolicy") {
    const sel = o.kind === "PodDisruptionBudget" ? o.spec?.selector : o.spec?.podSelector;
    const empty = !sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
    if (o.kind === "PodDisruptionBudget" && empty) fail(where, "selector is empty");
    if (!empty && !podTemplates.some(({ w, template }) => ns(w) === ns(o) && matchesLabelSelector(sel, template.metadata?.labels))) {
      fail(where, "selector matches no pod template");
    }
  }
  if (o.kind === "HorizontalPodAutoscaler") {
    const ref = o.spec?.scaleTargetRef ?? {};
    const target = find(ref.kind, ref.name, ns(o));
    if (!target) fail(where, `scaleTargetRef ${ref.kind}/${ref.name} does not exist`);
    else if (target.spec?.replicas !== undefined) {
      fail(where, `${nameOf(target)} sets spec.replicas, which would fight the autoscaler on every apply`);
    }
  }
}

// ConfigMaps and Secrets that pods refer to must be rendered too (or be
// declared external: created by the operator, not by kustomize).
const refersTo = (kind, name, w, where, keys = []) => {
  if (kind === "Secret" && externalSecrets.has(name)) return;
  const target = find(kind, name, ns(w));
  if (!target) {
    fail(nameOf(w), `${where} refers to ${kind} ${name}, which is not rendered`);
    return;
  }
  const has = { ...target.data, ...target.stringData, ...target.binaryData };
  for (const key of keys) {
    if (!Object.hasOwn(has, key)) fail(nameOf(w), `${where} needs key ${key} of ${kind} ${name}, which has none`);
  }
};
for (const { w, template } of podTemplates) {
  const spec = template.spec ?? {};
  for (const v of spec.volumes ?? []) {
    const keys = (source) => (source.items ?? []).map((item) => item.key);
    if (v.configMap && !v.configMap.optional) refersTo("ConfigMap", v.configMap.name, w, `volume ${v.name}`, keys(v.configMap));
    if (v.secret && !v.secret.optional) refersTo("Secret", v.secret.secretName, w, `volume ${v.name}`, keys(v.secret));
  }
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    for (const e of c.envFrom ?? []) {
      if (e.configMapRef && !e.configMapRef.optional) refersTo("ConfigMap", e.configMapRef.name, w, `container ${c.name} envFrom`);
      if (e.secretRef && !e.secretRef.optional) refersTo("Secret", e.secretRef.name, w, `container ${c.name} envFrom`);
    }
    for (const e of c.env ?? []) {
      const cm = e.valueFrom?.configMapKeyRef;
      const s = e.valueFrom?.secretKeyRef;
      if (cm && !cm.optional) refersTo("ConfigMap", cm.name, w, `container ${c.name} env ${e.name}`, [cm.key]);
      if (s && !s.optional) refersTo("Secret", s.name, w, `container ${c.name} env ${e.name}`, [s.key]);
    }
  }
}

// Every long-running workload: non-root, locked down, probed, with requests and limits.
for (const { w, template } of podTemplates) {
  if (w.kind === "Job") continue;
  const spec = template.spec ?? {};
  const pod = spec.securityContext ?? {};
  const where = nameOf(w);
  const init = new Set(spec.initContainers ?? []);
  for (const c of [...init, ...(spec.containers ?? [])]) {
    const sc = c.securityContext ?? {};
    const at = `${init.has(c) ? "init container" : "container"} ${c.name}`;
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) fail(where, `${at}: runAsNonRoot is not true`);
    if ((sc.runAsUser ?? pod.runAsUser ?? 0) === 0) fail(where, `${at}: runAsUser is not set to a non-root uid`);
    if (sc.allowPrivilegeEscalation !== false) fail(where, `${at}: allowPrivilegeEscalation is not false`);
    if (sc.readOnlyRootFilesystem !== true) fail(where, `${at}: readOnlyRootFilesystem is not true`);
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) fail(where, `${at}: capabilities do not drop ALL`);
    if ((sc.seccompProfile ?? pod.seccompProfile)?.type !== "RuntimeDefault") fail(where, `${at}: seccompProfile is not RuntimeDefault`);
    for (const probe of ["readinessProbe", "livenessProbe"]) {
      if (!c[probe] && !init.has(c)) fail(where, `${at}: no ${probe}`);
    }
    for (const kind of ["requests", "limits"]) {
      for (const r of ["cpu", "memory"]) {
        if (c.resources?.[kind]?.[r] === undefined) fail(where, `${at}: no resources.${kind}.${r}`);
      }
    }
    // A gRPC probe must hit a port the container serves.
    const ports = new Set((c.ports ?? []).map((p) => p.containerPort));
    for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
      const port = c[probe]?.grpc?.port;
      if (port !== undefined && !ports.has(port)) fail(where, `${at}: ${probe} probes port ${port}, which the container does not declare`);
    }
  }
}

if (errors.length > 0) {
  for (const e of errors) console.error(e);
  console.error(`${label}: ${errors.length} problem(s) in ${objects.length} object(s)`);
  process.exit(1);
}
console.log(`${label}: ${objects.length} objects valid (${[...new Set(objects.map((o) => o.kind))].sort().join(", ")})`);

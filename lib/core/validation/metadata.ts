/**
 * ObjectMeta rules (what the API server checks on create, for the fields a manifest may carry).
 * Applied to every object, with or without a schema.
 */
import { fieldKey as keyPath } from './field-path';
import type { Scope } from './registry';

/** How metadata.name is validated for a kind. */
export type NameRule = 'dns1123-subdomain' | 'dns1123-label' | 'dns1035-label' | 'path-segment';

/**
 * Kinds whose names are not DNS-1123 subdomains, keyed by `<group>/<Kind>` (core group: `/<Kind>`,
 * i.e. an empty group). Everything not listed uses `dns1123-subdomain` (≤ 253 chars).
 */
export const NAME_RULES: Readonly<Record<string, NameRule>> = {
  '/Namespace': 'dns1123-label',
  // k8s pkg/apis/core/validation: ValidateServiceName = NameIsDNS1035Label (the 1.34 alpha gate
  // RelaxedServiceNameValidation, off by default, would relax it to a DNS-1123 label).
  '/Service': 'dns1035-label',
  'rbac.authorization.k8s.io/Role': 'path-segment',
  'rbac.authorization.k8s.io/ClusterRole': 'path-segment',
  'rbac.authorization.k8s.io/RoleBinding': 'path-segment',
  'rbac.authorization.k8s.io/ClusterRoleBinding': 'path-segment',
};

/**
 * Cluster-scoped kinds of Kubernetes itself (no CRD, so no scope in the schema registry), keyed by
 * `<group>/<Kind>` (core group: `/<Kind>`). Schemas in the registry carry their own scope.
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  '/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/CSINode',
  'storage.k8s.io/VolumeAttachment',
  'storage.k8s.io/VolumeAttributesClass',
  'scheduling.k8s.io/PriorityClass',
  'node.k8s.io/RuntimeClass',
  'networking.k8s.io/IngressClass',
  'networking.k8s.io/IPAddress',
  'networking.k8s.io/ServiceCIDR',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/MutatingAdmissionPolicy',
  'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
  'certificates.k8s.io/CertificateSigningRequest',
  'certificates.k8s.io/ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'resource.k8s.io/DeviceClass',
]);

/** Group of an apiVersion (`apps/v1` → `apps`, `v1` → ``). */
export function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/** Scope of a core Kubernetes kind from the built-in table: `Cluster`, or undefined when not listed. */
export function builtinScope(apiVersion: string, kind: string): Scope | undefined {
  return CLUSTER_SCOPED_KINDS.has(`${groupOf(apiVersion)}/${kind}`) ? 'Cluster' : undefined;
}

export const ALLOWED_METADATA_FIELDS: readonly string[] = [
  'name',
  'generateName',
  'namespace',
  'labels',
  'annotations',
  'finalizers',
  'ownerReferences',
];
const ALLOWED = new Set(ALLOWED_METADATA_FIELDS);

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Returns a reason when `v` is not a DNS-1123 label (≤ 63), else undefined. */
export function checkDns1123Label(v: string): string | undefined {
  if (v.length > 63) return `must be no more than 63 characters (is ${v.length})`;
  if (!DNS1123_LABEL.test(v)) {
    return `must be a lowercase RFC 1123 label: lowercase alphanumerics and '-', starting and ending with an alphanumeric (got ${JSON.stringify(v)})`;
  }
  return undefined;
}

/** Returns a reason when `v` is not a DNS-1035 label (≤ 63, starts with a letter), else undefined. */
export function checkDns1035Label(v: string): string | undefined {
  if (v.length > 63) return `must be no more than 63 characters (is ${v.length})`;
  if (!DNS1035_LABEL.test(v)) {
    return `must be a lowercase RFC 1035 label: lowercase alphanumerics and '-', starting with a letter and ending with an alphanumeric (got ${JSON.stringify(v)})`;
  }
  return undefined;
}

/** Returns a reason when `v` is not a DNS-1123 subdomain (≤ 253), else undefined. */
export function checkDns1123Subdomain(v: string): string | undefined {
  if (v.length > 253) return `must be no more than 253 characters (is ${v.length})`;
  if (!DNS1123_SUBDOMAIN.test(v)) {
    return `must be a lowercase RFC 1123 subdomain: lowercase alphanumerics, '-' and '.', starting and ending with an alphanumeric (got ${JSON.stringify(v)})`;
  }
  return undefined;
}

function checkPathSegment(v: string): string | undefined {
  if (v === '.' || v === '..') return `may not be ${JSON.stringify(v)}`;
  if (v.includes('/') || v.includes('%')) return `may not contain '/' or '%' (got ${JSON.stringify(v)})`;
  return undefined;
}

function checkName(rule: NameRule, v: string): string | undefined {
  switch (rule) {
    case 'dns1123-label':
      return checkDns1123Label(v);
    case 'dns1035-label':
      return checkDns1035Label(v);
    case 'path-segment':
      return checkPathSegment(v);
    default:
      return checkDns1123Subdomain(v);
  }
}

/** Returns a reason when `k` is not a qualified name (`[prefix/]name`, as for label/annotation keys). */
export function checkQualifiedName(k: string): string | undefined {
  const parts = k.split('/');
  let name = k;
  if (parts.length === 2) {
    const [prefix, n] = parts;
    if (prefix.length === 0) return `prefix part must be non-empty`;
    const r = checkDns1123Subdomain(prefix);
    if (r) return `prefix part ${r}`;
    name = n;
  } else if (parts.length > 2) {
    return `must be a qualified name: an optional DNS subdomain prefix and '/', then a name`;
  }
  if (name.length === 0) return `name part must be non-empty`;
  if (name.length > 63) return `name part must be no more than 63 characters (is ${name.length})`;
  if (!QUALIFIED_NAME_PART.test(name)) {
    return `name part must consist of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`;
  }
  return undefined;
}

/** One metadata finding: field path relative to the object root, and a reason. */
export interface MetadataFinding {
  readonly field: string;
  readonly reason: string;
}

export interface MetadataCheckOptions {
  /** Scope of the kind when known (registry or built-in table); namespaced when undefined means "don't know". */
  readonly scope: Scope | undefined;
  /** Whether metadata.name (or generateName) is required. False for partial embedded objects. */
  readonly requireName: boolean;
  /** Whether generateName alone stands for a name (embedded templates). Default false: a name is required. */
  readonly allowGenerateName?: boolean;
}


/** Validates `obj.metadata`. `apiVersion`/`kind` select the name rule. */
export function checkMetadata(obj: Record<string, unknown>, apiVersion: string, kind: string, opts: MetadataCheckOptions): MetadataFinding[] {
  const out: MetadataFinding[] = [];
  const md = obj.metadata;
  if (md === undefined || md === null) {
    if (opts.requireName) out.push({ field: 'metadata', reason: 'required field missing: "metadata"' });
    return out;
  }
  if (typeof md !== 'object' || Array.isArray(md)) {
    out.push({ field: 'metadata', reason: `must be of type object, got ${jsonType(md)}` });
    return out;
  }
  const m = md as Record<string, unknown>;
  for (const k of Object.keys(m)) {
    if (!ALLOWED.has(k)) out.push({ field: keyPath('metadata', k), reason: `unknown field ${JSON.stringify(k)}` });
  }

  const nameRule: NameRule = NAME_RULES[`${groupOf(apiVersion)}/${kind}`] ?? 'dns1123-subdomain';
  const name = m.name;
  const generateName = m.generateName;
  if (name === undefined || name === '') {
    if (opts.requireName && (generateName === undefined || generateName === '')) {
      out.push({ field: 'metadata.name', reason: 'required field missing: "name" (or "generateName")' });
    } else if (opts.requireName && !opts.allowGenerateName) {
      // kubectl apply, server-side apply and Flux/Argo CD identify objects by name: a manifest
      // with only generateName is created anew on every apply (or refused).
      out.push({ field: 'metadata.name', reason: 'required field missing: "name": generateName alone cannot be applied (Flux, Argo CD and server-side apply need a name); set metadata.name' });
    }
  } else if (typeof name !== 'string') {
    out.push({ field: 'metadata.name', reason: `must be of type string, got ${jsonType(name)}` });
  } else {
    const r = checkName(nameRule, name);
    if (r) out.push({ field: 'metadata.name', reason: r });
  }
  if (typeof generateName === 'string' && generateName !== '' && typeof name === 'string' && name !== '' && opts.requireName && !opts.allowGenerateName) {
    // With a name the server ignores generateName; in a cdk8s app the name is the one cdk8s made up.
    out.push({ field: 'metadata.generateName', reason: `generateName cannot be applied (Flux, Argo CD and server-side apply identify objects by name; the object is named ${JSON.stringify(name)}): remove generateName and set metadata.name` });
  }
  if (generateName !== undefined) {
    if (typeof generateName !== 'string') {
      out.push({ field: 'metadata.generateName', reason: `must be of type string, got ${jsonType(generateName)}` });
    } else if (generateName !== '') {
      // The server appends 5 random characters; validate the prefix as the name rule would (minus a trailing '-').
      const prefix = generateName.endsWith('-') ? generateName.slice(0, -1) : generateName;
      const r = prefix === '' ? undefined : checkName(nameRule, prefix);
      if (r) out.push({ field: 'metadata.generateName', reason: r });
    }
  }

  const ns = m.namespace;
  if (ns !== undefined) {
    if (typeof ns !== 'string') {
      out.push({ field: 'metadata.namespace', reason: `must be of type string, got ${jsonType(ns)}` });
    } else if (opts.scope === 'Cluster') {
      out.push({ field: 'metadata.namespace', reason: `must not be set: ${kind} is cluster-scoped` });
    } else if (ns !== '') {
      const r = checkDns1123Label(ns);
      if (r) out.push({ field: 'metadata.namespace', reason: r });
    }
  }

  checkStringMap(m.labels, 'metadata.labels', true, out);
  checkStringMap(m.annotations, 'metadata.annotations', false, out);

  const fin = m.finalizers;
  if (fin !== undefined) {
    if (!Array.isArray(fin)) {
      out.push({ field: 'metadata.finalizers', reason: `must be of type array, got ${jsonType(fin)}` });
    } else {
      fin.forEach((f, i) => {
        const field = `metadata.finalizers[${i}]`;
        if (typeof f !== 'string') out.push({ field, reason: `must be of type string, got ${jsonType(f)}` });
        else {
          const r = checkQualifiedName(f);
          if (r) out.push({ field, reason: `invalid finalizer ${JSON.stringify(f)}: ${r}` });
        }
      });
    }
  }

  const refs = m.ownerReferences;
  if (refs !== undefined) {
    if (!Array.isArray(refs)) {
      out.push({ field: 'metadata.ownerReferences', reason: `must be of type array, got ${jsonType(refs)}` });
    } else {
      refs.forEach((ref, i) => checkOwnerReference(ref, `metadata.ownerReferences[${i}]`, out));
    }
  }
  return out;
}

/**
 * Problems with a label map (keys are qualified names, values at most 63 characters of
 * alphanumerics, '-', '_', '.'), as the API server checks them; `field` prefixes each finding.
 */
export function labelProblems(labels: unknown, field: string): MetadataFinding[] {
  const out: MetadataFinding[] = [];
  checkStringMap(labels, field, true, out);
  return out;
}

function checkStringMap(v: unknown, field: string, labels: boolean, out: MetadataFinding[]): void {
  if (v === undefined || v === null) return;
  if (typeof v !== 'object' || Array.isArray(v)) {
    out.push({ field, reason: `must be of type object, got ${jsonType(v)}` });
    return;
  }
  let total = 0;
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    const kf = keyPath(field, k);
    // Annotation keys are validated case-insensitively by the API server.
    const kr = checkQualifiedName(labels ? k : k.toLowerCase());
    if (kr) out.push({ field: kf, reason: `invalid ${labels ? 'label' : 'annotation'} key ${JSON.stringify(k)}: ${kr}` });
    if (typeof val !== 'string') {
      out.push({ field: kf, reason: `must be of type string, got ${jsonType(val)}` });
      continue;
    }
    total += k.length + val.length;
    if (labels) {
      if (val.length > 63) out.push({ field: kf, reason: `label value must be no more than 63 characters (is ${val.length})` });
      else if (!LABEL_VALUE.test(val)) {
        out.push({
          field: kf,
          reason: `invalid label value ${JSON.stringify(val)}: must be empty or consist of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`,
        });
      }
    }
  }
  if (!labels && total > 256 * 1024) out.push({ field, reason: `total size of annotations must be no more than 262144 bytes (is ${total})` });
}

function checkOwnerReference(ref: unknown, field: string, out: MetadataFinding[]): void {
  if (typeof ref !== 'object' || ref === null || Array.isArray(ref)) {
    out.push({ field, reason: `must be of type object, got ${jsonType(ref)}` });
    return;
  }
  const r = ref as Record<string, unknown>;
  const known = new Set(['apiVersion', 'kind', 'name', 'uid', 'controller', 'blockOwnerDeletion']);
  for (const k of Object.keys(r)) if (!known.has(k)) out.push({ field: keyPath(field, k), reason: `unknown field ${JSON.stringify(k)}` });
  for (const k of ['apiVersion', 'kind', 'name', 'uid']) {
    if (r[k] === undefined || r[k] === '') out.push({ field: `${field}.${k}`, reason: `required field missing: ${JSON.stringify(k)}` });
    else if (typeof r[k] !== 'string') out.push({ field: `${field}.${k}`, reason: `must be of type string, got ${jsonType(r[k])}` });
  }
  for (const k of ['controller', 'blockOwnerDeletion']) {
    if (r[k] !== undefined && typeof r[k] !== 'boolean') out.push({ field: `${field}.${k}`, reason: `must be of type boolean, got ${jsonType(r[k])}` });
  }
}

/** JSON type name of a value, as used in reasons (`integer` for whole numbers). */
export function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'bigint') return 'integer';
  return typeof v;
}

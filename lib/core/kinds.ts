import * as fs from 'fs';
import * as path from 'path';

/** Scope of a kind, as in a CRD's `spec.scope`. */
export type KindScope = 'Namespaced' | 'Cluster';

/** An entry of the bundled schema index (`imports/schemas/index.json`). */
export interface SchemaIndexEntry {
  /** Schema file, relative to the schemas directory. */
  readonly file: string;
  readonly scope: KindScope;
}

/**
 * Cluster-scoped kinds of the core Kubernetes API groups (the rest of those groups is namespaced).
 * Keyed by `<group>/<Kind>` (`core` for the legacy group).
 */
const CORE_CLUSTER_SCOPED = new Set([
  'core/Namespace',
  'core/Node',
  'core/PersistentVolume',
  'core/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/CSINode',
  'storage.k8s.io/VolumeAttachment',
  'scheduling.k8s.io/PriorityClass',
  'node.k8s.io/RuntimeClass',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'certificates.k8s.io/CertificateSigningRequest',
  'networking.k8s.io/IngressClass',
  'networking.k8s.io/IPAddress',
  'networking.k8s.io/ServiceCIDR',
  'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
]);

/** The API group of an apiVersion (`core` for `v1`). */
export function apiGroup(apiVersion: string): string {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? 'core' : apiVersion.slice(0, i);
}

let schemaDirCache: string | undefined;

/** Directory holding the bundled compact schemas (`imports/schemas` of this package). */
export function schemaDir(): string {
  if (schemaDirCache) return schemaDirCache;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'imports', 'schemas', 'index.json');
    if (fs.existsSync(candidate)) return (schemaDirCache = path.dirname(candidate));
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`cdk8s-platform: bundled schemas not found (imports/schemas/index.json above ${__dirname}); run "npm run import"`);
}

let indexCache: Record<string, SchemaIndexEntry> | undefined;

/** The bundled schema index, `<group>/<version>/<Kind>` → entry (loaded once). */
export function schemaIndex(): Record<string, SchemaIndexEntry> {
  if (!indexCache) indexCache = JSON.parse(fs.readFileSync(path.join(schemaDir(), 'index.json'), 'utf8'));
  return indexCache!;
}

/**
 * Whether a kind is cluster-scoped: from the bundled CRD schemas, then the core Kubernetes table.
 * Unknown kinds are taken as namespaced.
 */
export function isClusterScoped(apiVersion: string, kind: string): boolean {
  const entry = schemaIndex()[`${apiVersion}/${kind}`];
  if (entry) return entry.scope === 'Cluster';
  return CORE_CLUSTER_SCOPED.has(`${apiGroup(apiVersion)}/${kind}`);
}

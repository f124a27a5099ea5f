import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { isClusterScoped } from './kinds';
import { groupOf } from './validation/metadata';

/** Identifies a Kubernetes object: API group, kind, namespace (for namespaced kinds) and name. */
export interface ObjectRef {
  /** API group (`''` for the core group, e.g. Secrets and ConfigMaps). */
  readonly apiGroup: string;
  /** Kind, e.g. `GitRepository`. */
  readonly kind: string;
  /** Name. */
  readonly name: string;
  /** Namespace; leave out for cluster-scoped kinds. */
  readonly namespace?: string;
}

/** A reference recorded by a construct, checked at synth (see {@link addReference}). */
export interface RecordedReference {
  /** The prop the reference came from (e.g. `sourceRef`, `dependsOn[0]`). */
  readonly prop: string;
  /** The object referenced; a function when it is only known late (after `addX()` calls). */
  readonly target: () => ObjectRef;
}

interface RefState {
  readonly references: RecordedReference[];
  readonly provided: Array<() => ObjectRef>;
}

const STATE = Symbol.for('cdk8s-platform.References');

function state(c: IConstruct): RefState {
  const holder = c as unknown as Record<symbol, RefState | undefined>;
  let s = holder[STATE];
  if (!s) {
    s = { references: [], provided: [] };
    Object.defineProperty(c, STATE, { value: s });
  }
  return s;
}

function lazy(t: ObjectRef | (() => ObjectRef)): () => ObjectRef {
  return typeof t === 'function' ? t : () => t;
}

/**
 * Records that `from` refers to another object (a Flux `sourceRef`, a `dependsOn`, a Secret an
 * env var reads, ...). At synth, {@link GitOpsApp} checks that every recorded reference resolves
 * to an object of the app applied to the same cluster, or to an object declared with
 * {@link addProvided} (objects controllers create, and existing objects imported with
 * `fromName(...)`); an unresolved reference is a synth error naming `from` and `prop`.
 */
export function addReference(from: IConstruct, prop: string, target: ObjectRef | (() => ObjectRef)): void {
  state(from).references.push({ prop, target: lazy(target) });
}

/**
 * Declares an object that exists on the cluster without being in the app's output: written by a
 * controller (the `<cluster>-kubeconfig` Secret of a CAPI cluster, the Secrets and ConfigMaps ASO
 * exports) or managed elsewhere (imported with `fromName(...)`). References to it resolve.
 * `from` must be inside a Folder: the object is taken to live on that folder's cluster.
 */
export function addProvided(from: IConstruct, target: ObjectRef | (() => ObjectRef)): void {
  state(from).provided.push(lazy(target));
}

/** References recorded on one construct (not its children). */
export function referencesOf(c: IConstruct): readonly RecordedReference[] {
  return (c as unknown as Record<symbol, RefState | undefined>)[STATE]?.references ?? [];
}

/** Objects declared as provided on one construct (not its children). */
export function providedBy(c: IConstruct): ReadonlyArray<() => ObjectRef> {
  return (c as unknown as Record<symbol, RefState | undefined>)[STATE]?.provided ?? [];
}

/**
 * The {@link ObjectRef} of an ApiObject: its namespace as set on the object or its chart, none for
 * cluster-scoped kinds (which never get one in the output).
 */
export function refOf(obj: ApiObject): ObjectRef {
  const namespace = isClusterScoped(obj.apiVersion, obj.kind) ? undefined : obj.metadata.namespace;
  return { apiGroup: groupOf(obj.apiVersion), kind: obj.kind, name: obj.name, namespace };
}

/** `Kind/namespace/name` (or `Kind/name`) with the group when it is not core, for messages. */
export function describeRef(ref: ObjectRef): string {
  const id = ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
  return ref.apiGroup ? `${id} (${ref.apiGroup})` : id;
}

/** The lookup key of a reference target on a cluster. */
export function refKey(cluster: string, ref: ObjectRef): string {
  return `${cluster}\u0000${ref.apiGroup}\u0000${ref.kind}\u0000${ref.namespace ?? ''}\u0000${ref.name}`;
}

/** A Secret / ConfigMap / ServiceAccount a workload's pods need, found in its pod template. */
export interface WorkloadRef {
  readonly kind: 'Secret' | 'ConfigMap' | 'ServiceAccount';
  readonly name: string;
  readonly namespace?: string;
  /** Field path in the object, e.g. `spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef.name`. */
  readonly field: string;
}

export const WORKLOAD_REF_KINDS = new Set(['Secret', 'ConfigMap', 'ServiceAccount']);

/** Where the pod spec sits in each workload kind (apps/v1, batch/v1, v1). */
const POD_SPEC_PATHS: Record<string, readonly string[]> = {
  'v1/Pod': ['spec'],
  'v1/PodTemplate': ['template', 'spec'],
  'v1/ReplicationController': ['spec', 'template', 'spec'],
  'apps/v1/Deployment': ['spec', 'template', 'spec'],
  'apps/v1/StatefulSet': ['spec', 'template', 'spec'],
  'apps/v1/DaemonSet': ['spec', 'template', 'spec'],
  'apps/v1/ReplicaSet': ['spec', 'template', 'spec'],
  'batch/v1/Job': ['spec', 'template', 'spec'],
  'batch/v1/CronJob': ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/**
 * The non-optional Secrets, ConfigMaps and ServiceAccounts a workload's pod template reads:
 * `env[].valueFrom.secretKeyRef` / `configMapKeyRef`, `envFrom[]`, `secret` / `configMap` volumes and
 * `projected` volume sources, `imagePullSecrets`, `serviceAccountName` (except `default`), of
 * containers, init containers and ephemeral containers. `optional: true` references are skipped.
 */
export function workloadReferences(obj: ManifestObject): WorkloadRef[] {
  const at = POD_SPEC_PATHS[`${obj.apiVersion}/${obj.kind}`];
  if (!at) return [];
  let spec: any = obj;
  for (const k of at) spec = spec && typeof spec === 'object' ? spec[k] : undefined;
  if (!spec || typeof spec !== 'object') return [];
  const base = at.join('.');
  const namespace = typeof obj.metadata?.namespace === 'string' && obj.metadata.namespace !== '' ? obj.metadata.namespace : undefined;
  const out: WorkloadRef[] = [];
  const add = (kind: WorkloadRef['kind'], ref: any, field: string, nameKey = 'name') => {
    if (!ref || typeof ref !== 'object' || ref.optional === true || typeof ref[nameKey] !== 'string' || ref[nameKey] === '') return;
    out.push({ kind, name: ref[nameKey], namespace, field: `${field}.${nameKey}` });
  };
  const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '' && spec.serviceAccountName !== 'default') {
    out.push({ kind: 'ServiceAccount', name: spec.serviceAccountName, namespace, field: `${base}.serviceAccountName` });
  }
  list(spec.imagePullSecrets).forEach((s, i) => add('Secret', s, `${base}.imagePullSecrets[${i}]`));
  for (const group of ['initContainers', 'containers', 'ephemeralContainers']) {
    list(spec[group]).forEach((c, i) => {
      const cf = `${base}.${group}[${i}]`;
      list(c?.env).forEach((e, j) => {
        add('Secret', e?.valueFrom?.secretKeyRef, `${cf}.env[${j}].valueFrom.secretKeyRef`);
        add('ConfigMap', e?.valueFrom?.configMapKeyRef, `${cf}.env[${j}].valueFrom.configMapKeyRef`);
      });
      list(c?.envFrom).forEach((e, j) => {
        add('Secret', e?.secretRef, `${cf}.envFrom[${j}].secretRef`);
        add('ConfigMap', e?.configMapRef, `${cf}.envFrom[${j}].configMapRef`);
      });
    });
  }
  list(spec.volumes).forEach((v, i) => {
    const vf = `${base}.volumes[${i}]`;
    add('Secret', v?.secret, `${vf}.secret`, 'secretName');
    add('ConfigMap', v?.configMap, `${vf}.configMap`);
    list(v?.projected?.sources).forEach((src, j) => {
      add('Secret', src?.secret, `${vf}.projected.sources[${j}].secret`);
      add('ConfigMap', src?.configMap, `${vf}.projected.sources[${j}].configMap`);
    });
  });
  return out;
}


/** A plain manifest (apiVersion, kind, metadata, ...). */
export interface ManifestObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/**
 * Secrets and ConfigMaps a controller writes for an object, read from its manifest (for trees
 * validated without the constructs that declare them with {@link addProvided}):
 * - Azure Service Operator (`*.azure.com`): `spec.operatorSpec.secrets.*` / `configMaps.*` (and the
 *   `secretExpressions` / `configMapExpressions` lists), in the object's namespace;
 * - Crossplane: `spec.writeConnectionSecretToRef` (its namespace, else the object's); for a v2
 *   composite (`spec.crossplane`) without one, `<name>-connection` (function-patch-and-transform's default);
 * - Cluster API `Cluster`: `<name>-kubeconfig`;
 * - Bitnami `SealedSecret`: the Secret of `spec.template.metadata.name` (default: its own name).
 * Namespace undefined when the object has none (the caller decides: e.g. any namespace).
 */
export function controllerProvided(obj: ManifestObject): ObjectRef[] {
  const out: ObjectRef[] = [];
  const ns = typeof obj.metadata?.namespace === 'string' && obj.metadata.namespace !== '' ? obj.metadata.namespace : undefined;
  const name = obj.metadata?.name;
  const group = groupOf(obj.apiVersion);
  const spec: any = obj.spec;
  const add = (kind: 'Secret' | 'ConfigMap', n: unknown, namespace = ns) => {
    if (typeof n === 'string' && n !== '') out.push({ apiGroup: '', kind, name: n, namespace });
  };
  if (!spec || typeof spec !== 'object') return out;
  if (group.endsWith('.azure.com') && spec.operatorSpec && typeof spec.operatorSpec === 'object') {
    const o = spec.operatorSpec;
    for (const [field, kind] of [['secrets', 'Secret'], ['configMaps', 'ConfigMap']] as const) {
      if (o[field] && typeof o[field] === 'object') for (const v of Object.values(o[field])) add(kind, (v as any)?.name);
    }
    for (const [field, kind] of [['secretExpressions', 'Secret'], ['configMapExpressions', 'ConfigMap']] as const) {
      if (Array.isArray(o[field])) for (const v of o[field]) add(kind, v?.name);
    }
  }
  const w = spec.writeConnectionSecretToRef;
  if (w && typeof w === 'object') add('Secret', w.name, typeof w.namespace === 'string' && w.namespace !== '' ? w.namespace : ns);
  // A Crossplane v2 composite (spec.crossplane): function-patch-and-transform writes its connection
  // details to `<name>-connection` in its namespace (when the composition has any).
  if (spec.crossplane && typeof spec.crossplane === 'object' && !w && typeof name === 'string') add('Secret', `${name}-connection`);
  if (group === 'cluster.x-k8s.io' && obj.kind === 'Cluster' && typeof name === 'string') add('Secret', `${name}-kubeconfig`);
  if (group === 'bitnami.com' && obj.kind === 'SealedSecret') add('Secret', spec.template?.metadata?.name ?? name);
  return out;
}

/** One unresolved workload reference of a manifest tree (see {@link unresolvedWorkloadReferences}). */
export interface UnresolvedWorkloadReference extends WorkloadRef {
  /** Index of the referring object in the input. */
  readonly index: number;
  /** Namespace where an object of that kind and name does exist, if any. */
  readonly elsewhere?: string;
}

/**
 * The Secret / ConfigMap / ServiceAccount references of the workloads among `objects` that resolve
 * neither to an object of the list nor to what a controller writes for one of them
 * ({@link controllerProvided}), in the same namespace. Objects without a namespace (left to
 * kustomize or the applier) match any namespace.
 */
export function unresolvedWorkloadReferences(objects: readonly ManifestObject[]): UnresolvedWorkloadReference[] {
  const ANY = '\u0001';
  const have = new Set<string>();
  const where = new Map<string, string[]>();
  const note = (kind: string, name: string, ns: string | undefined) => {
    have.add(`${kind}\u0000${ns ?? ANY}\u0000${name}`);
    where.set(`${kind}\u0000${name}`, [...(where.get(`${kind}\u0000${name}`) ?? []), ns ?? ANY]);
  };
  for (const o of objects) {
    if (groupOf(o.apiVersion) === '' && WORKLOAD_REF_KINDS.has(o.kind) && typeof o.metadata?.name === 'string') note(o.kind, o.metadata.name, o.metadata.namespace || undefined);
    for (const p of controllerProvided(o)) note(p.kind, p.name, p.namespace);
  }
  const out: UnresolvedWorkloadReference[] = [];
  objects.forEach((o, index) => {
    for (const r of workloadReferences(o)) {
      const id = `${r.kind}\u0000${r.name}`;
      const nss = where.get(id) ?? [];
      if (r.namespace === undefined ? nss.length > 0 : have.has(`${r.kind}\u0000${r.namespace}\u0000${r.name}`) || nss.includes(ANY)) continue;
      const elsewhere = nss.find((n) => n !== ANY && n !== r.namespace);
      out.push({ ...r, index, ...(elsewhere ? { elsewhere } : {}) });
    }
  });
  return out;
}

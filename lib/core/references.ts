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

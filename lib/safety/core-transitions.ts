/**
 * Day-2 changes of built-in Kubernetes objects that the API server refuses, or that delete data,
 * found by comparing the committed object with the new one of the same kind and identity (the
 * destroy guard pairs them, see `guardApp`). A refusal is an HTTP 422 (Invalid). kustomize-controller
 * applies a build in stages (CRDs, Namespaces and ClusterRoles; classes; the rest), server-side
 * dry-running each stage whole first, and applies nothing of the stage holding a refused object nor
 * of the later ones (fluxcd/pkg `ssa` `ApplyAllStaged`, `ApplyAll`); Argo CD's dry-run is
 * client-side and does not see immutable fields, so its sync fails at the object's wave (gitops-engine
 * `sync_context.go`). Either way the build stays stuck until Git changes again. Read against
 * Kubernetes 1.34 (`pkg/apis/{apps,batch,core,rbac,storage}/validation`, the `v1` defaults):
 *
 * - refused (synth fails):
 *   - a Deployment's, ReplicaSet's or DaemonSet's `spec.selector` (apps/v1: "field is immutable";
 *     kubernetes.io/docs/concepts/workloads/controllers/deployment, "Label selector updates");
 *   - a StatefulSet's spec other than `replicas`, `ordinals`, `template`, `updateStrategy`,
 *     `revisionHistoryLimit`, `persistentVolumeClaimRetentionPolicy` and `minReadySeconds`
 *     (`ValidateStatefulSetUpdate`): its `selector`, `serviceName`, `podManagementPolicy` and, the
 *     usual one, its `volumeClaimTemplates` (a bigger disk asked for in the template; KEP-4650,
 *     updatable templates, is not in 1.34);
 *   - a Job's `template` (but the scheduling directives of a suspended Job), `selector`,
 *     `completions` (but an elastic Indexed Job's, equal to `parallelism`), `completionMode`,
 *     `podFailurePolicy`, `successPolicy`, `backoffLimitPerIndex`, `managedBy`
 *     (`ValidateJobSpecUpdate`); not a Job with `ttlSecondsAfterFinished`, which may be gone when
 *     the change is applied;
 *   - a RoleBinding's or ClusterRoleBinding's `roleRef` ("cannot change roleRef");
 *   - a PersistentVolumeClaim's spec other than `resources.requests` and
 *     `volumeAttributesClassName` ("spec is immutable after creation except resources.requests and
 *     volumeAttributesClassName for bound claims"), or its `volumeAttributesClassName` removed;
 *   - a statically provisioned PersistentVolume's volume source (`azureDisk`, `azureFile`, `csi`,
 *     ...), `volumeMode` or `nodeAffinity` once set (`ValidatePersistentVolumeUpdate`);
 *   - a ConfigMap's or Secret's `data` / `binaryData` / `stringData` when it was `immutable: true`,
 *     or `immutable` turned off ("field is immutable when `immutable` is set"); a Secret's `type`;
 *   - a Service's `spec.clusterIP` set to another address, or to `None` where one was allocated
 *     ("may not change once set");
 *   - a StorageClass's `provisioner`, `parameters`, `reclaimPolicy` or `volumeBindingMode`
 *     ("updates to parameters are forbidden.", ...);
 * - protected (allowed by the object's allow id, like a deletion):
 *   - a StatefulSet with `volumeClaimTemplates` and `persistentVolumeClaimRetentionPolicy.whenScaled:
 *     Delete` whose ordinals shrink (`replicas` lowered or removed from Git, `ordinals.start` moved):
 *     the StatefulSet controller deletes the PersistentVolumeClaims of the ordinals it removes
 *     (kubernetes.io/docs/concepts/workloads/controllers/statefulset, "PersistentVolumeClaim retention");
 *   - a PersistentVolumeClaim requesting less storage: refused unless it undoes an expansion that
 *     failed (RecoverVolumeExpansionFailure: allowed above the claim's capacity, which Git does not
 *     hold).
 *
 * Values are compared as the API server compares the decoded objects (`apiequality.Semantic`:
 * empty and missing maps and lists equal, quantities by value), leaning towards "equal" where a
 * field's type is not modelled (see `canon`), with the defaults it fills in for the compared fields
 * (a StatefulSet's `podManagementPolicy: OrderedReady`, a claim's `volumeMode: Filesystem`, a Job's
 * `completions`, a binding's `roleRef.apiGroup`, a StorageClass's `reclaimPolicy: Delete` and
 * `volumeBindingMode: Immediate`). A field the server may have filled in itself (a Job's generated
 * selector, a claim's default StorageClass and bound volume, a Service's allocated cluster IP) is
 * compared only when the committed object set it.
 *
 * Not refused: an object the engine recreates ({@link recreatedWhenRefused}) or does not update
 * ({@link notUpdated}); the guard also leaves out the objects a Kustomization with `spec.force:
 * true` applies.
 */
import { ARGOCD_SYNC_OPTIONS_ANNOTATION, FLUX_FORCE_ANNOTATION, FLUX_RECONCILE_ANNOTATION, FLUX_SSA_ANNOTATION, hasFluxMarker, parseSyncOptions } from '../core/removal-policy';
import { parseQuantity } from '../core/validation/cel-k8s';
import { groupOf } from '../core/validation/metadata';
import { show } from './aso-transitions';
import type { PlainObject } from './protection';

type Json = Record<string, unknown>;

const SELECTOR_KINDS = new Set(['apps/Deployment', 'apps/ReplicaSet', 'apps/DaemonSet']);
const CORE_KINDS = new Set([
  ...SELECTOR_KINDS,
  'apps/StatefulSet',
  'batch/Job',
  'rbac.authorization.k8s.io/RoleBinding',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  '/PersistentVolumeClaim',
  '/PersistentVolume',
  '/ConfigMap',
  '/Secret',
  '/Service',
  'storage.k8s.io/StorageClass',
]);

/** Whether the guard compares `o` as a built-in object (see the module comment), by group and kind. */
export function comparesCoreKind(o: { apiVersion: string; kind: string }): boolean {
  return CORE_KINDS.has(`${groupOf(o.apiVersion)}/${o.kind}`);
}

/**
 * Whether the guard needs the whole new object `o` of a kind {@link comparesCoreKind} names: all
 * but Services, which it needs only when they set `spec.clusterIP` (a Service that leaves it out
 * keeps the address it was given: the API server copies it on update).
 */
export function coreReadsWhole(o: PlainObject): boolean {
  if (!comparesCoreKind(o)) return false;
  if (o.kind === 'Service') return typeof (o.spec as Json | undefined)?.clusterIP === 'string';
  return true;
}

/** What a change of a built-in object means: refused, and protection reasons (allowed by its allow id). */
export interface CoreTransition {
  readonly refused: string[];
  readonly protection: string[];
}

/**
 * Whether Flux leaves the existing object as it is (fluxcd/pkg `ssa` `shouldSkipApply`, with
 * kustomize-controller's selectors): `kustomize.toolkit.fluxcd.io/reconcile: disabled` or `ssa:
 * Ignore` on the new or the committed (in-cluster) object, `ssa: IfNotPresent` on the new one.
 */
export function notUpdated(old: PlainObject, next: PlainObject): boolean {
  return [old, next].some((o) => hasFluxMarker(o, FLUX_RECONCILE_ANNOTATION, 'disabled') || hasFluxMarker(o, FLUX_SSA_ANNOTATION, 'ignore')) ||
    hasFluxMarker(next, FLUX_SSA_ANNOTATION, 'ifnotpresent');
}

/**
 * Whether the GitOps engine deletes and recreates the object when the API server refuses its
 * update: Flux's `kustomize.toolkit.fluxcd.io/force: enabled` on the new or the committed object
 * (fluxcd/pkg `ssa` `shouldForceApply`); Argo CD's `Force=true` sync option with client-side apply
 * (kubectl's `--force` deletes and recreates an object whose apply is refused; with
 * `ServerSideApply=true` nothing is recreated: kubectl refused `--force` with `--server-side`, and
 * since argo-cd#29626, argo-cd#29624, Argo CD no longer passes it; gitops-engine `resource_ops.go`).
 */
export function recreatedWhenRefused(old: PlainObject, next: PlainObject): boolean {
  if (hasFluxMarker(old, FLUX_FORCE_ANNOTATION, 'enabled') || hasFluxMarker(next, FLUX_FORCE_ANNOTATION, 'enabled')) return true;
  const options = parseSyncOptions(((next.metadata?.annotations ?? {}) as Json)[ARGOCD_SYNC_OPTIONS_ANNOTATION]);
  return options.includes('Force=true') && !options.includes('ServerSideApply=true');
}

/**
 * A value as `apiequality.Semantic.DeepEqual` compares the decoded objects, leaning towards "equal"
 * where the typed field is unknown (a refusal that is wrong stops a synth; one missed only fails
 * the apply): keys sorted; empty maps and lists, nulls, `""` and `false` dropped (equal to missing,
 * as the zero values of non-pointer fields are); the values of `requests`, `limits` and `capacity`
 * maps compared as quantities.
 */
function canon(v: unknown, quantities = false): unknown {
  if (Array.isArray(v)) {
    const items = v.map((x) => canon(x));
    return items.length === 0 ? undefined : items;
  }
  if (v && typeof v === 'object') {
    const out: Json = {};
    for (const k of Object.keys(v).sort()) {
      const c = canon((v as Json)[k], quantities || k === 'requests' || k === 'limits' || k === 'capacity');
      if (c !== undefined) out[k] = c;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  if (v === null || v === '' || v === false) return undefined;
  if (quantities && (typeof v === 'string' || typeof v === 'number')) {
    const q = parseQuantity(String(v));
    return q ? `${q.n}/${q.d}` : v;
  }
  return v;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}

const DRY_RUN =
  'so applying it fails until Git changes again: kustomize-controller server-side dry-runs each apply stage (CRDs and Namespaces, classes, then the rest) whole ' +
  'and applies nothing of that stage or the later ones (fluxcd/pkg ssa ApplyAllStaged), an Argo CD sync fails at that object\'s wave';

/** The other fix for an object that may be recreated: let the engine recreate it. */
function recreate(kind: string): string {
  return `let the GitOps engine delete and recreate the ${kind}: annotate it ${FLUX_FORCE_ANNOTATION}: enabled (Argo CD: ${ARGOCD_SYNC_OPTIONS_ANNOTATION}: Force=true)`;
}

/** The transition from the committed `old` to `next` (same kind and identity). See the module comment. */
export function coreTransition(old: PlainObject, next: PlainObject): CoreTransition {
  const refused: string[] = [];
  const protection: string[] = [];
  const kind = next.kind;
  const a = (old.spec ?? {}) as Json;
  const b = (next.spec ?? {}) as Json;
  const key = `${groupOf(next.apiVersion)}/${kind}`;
  if (notUpdated(old, next)) return { refused, protection };
  if (key === 'apps/StatefulSet') protection.push(...scaleDownReasons(old, next));
  if (recreatedWhenRefused(old, next)) return { refused, protection };
  if (SELECTOR_KINDS.has(key)) {
    if (a.selector !== undefined && !same(a.selector, b.selector)) {
      refused.push(`spec.selector: ${show(a.selector)} → ${show(b.selector ?? null)}: the API server refuses changing a ${kind}'s selector (apps/v1: "field is immutable"), ${DRY_RUN}; ` +
        `keep the selector (the Pod template may get more labels without it), or ${recreate(kind)}`);
    }
  } else if (key === 'apps/StatefulSet') {
    const changed = statefulSetFields(a, b);
    if (changed.length > 0) {
      refused.push(`spec.${changed.join(', spec.')} changed: the API server refuses it ("updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', ` +
        `'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"), ${DRY_RUN}; ` +
        (changed.some((f) => f.startsWith('volumeClaimTemplates'))
          ? 'keep the claim templates (to grow the volumes, raise spec.resources.requests.storage of each existing claim, <template>-<statefulset>-<ordinal>), or ' +
            `recreate the StatefulSet keeping its claims (persistentVolumeClaimRetentionPolicy.whenDeleted: Retain, the default) with ${FLUX_FORCE_ANNOTATION}: enabled (Argo CD: Force=true): ` +
            'the new templates then make only the claims of new ordinals'
          : `keep those fields, or ${recreate(kind)}`));
    }
  } else if (key === 'batch/Job') {
    if (a.ttlSecondsAfterFinished === undefined) {
      const changed = jobFields(a, b);
      if (changed.length > 0) {
        refused.push(`spec.${changed.join(', spec.')} changed: the API server refuses changing a Job's ${changed.length === 1 ? 'field' : 'fields'} ("field is immutable"), ${DRY_RUN}; ` +
          `give the Job a new name (a new run), or ${recreate(kind)}`);
      }
    }
  } else if (key === 'rbac.authorization.k8s.io/RoleBinding' || key === 'rbac.authorization.k8s.io/ClusterRoleBinding') {
    // SetDefaults_RoleBinding: an empty roleRef.apiGroup is rbac.authorization.k8s.io.
    const ref = (v: unknown) => (v && typeof v === 'object' ? { ...(v as Json), apiGroup: (v as Json).apiGroup || 'rbac.authorization.k8s.io' } : v);
    const [x, y] = [ref((old as Json).roleRef), ref((next as Json).roleRef)];
    if (x !== undefined && !same(x, y)) {
      refused.push(`roleRef: ${show(x)} → ${show(y ?? null)}: the API server refuses changing a binding's role ("cannot change roleRef"), ${DRY_RUN}; ` +
        `bind the new role under a new name (the old binding is pruned), or ${recreate(kind)}`);
    }
  } else if (key === '/PersistentVolumeClaim') {
    const t = claimTransition(a, b);
    refused.push(...t.refused);
    protection.push(...t.protection);
  } else if (key === '/PersistentVolume') {
    refused.push(...volumeRefusals(a, b));
  } else if (key === '/ConfigMap' || key === '/Secret') {
    refused.push(...immutableDataRefusals(old as Json, next as Json));
  } else if (key === '/Service') {
    // An address once set stays (validateUpgradeDowngradeClusterIPs); one left out keeps what it
    // was given; a Service that had none was given an address, never None.
    const [x, y] = [a.clusterIP, b.clusterIP];
    const was = typeof x === 'string' && x !== '' ? x : undefined;
    if (typeof y === 'string' && y !== '' && b.type !== 'ExternalName' && a.type !== 'ExternalName' && (was !== undefined ? was !== y : y === 'None')) {
      refused.push(`spec.clusterIP: ${was ?? '(allocated)'} → ${y}: the API server refuses changing a Service's cluster IP ("may not change once set"), ${DRY_RUN}; ` +
        `keep ${was ?? 'it out'}, or ${recreate(kind)}`);
    }
  } else if (key === 'storage.k8s.io/StorageClass') {
    const defaults: Json = { reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' };
    const changed = ['provisioner', 'parameters', 'reclaimPolicy', 'volumeBindingMode'].filter((f) => !same((old as Json)[f] ?? defaults[f], (next as Json)[f] ?? defaults[f]));
    if (changed.length > 0) {
      refused.push(`${changed.join(', ')} changed: the API server refuses it (${changed[0] === 'volumeBindingMode' ? '"field is immutable"' : `"updates to ${changed[0]} are forbidden."`}), ${DRY_RUN}; ` +
        `keep ${changed.length === 1 ? 'it' : 'them'} and make a StorageClass of another name for new volumes (existing volumes keep the class they were made with)`);
    }
  }
  return { refused, protection };
}

/** The StatefulSet spec fields outside the updatable ones that differ (defaults filled in), claim templates by index. */
function statefulSetFields(a: Json, b: Json): string[] {
  const mutable = new Set(['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds']);
  const defaults: Json = { podManagementPolicy: 'OrderedReady' };
  const out: string[] = [];
  for (const f of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (mutable.has(f)) continue;
    if (f === 'volumeClaimTemplates') {
      const [x, y] = [claimTemplates(a.volumeClaimTemplates), claimTemplates(b.volumeClaimTemplates)];
      if (x.length !== y.length) out.push(`volumeClaimTemplates (${x.length} → ${y.length} templates)`);
      else x.forEach((t, i) => { if (!same(t, y[i])) out.push(`volumeClaimTemplates[${i}]${claimTemplateChange(t, y[i])}`); });
      continue;
    }
    if (!same(a[f] ?? defaults[f], b[f] ?? defaults[f])) out.push(f);
  }
  return out;
}

/** The claim templates as the API server keeps them: metadata name, labels and annotations, the spec with `volumeMode: Filesystem`. */
function claimTemplates(v: unknown): Json[] {
  if (!Array.isArray(v)) return [];
  return v.map((t) => {
    const o = (t && typeof t === 'object' ? t : {}) as Json;
    const m = (o.metadata ?? {}) as Json;
    const spec = { ...((o.spec ?? {}) as Json) };
    spec.volumeMode ??= 'Filesystem';
    return { metadata: { name: m.name, labels: m.labels, annotations: m.annotations }, spec };
  });
}

/** ` (<what>)` for the usual claim template changes: the requested storage, the class. */
function claimTemplateChange(x: Json, y: Json): string {
  const storage = (t: Json) => (((t.spec as Json).resources as Json | undefined)?.requests as Json | undefined)?.storage;
  const parts: string[] = [];
  if (!same({ requests: { storage: storage(x) } }, { requests: { storage: storage(y) } })) parts.push(`storage ${show(storage(x) ?? null)} → ${show(storage(y) ?? null)}`);
  const cls = (t: Json) => (t.spec as Json).storageClassName;
  if (!same(cls(x), cls(y))) parts.push(`storageClassName ${show(cls(x) ?? null)} → ${show(cls(y) ?? null)}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/**
 * The Job spec fields `ValidateJobSpecUpdate` keeps immutable that differ, with `SetDefaults_Job`'s
 * `completions` and `parallelism` (1 each when neither is set). A suspended Job's template may
 * change its labels, annotations, node selector, tolerations, node affinity and scheduling gates
 * (`AllowMutableSchedulingDirectives`: the committed Job suspended, so not started, assumed).
 */
function jobFields(a: Json, b: Json): string[] {
  const out: string[] = [];
  const template = (s: Json) => {
    if (a.suspend !== true) return s.template;
    const t = (s.template ?? {}) as Json;
    const spec = { ...((t.spec ?? {}) as Json) };
    for (const f of ['nodeSelector', 'tolerations', 'schedulingGates']) delete spec[f];
    if (spec.affinity && typeof spec.affinity === 'object') {
      const { nodeAffinity: _n, ...rest } = spec.affinity as Json;
      spec.affinity = rest;
    }
    return { spec };
  };
  if (!same(template(a), template(b))) out.push('template');
  if (a.selector !== undefined && !same(a.selector, b.selector)) out.push('selector');
  const mode = (s: Json) => s.completionMode ?? 'NonIndexed';
  if (mode(a) !== mode(b)) out.push('completionMode');
  const completions = (s: Json) => s.completions ?? (s.parallelism === undefined ? 1 : undefined);
  const elastic = mode(b) === 'Indexed' && completions(b) !== undefined && completions(b) === (b.parallelism ?? 1);
  if (!elastic && !same(completions(a), completions(b))) out.push('completions');
  for (const f of ['podFailurePolicy', 'successPolicy', 'backoffLimitPerIndex', 'managedBy']) if (!same(a[f], b[f])) out.push(f);
  return out;
}

/** A PersistentVolumeClaim's refused and protected changes (see the module comment). */
function claimTransition(a: Json, b: Json): { refused: string[]; protection: string[] } {
  const out: string[] = [];
  const protection: string[] = [];
  const storage = (s: Json) => ((s.resources as Json | undefined)?.requests as Json | undefined)?.storage;
  const [x, y] = [storage(a), storage(b)];
  const [qx, qy] = [x !== undefined ? parseQuantity(String(x)) : undefined, y !== undefined ? parseQuantity(String(y)) : undefined];
  if (qx && qy && qy.n * qx.d < qx.n * qy.d) {
    // Refused unless above the capacity the claim has (a failed expansion being undone,
    // RecoverVolumeExpansionFailure, GA in 1.34): the guard cannot see status.capacity.
    protection.push(`requests less storage (${x} → ${y}): the API server refuses it unless the claim's capacity is below ${y} (undoing an expansion that failed; ` +
      '"field can not be less than status.capacity"), and a refused update stops the apply of everything in its stage; a volume never shrinks (to use less, make a new claim and copy the data)');
  }
  const vac = (s: Json) => (typeof s.volumeAttributesClassName === 'string' && s.volumeAttributesClassName !== '' ? s.volumeAttributesClassName : undefined);
  if (vac(a) !== undefined && vac(b) === undefined) {
    out.push(`spec.volumeAttributesClassName: ${vac(a)} → (none): the API server refuses removing it ("update from non-nil value to nil is forbidden"), ${DRY_RUN}; keep it, or name another class`);
  }
  // The spec but resources.requests and volumeAttributesClassName; what the server may have filled
  // in (the default class, the bound volume) only where the committed claim set it.
  const rest = (s: Json) => {
    const r: Json = { ...s };
    delete r.volumeAttributesClassName;
    const res = { ...((r.resources ?? {}) as Json) };
    delete res.requests;
    r.resources = res;
    r.volumeMode ??= 'Filesystem';
    for (const f of ['storageClassName', 'volumeName']) if (a[f] === undefined) delete r[f];
    return r;
  };
  const [ra, rb] = [rest(a), rest(b)];
  const changed = [...new Set([...Object.keys(ra), ...Object.keys(rb)])].filter((f) => !same(ra[f], rb[f])).sort();
  if (changed.length > 0) {
    out.push(`spec.${changed.join(', spec.')} changed: the API server refuses it ("spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"), ${DRY_RUN}; ` +
      'keep the claim as it is, or make a new claim under another name and copy the data');
  }
  return { refused: out, protection };
}

/** The fields of a PersistentVolumeSource (core/v1): which volume the PersistentVolume is. */
const VOLUME_SOURCES = [
  'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'csi', 'fc', 'flexVolume', 'flocker', 'gcePersistentDisk', 'glusterfs', 'hostPath',
  'iscsi', 'local', 'nfs', 'photonPersistentDisk', 'portworxVolume', 'quobyte', 'rbd', 'scaleIO', 'storageos', 'vsphereVolume',
];

/**
 * A statically provisioned PersistentVolume's refused changes (`ValidatePersistentVolumeUpdate`):
 * its volume source ("spec.persistentvolumesource is immutable after creation"; a CSI volume may
 * get a `controllerExpandSecretRef` it had not), its `volumeMode` (default Filesystem), and its
 * `nodeAffinity` once set.
 */
function volumeRefusals(a: Json, b: Json): string[] {
  const source = (s: Json, other: Json) => {
    const out: Json = {};
    for (const f of VOLUME_SOURCES) if (s[f] !== undefined) out[f] = s[f];
    const csi = out.csi as Json | undefined;
    const otherCsi = other.csi as Json | undefined;
    if (csi && s === b && otherCsi && otherCsi.controllerExpandSecretRef === undefined) {
      const { controllerExpandSecretRef: _r, ...rest } = csi;
      out.csi = rest;
    }
    return out;
  };
  const changed: string[] = [];
  if (!same(source(a, b), source(b, a))) changed.push('the volume source');
  if ((a.volumeMode ?? 'Filesystem') !== (b.volumeMode ?? 'Filesystem')) changed.push('volumeMode');
  if (a.nodeAffinity !== undefined && !same(a.nodeAffinity, b.nodeAffinity)) changed.push('nodeAffinity');
  if (changed.length === 0) return [];
  return [
    `spec: ${changed.join(', ')} changed: the API server refuses it ("spec.persistentvolumesource is immutable after creation", "field is immutable"), ${DRY_RUN}; ` +
      'keep the volume as it is, or write a PersistentVolume of another name for the new volume and bind a new claim to it',
  ];
}

/** A ConfigMap's or Secret's refused changes when the committed one was `immutable: true`; a Secret's `type`. */
function immutableDataRefusals(old: Json, next: Json): string[] {
  const out: string[] = [];
  if (next.kind === 'Secret' && (old.type ?? 'Opaque') !== (next.type ?? 'Opaque')) {
    out.push(`type: ${show(old.type ?? 'Opaque')} → ${show(next.type ?? 'Opaque')}: the API server refuses changing a Secret's type ("field is immutable"), ${DRY_RUN}; keep the type, or ${recreate('Secret')}`);
  }
  if (old.immutable !== true) return out;
  const fields: string[] = [];
  if (next.immutable !== true) fields.push('immutable');
  // A Secret's stringData is written into data.
  const data = (o: Json) => next.kind === 'Secret'
    ? { ...((o.data ?? {}) as Json), ...Object.fromEntries(Object.entries((o.stringData ?? {}) as Json).map(([k, v]) => [k, Buffer.from(String(v)).toString('base64')])) }
    : o.data;
  if (!same(data(old), data(next))) fields.push(next.kind === 'Secret' ? 'data (with stringData)' : 'data');
  if (!same(old.binaryData, next.binaryData)) fields.push('binaryData');
  if (fields.length > 0) {
    out.push(`${fields.join(', ')} changed: the ${next.kind} is immutable: true, and the API server refuses changing it ("field is immutable when \`immutable\` is set"), ${DRY_RUN}; ` +
      `write the new data under a new name (kustomize's ${next.kind === 'Secret' ? 'secretGenerator' : 'configMapGenerator'} adds a content hash) and point its users at it, or ${recreate(String(next.kind))}`);
  }
  return out;
}

/**
 * The protection reasons of a StatefulSet whose ordinals shrink while it deletes the claims of the
 * ordinals it removes (`whenScaled: Delete`, with claim templates). `replicas` removed from Git is
 * taken as 1: Flux and Argo CD drop a field Git no longer has, and the API server defaults it to 1
 * (unless a HorizontalPodAutoscaler also manages it, which the message says). The committed one
 * must be written (else who sets it is not in Git).
 */
function scaleDownReasons(old: PlainObject, next: PlainObject): string[] {
  const a = (old.spec ?? {}) as Json;
  const b = (next.spec ?? {}) as Json;
  const policy = (b.persistentVolumeClaimRetentionPolicy ?? {}) as Json;
  const templates = claimTemplates(b.volumeClaimTemplates);
  if (policy.whenScaled !== 'Delete' || templates.length === 0) return [];
  if (typeof a.replicas !== 'number' || (b.replicas !== undefined && typeof b.replicas !== 'number')) return [];
  const dropped = b.replicas === undefined;
  const replicas = typeof b.replicas === 'number' ? b.replicas : 1;
  const start = (s: Json) => {
    const v = (s.ordinals as Json | undefined)?.start;
    return typeof v === 'number' ? v : 0;
  };
  const [s0, s1] = [start(a), start(b)];
  const removed: number[] = [];
  for (let i = s0; i < s0 + a.replicas; i++) if (i < s1 || i >= s1 + replicas) removed.push(i);
  if (removed.length === 0) return [];
  const ordinals = removed.length <= 3 ? removed.join(', ') : `${removed[0]}–${removed[removed.length - 1]}`;
  const names = templates.map((t) => `${String((t.metadata as Json).name)}-${next.metadata?.name ?? ''}-<ordinal>`).join(', ');
  return [
    `scales from ordinals ${s0}–${s0 + a.replicas - 1} to ${replicas === 0 ? 'none' : `${s1}–${s1 + replicas - 1}`}` +
      `${dropped ? ' (replicas removed from Git: the API server defaults it to 1, unless a HorizontalPodAutoscaler manages it)' : ''} with persistentVolumeClaimRetentionPolicy.whenScaled: Delete: ` +
      `the StatefulSet controller deletes the PersistentVolumeClaims of ordinals ${ordinals} (${names}), and their data`,
  ];
}

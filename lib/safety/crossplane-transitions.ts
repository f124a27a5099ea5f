/**
 * Day-2 changes of Crossplane definitions and kro graphs (see {@link resourceGraphTransition} and
 * {@link compositionRefOf} for the latter and for composite resources switching Composition).
 * Crossplane definitions the API server refuses, found by comparing the committed
 * object with the new one of the same identity (the destroy guard pairs them, see `guardApp`):
 * a CompositeResourceDefinition's `spec.group`, `spec.names`, `spec.claimNames` and `spec.scope`, and
 * a Composition's `spec.compositeTypeRef`, are immutable (Crossplane's CEL rules `self == oldSelf`,
 * apis/apiextensions/v2 `xrd_types.go`, v1 `composition_types.go`). The refusal fails the server-side
 * dry-run of the whole Flux Kustomization applying it, for good, and everything depending on it
 * waits. (An XRD whose `spec.names.plural` or `spec.group` changes gets another name, `<plural>.<group>`:
 * that is the removal of the old one and a new one, not an update.)
 */
import { imageName, imageTag } from '../core/image-ref';
import { groupOf } from '../core/validation/metadata';
import { show } from './aso-transitions';
import { versionSkew } from './cluster-transitions';
import type { PlainObject } from './protection';

type Json = Record<string, unknown>;

const CROSSPLANE_GROUP = 'apiextensions.crossplane.io';
const PKG_GROUP = 'pkg.crossplane.io';

/** Whether the guard compares objects of this kind (see {@link crossplaneTransition}). */
export function comparesCrossplaneDefinition(o: { apiVersion: string; kind: string }): boolean {
  const group = groupOf(o.apiVersion);
  return ((o.kind === 'CompositeResourceDefinition' || o.kind === 'Composition') && group === CROSSPLANE_GROUP) || (isPackageKind(o.kind) && group === PKG_GROUP);
}

function isPackageKind(kind: string): boolean {
  return kind === 'Provider' || kind === 'Function' || kind === 'Configuration';
}

/** What a change of a Crossplane definition or package means: refused, and protection reasons (allowed by its allow id). */
export interface CrossplaneTransition {
  readonly refused: string[];
  readonly protection: string[];
}

/**
 * The transition of a Crossplane definition or package from `old` to `next` (same kind and
 * identity). `compositionsOf` gives the Compositions the new app has for a composite kind
 * (`group/Kind`), with their `compositeTypeRef.apiVersion`:
 *
 * - immutable fields (refused): see the module comment; also an XRD's `enforcedCompositionRef`;
 * - an XRD's versions: removing the referenceable version is refused: it is the storage version of
 *   the CRD Crossplane generates (crossplane `pkg/xcrd/crd.go`: `Storage: vr.Referenceable`), so the
 *   CRD's `status.storedVersions` lists it and the API server refuses Crossplane's CRD update ("must
 *   appear in spec.versions"); Crossplane records an event and keeps the old CRD, ignoring every
 *   later change of the XRD, and migrates no storage version of composite kinds (its
 *   `crds_migrator.go` covers three core CRDs). Removing another version is protected (it may have
 *   been the storage version of an earlier commit). A new referenceable version is protected when
 *   Compositions of the app still compose the old one: Crossplane composes an XR only with a
 *   Composition whose `compositeTypeRef.apiVersion` is the XR's (`composite/api.go`: "no compatible
 *   Compositions found", "referenced composition is not compatible with this composite
 *   resource"), and refused when none composes the new one;
 * - a Provider, Function or Configuration package whose tag goes to a lower version: protected.
 *   Crossplane does not check a direct downgrade; the running revision is deactivated at once, and
 *   if the older package lacks a CRD version the CRD's `status.storedVersions` lists, its revision
 *   never becomes healthy ("cannot establish control of object") and nothing reconciles the kinds.
 */
export function crossplaneTransition(old: PlainObject, next: PlainObject, compositionsOf: (kind: string) => ReadonlyArray<{ readonly name: string; readonly apiVersion: string }> = () => []): CrossplaneTransition {
  const a = (old.spec ?? {}) as Json;
  const b = (next.spec ?? {}) as Json;
  const refused: string[] = [];
  const protection: string[] = [];
  if (isPackageKind(next.kind)) {
    const [pkg, pkg2] = [a.package, b.package];
    const [from, to] = typeof pkg === 'string' && typeof pkg2 === 'string' && imageName(pkg) === imageName(pkg2) ? [imageTag(pkg), imageTag(pkg2)] : [];
    const skew = from !== undefined && to !== undefined ? versionSkew(from, to) : undefined;
    if (skew && 'downgrade' in skew) {
      protection.push(`spec.package: ${show(a.package)} → ${show(b.package)} is a downgrade: Crossplane deactivates the running revision at once and does not check it; ` +
        'if the older package lacks a CRD version the cluster stores objects in (the CRD\'s status.storedVersions), its revision never becomes healthy ("cannot establish control of object") and nothing reconciles those kinds');
    }
    return { refused, protection };
  }
  const fields = next.kind === 'CompositeResourceDefinition' ? ['group', 'names', 'claimNames', 'scope', 'enforcedCompositionRef'] : ['compositeTypeRef'];
  for (const f of fields) {
    if (a[f] === undefined || b[f] === undefined || JSON.stringify(a[f]) === JSON.stringify(b[f])) continue;
    refused.push(
      `spec.${f}: ${show(a[f])} → ${show(b[f])}: immutable (Crossplane's validation: self == oldSelf), so the API server refuses the update and the Kustomization applying it fails for good; ` +
        (next.kind === 'CompositeResourceDefinition'
          ? 'keep it, or define a new CompositeResourceDefinition beside this one and move the composite resources to it'
          : 'keep it, or create a new Composition for the other composite type'),
    );
  }
  if (next.kind === 'CompositeResourceDefinition') xrdVersions(a, b, compositionsOf, refused, protection);
  return { refused, protection };
}

/** See {@link crossplaneTransition}: an XRD's versions. */
function xrdVersions(a: Json, b: Json, compositionsOf: Parameters<typeof crossplaneTransition>[2] & {}, refused: string[], protection: string[]): void {
  const versions = (s: Json) => (Array.isArray(s.versions) ? (s.versions as unknown[]).filter((v): v is Json => v !== null && typeof v === 'object' && typeof (v as Json).name === 'string') : []);
  const [before, after] = [versions(a), versions(b)];
  if (before.length === 0 || after.length === 0) return;
  const names = new Set(after.map((v) => v.name as string));
  const referenceable = (list: Json[]) => list.find((v) => v.referenceable === true)?.name as string | undefined;
  const [was, now] = [referenceable(before), referenceable(after)];
  const storage = 'the storage version of the CRD Crossplane generates for it';
  const storedVersions = 'the CRD\'s status.storedVersions';
  for (const v of before) {
    const name = v.name as string;
    if (names.has(name)) continue;
    if (name === was) {
      refused.push(`spec.versions: ${name} is removed while it is the referenceable version (${storage}): ${storedVersions} lists it, so the API server refuses Crossplane's CRD update ("must appear in spec.versions") ` +
        'and Crossplane keeps the old CRD, ignoring every later change of this XRD; make another version referenceable first, rewrite the stored objects and trim ' +
        `${storedVersions} to it (Crossplane migrates no composite kind), then remove ${name}`);
    } else {
      protection.push(`spec.versions: ${name} is removed: if it was ever the referenceable version (${storage}), ${storedVersions} may still list it, and the API server then refuses Crossplane's CRD update ` +
        `("must appear in spec.versions"), so this XRD stops changing; check ${storedVersions} first`);
    }
  }
  if (was === undefined || now === undefined || was === now || !names.has(was)) return;
  const group = typeof b.group === 'string' ? b.group : '';
  const kind = (b.names as Json | undefined)?.kind;
  if (typeof kind !== 'string') return;
  const compositions = compositionsOf(`${group}/${kind}`);
  const stale = compositions.filter((c) => c.apiVersion === `${group}/${was}`).map((c) => c.name).sort();
  const current = compositions.filter((c) => c.apiVersion === `${group}/${now}`);
  const compatible = 'Crossplane composes a composite resource only with Compositions whose compositeTypeRef.apiVersion is the referenceable one';
  if (compositions.length > 0 && current.length === 0) {
    refused.push(`spec.versions: the referenceable version becomes ${now} (was ${was}), but no Composition of the app composes ${group}/${now}: ${compatible} ("no compatible Compositions found"), ` +
      `so no composite resource of the kind composes any more; add Compositions for ${group}/${now} (compositeTypeRef is immutable: new ones, other names) in this change`);
  } else if (stale.length > 0) {
    protection.push(`spec.versions: the referenceable version becomes ${now} (was ${was}) while Compositions ${stale.join(', ')} compose ${group}/${was}: ${compatible}, ` +
      'so a composite resource naming one of them fails ("referenced composition is not compatible with this composite resource"); point them at Compositions for the new version first');
  }
}


/** The Composition a composite resource names explicitly (`spec.crossplane.compositionRef`, v1 `spec.compositionRef`), if any. */
export function compositionRefOf(o: PlainObject): string | undefined {
  const spec = (o.spec ?? {}) as { crossplane?: { compositionRef?: { name?: unknown } }; compositionRef?: { name?: unknown } };
  const name = spec.crossplane?.compositionRef?.name ?? spec.compositionRef?.name;
  return typeof name === 'string' ? name : undefined;
}

/** A kro template's `metadata.namespace`/`metadata.name` as written (expressions included). */
function shownName(r: { name?: unknown; namespace?: unknown }): string {
  const str = (v: unknown) => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
  return `${r.namespace !== undefined ? `${str(r.namespace)}/` : ''}${str(r.name)}`;
}

/** Whether `o` is a kro ResourceGraphDefinition. */
export function isResourceGraphDefinition(o: { apiVersion: string; kind: string }): boolean {
  return o.kind === 'ResourceGraphDefinition' && groupOf(o.apiVersion) === 'kro.run';
}

/**
 * The protection reasons of a kro ResourceGraphDefinition's change from `old` to `next` (same
 * identity): a resource whose template is of a stateful kind (`isStateful`) removed from the graph,
 * made another kind, given another name or namespace (another object: the old one is pruned), or
 * given an `includeWhen` it did not have, or another one. kro applies each instance's resources
 * as an apply set and prunes what the graph no longer includes (kro `pkg/controller/instance`,
 * `applyset`: that is how `includeWhen` false works), so that resource of every instance is deleted
 * (its Azure resource too, unless it is retained: ASO's `detach-on-delete` orphans it).
 */
export function resourceGraphTransition(old: PlainObject, next: PlainObject, isStateful: (apiVersion: string, kind: string) => boolean): string[] {
  const resources = (o: PlainObject) => {
    const list = ((o.spec ?? {}) as Json).resources;
    const out = new Map<string, { apiVersion?: unknown; kind?: unknown; includeWhen?: unknown; name?: unknown; namespace?: unknown }>();
    for (const r of Array.isArray(list) ? list : []) {
      if (r === null || typeof r !== 'object' || typeof (r as Json).id !== 'string') continue;
      const t = ((r as Json).template ?? {}) as Json;
      const meta = (t.metadata ?? {}) as Json;
      out.set((r as Json).id as string, { apiVersion: t.apiVersion, kind: t.kind, includeWhen: (r as Json).includeWhen, name: meta.name, namespace: meta.namespace });
    }
    return out;
  };
  const now = resources(next);
  const out: string[] = [];
  for (const [id, r] of resources(old)) {
    if (typeof r.apiVersion !== 'string' || typeof r.kind !== 'string' || !isStateful(r.apiVersion, r.kind)) continue;
    const what = `resource "${id}" (stateful ${groupOf(r.apiVersion)}/${r.kind})`;
    const n = now.get(id);
    const change = !n
      ? 'is no longer in the graph'
      : groupOf(String(n.apiVersion ?? '')) !== groupOf(r.apiVersion) || n.kind !== r.kind
        ? `is now ${groupOf(String(n.apiVersion ?? ''))}/${String(n.kind ?? '')}`
        : r.includeWhen === undefined && n.includeWhen !== undefined
          ? 'gets an includeWhen: where it is false, kro no longer includes it'
          : n.includeWhen !== undefined && JSON.stringify(r.includeWhen) !== JSON.stringify(n.includeWhen)
            ? `gets another includeWhen (${JSON.stringify(r.includeWhen)} → ${JSON.stringify(n.includeWhen)}): where the new one is false, kro no longer includes it`
            : JSON.stringify(r.name) !== JSON.stringify(n.name) || JSON.stringify(r.namespace) !== JSON.stringify(n.namespace)
              ? `is named otherwise (${shownName(r)} → ${shownName(n)}), a new object`
              : undefined;
    if (change) out.push(`${what} ${change}: kro prunes it from every instance (deleting its Azure resource too, unless it is retained); a renamed resource is a new, empty one`);
  }
  return out;
}

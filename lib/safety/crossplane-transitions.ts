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
import { groupOf } from '../core/validation/metadata';
import { show } from './aso-transitions';
import type { PlainObject } from './protection';

type Json = Record<string, unknown>;

const CROSSPLANE_GROUP = 'apiextensions.crossplane.io';

/** Whether the guard compares objects of this kind (see {@link crossplaneTransition}). */
export function comparesCrossplaneDefinition(o: { apiVersion: string; kind: string }): boolean {
  return (o.kind === 'CompositeResourceDefinition' || o.kind === 'Composition') && groupOf(o.apiVersion) === CROSSPLANE_GROUP;
}

/** The refusals of a change from `old` to `next` (same kind and identity). */
export function crossplaneTransition(old: PlainObject, next: PlainObject): string[] {
  const a = (old.spec ?? {}) as Json;
  const b = (next.spec ?? {}) as Json;
  const fields = next.kind === 'CompositeResourceDefinition' ? ['group', 'names', 'claimNames', 'scope'] : ['compositeTypeRef'];
  const out: string[] = [];
  for (const f of fields) {
    if (a[f] === undefined || b[f] === undefined || JSON.stringify(a[f]) === JSON.stringify(b[f])) continue;
    out.push(
      `spec.${f}: ${show(a[f])} → ${show(b[f])}: immutable (Crossplane's validation: self == oldSelf), so the API server refuses the update and the Kustomization applying it fails for good; ` +
        (next.kind === 'CompositeResourceDefinition'
          ? 'keep it, or define a new CompositeResourceDefinition beside this one and move the composite resources to it'
          : 'keep it, or create a new Composition for the other composite type'),
    );
  }
  return out;
}

/** The Composition a composite resource names explicitly (`spec.crossplane.compositionRef`, v1 `spec.compositionRef`), if any. */
export function compositionRefOf(o: PlainObject): string | undefined {
  const spec = (o.spec ?? {}) as { crossplane?: { compositionRef?: { name?: unknown } }; compositionRef?: { name?: unknown } };
  const name = spec.crossplane?.compositionRef?.name ?? spec.compositionRef?.name;
  return typeof name === 'string' ? name : undefined;
}

/** Whether `o` is a kro ResourceGraphDefinition. */
export function isResourceGraphDefinition(o: { apiVersion: string; kind: string }): boolean {
  return o.kind === 'ResourceGraphDefinition' && groupOf(o.apiVersion) === 'kro.run';
}

/**
 * The protection reasons of a kro ResourceGraphDefinition's change from `old` to `next` (same
 * identity): a resource whose template is of a stateful kind (`isStateful`) removed from the graph,
 * made another kind, or given an `includeWhen` it did not have. kro applies each instance's resources
 * as an apply set and prunes what the graph no longer includes (kro `pkg/controller/instance`,
 * `applyset`: that is how `includeWhen` false works), so that resource of every instance is deleted
 * (its Azure resource too, unless it is retained: ASO's `detach-on-delete` orphans it).
 */
export function resourceGraphTransition(old: PlainObject, next: PlainObject, isStateful: (apiVersion: string, kind: string) => boolean): string[] {
  const resources = (o: PlainObject) => {
    const list = ((o.spec ?? {}) as Json).resources;
    const out = new Map<string, { apiVersion?: unknown; kind?: unknown; includeWhen?: unknown }>();
    for (const r of Array.isArray(list) ? list : []) {
      if (r === null || typeof r !== 'object' || typeof (r as Json).id !== 'string') continue;
      const t = ((r as Json).template ?? {}) as Json;
      out.set((r as Json).id as string, { apiVersion: t.apiVersion, kind: t.kind, includeWhen: (r as Json).includeWhen });
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
          : undefined;
    if (change) out.push(`${what} ${change}: kro prunes it from every instance (deleting its Azure resource too, unless it is retained); a renamed resource is a new, empty one`);
  }
  return out;
}

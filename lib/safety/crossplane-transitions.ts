/**
 * Day-2 changes of Crossplane definitions the API server refuses, found by comparing the committed
 * object with the new one of the same identity (the destroy guard pairs them, see `guardApp`):
 * a CompositeResourceDefinition's `spec.group`, `spec.names`, `spec.claimNames` and `spec.scope`, and
 * a Composition's `spec.compositeTypeRef`, are immutable (Crossplane's CEL rules `self == oldSelf`,
 * apis/apiextensions/v2 `xrd_types.go`, v1 `composition_types.go`). The refusal fails the server-side
 * dry-run of the whole Flux Kustomization applying it, for good, and everything depending on it
 * waits. (An XRD whose `spec.names.plural` or `spec.group` changes gets another name, `<plural>.<group>`:
 * that is the removal of the old one and a new one, not an update.)
 */
import { groupOf } from '../core/validation/metadata';
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
    const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
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

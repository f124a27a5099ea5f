/**
 * Stage 3, check (the whole-app part; per-object schema and CEL validation runs inside the render
 * pass, see render.ts): every recorded reference resolves to an object of the app on the same
 * cluster or to something declared as provided.
 */
import { describeRef, refKey, WORKLOAD_REF_KINDS, type ObjectRef } from '../../core/references';
import type { Folder } from '../folder';
import { ANY_NAMESPACE } from './collect';
import type { FolderGroups, PlacedWorkloadRef } from './types';

/**
 * Every recorded reference (see `addReference`) that points at no object of the app on the same
 * cluster and at nothing declared with `addProvided`.
 */
export function unresolvedReferences(groups: FolderGroups, present: Set<string>, workloadRefs: readonly PlacedWorkloadRef[] = []): string[] {
  const problems: string[] = [];
  const clusterOf = (folder: Folder) => groups.clusters.get(folder) ?? folder.cluster ?? '';
  const tryRef = (where: string, f: () => ObjectRef): ObjectRef | undefined => {
    try {
      return f();
    } catch (e) {
      problems.push(`${where}: ${(e as Error).message}`);
      return undefined;
    }
  };
  const available = new Set(present);
  for (const { folder, target } of groups.provided) {
    const ref = tryRef(folder.node.path, target);
    if (ref) available.add(refKey(clusterOf(folder), ref));
  }
  for (const { path: where, folder, prop, target } of groups.references) {
    const ref = tryRef(where, target);
    if (!ref) continue;
    const cluster = clusterOf(folder);
    if (available.has(refKey(cluster, ref))) continue;
    const on = cluster ? ` applied to cluster "${cluster}"` : '';
    problems.push(
      `${where}: prop "${prop}": refers to ${describeRef(ref)}, which is not an object of the app${on}; ` +
        'create it, or declare an existing one with the kind\'s fromName(...) import',
    );
  }
  // Secrets, ConfigMaps and ServiceAccounts a workload's pods read: same namespace, same cluster.
  const elsewhere = new Map<string, string[]>();
  for (const k of available) {
    const [cluster, group, kind, ns, name] = k.split('\u0000');
    if (group !== '' || !WORKLOAD_REF_KINDS.has(kind)) continue;
    const id = `${cluster}\u0000${kind}\u0000${name}`;
    elsewhere.set(id, [...(elsewhere.get(id) ?? []), ns]);
  }
  for (const r of workloadRefs) {
    const ref: ObjectRef = { apiGroup: '', kind: r.kind, name: r.name, namespace: r.namespace };
    if (available.has(refKey(r.cluster, ref)) || available.has(refKey(r.cluster, { ...ref, namespace: ANY_NAMESPACE }))) continue;
    const on = r.cluster ? ` applied to cluster "${r.cluster}"` : '';
    const other = (elsewhere.get(`${r.cluster}\u0000${r.kind}\u0000${r.name}`) ?? []).filter((n) => n !== (r.namespace ?? ''));
    const hint = other.length > 0
      ? `; ${r.kind}/${other[0]}/${r.name} exists in namespace "${other[0]}", but pods read ${r.kind}s from their own namespace "${r.namespace ?? ''}": create or export it there`
      : `; create it, export it from a controller (ASO operatorSpec, Crossplane connection secret, SealedSecret), declare an existing one with fromName(...), or mark the reference optional: true`;
    problems.push(`${r.path}: ${r.object}: ${r.field}: refers to ${describeRef(ref)}, which is not an object of the app${on}${hint}`);
  }
  return problems.sort();
}

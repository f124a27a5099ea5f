// What a tenant's ServiceAccount may apply, as far as the app's RBAC objects show it.
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { type PolicyRule } from '../core/kinds';
import { allConstructs, memoForSynthPass } from '../core/synth-pass';
import type { Folder } from '../gitops/folder';
import { folderClusters, nearestFolder } from './placement';

/** Kubernetes' `cluster-admin` ClusterRole, which the API server keeps (its rules are known). */
const CLUSTER_ADMIN_RULES: readonly PolicyRule[] = [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }];

/** A role definition of the app: its rules (undefined: aggregated, filled in by the controller manager), its folder and cluster. */
interface RoleDef {
  readonly rules?: readonly PolicyRule[];
  readonly folder?: Folder;
  readonly cluster: string;
}

/** A RoleBinding or ClusterRoleBinding of the app. */
interface Binding {
  readonly kind: 'RoleBinding' | 'ClusterRoleBinding';
  readonly namespace?: string;
  readonly roleRef: { readonly kind: string; readonly name: string };
  readonly folder?: Folder;
  readonly cluster: string;
}

/** The app's RBAC objects, indexed once per synth pass. */
interface RbacIndex {
  /** Role definitions by `ClusterRole\u0000<name>` and `Role\u0000<namespace>/<name>`. */
  readonly roles: ReadonlyMap<string, readonly RoleDef[]>;
  /** Bindings by subject: `sa:<namespace>/<name>`, `user:<name>`, `group:<name>`. */
  readonly bySubject: ReadonlyMap<string, readonly Binding[]>;
}

/** What an identity may do, as the app's bindings show it: rules, or undefined when a bound role is not known. */
export interface Permissions {
  /** The bindings found (`<kind> "<name>"` of each bound role, for messages). */
  readonly roles: readonly string[];
  /** What it may do in the namespace: every binding's rules; undefined when one of them is not known. */
  readonly namespaced?: readonly PolicyRule[];
  /** What it may do at the cluster scope: its ClusterRoleBindings' rules; undefined when one is not known. */
  readonly clusterScoped?: readonly PolicyRule[];
  /** Whether any ClusterRoleBinding binds it. */
  readonly clusterBound: boolean;
}

const RBAC_INDEX = Symbol('rbac index');
const CLUSTER_OF = Symbol('rbac cluster of');

/**
 * The cluster the objects of a folder are applied to, as far as the folder says: its `cluster`, or
 * its nearest parent folder's; `''` when none names one (a shared folder some cluster's
 * Kustomization applies: it may be any). RBAC objects grant on their own cluster only.
 */
export function rbacClusterOf(root: IConstruct, folder: Folder | undefined): string {
  if (!folder) return '';
  return memoForSynthPass(CLUSTER_OF, root, () => folderClusters())(folder);
}

/** Whether objects of clusters `a` and `b` ({@link rbacClusterOf}) may be on the same cluster. */
export function sameCluster(a: string, b: string): boolean {
  return a === '' || b === '' || a === b;
}

function rbacIndex(root: IConstruct): RbacIndex {
  return memoForSynthPass(RBAC_INDEX, root, () => {
    const roles = new Map<string, RoleDef[]>();
    const bySubject = new Map<string, Binding[]>();
    const push = <T>(m: Map<string, T[]>, key: string, v: T) => {
      const list = m.get(key);
      if (list) list.push(v);
      else m.set(key, [v]);
    };
    for (const c of allConstructs(root)) {
      if (!(c instanceof ApiObject) || c.apiVersion !== 'rbac.authorization.k8s.io/v1') continue;
      if (c.kind !== 'ClusterRole' && c.kind !== 'Role' && c.kind !== 'RoleBinding' && c.kind !== 'ClusterRoleBinding') continue;
      const folder = nearestFolder(c);
      const cluster = rbacClusterOf(root, folder);
      if (c.kind === 'ClusterRole' || c.kind === 'Role') {
        const json = c.toJson() as { metadata?: { namespace?: string }; rules?: PolicyRule[]; aggregationRule?: unknown };
        const key = c.kind === 'Role' ? `Role\u0000${json.metadata?.namespace ?? ''}/${c.name}` : `ClusterRole\u0000${c.name}`;
        push(roles, key, { rules: json.aggregationRule !== undefined ? undefined : json.rules ?? [], folder, cluster });
      } else {
        const json = c.toJson() as { metadata?: { namespace?: string }; roleRef?: { kind?: string; name?: string }; subjects?: Array<{ kind?: string; name?: string; namespace?: string }> };
        if (typeof json.roleRef?.kind !== 'string' || typeof json.roleRef.name !== 'string') continue;
        const binding: Binding = { kind: c.kind, namespace: json.metadata?.namespace, roleRef: { kind: json.roleRef.kind, name: json.roleRef.name }, folder, cluster };
        for (const s of json.subjects ?? []) {
          const key = s.kind === 'ServiceAccount' ? `sa:${s.namespace ?? binding.namespace ?? ''}/${s.name}` : s.kind === 'User' ? `user:${s.name}` : s.kind === 'Group' ? `group:${s.name}` : undefined;
          if (key) push(bySubject, key, binding);
        }
      }
    }
    return { roles, bySubject };
  });
}

/**
 * What the ServiceAccount `<namespace>/<name>` may do on the cluster `cluster` ({@link rbacClusterOf}:
 * the RBAC objects of folders naming another cluster are left out),
 * from the RoleBindings in its namespace and the ClusterRoleBindings of the app on that cluster
 * naming it (as a ServiceAccount, as the user `system:serviceaccount:<namespace>:<name>`, or a
 * group it is in: `system:serviceaccounts`, `system:serviceaccounts:<namespace>`,
 * `system:authenticated`). RBAC objects in the folders `applies` lists are left out: the
 * ServiceAccount would have to apply them itself, which RBAC refuses (it cannot grant itself what
 * it lacks). A bound role the app does not hold there (kept outside the app), an aggregated one,
 * or one of Kubernetes' own but `cluster-admin` is not known: then the scope it grants is undefined.
 */
export function serviceAccountPermissions(root: IConstruct, namespace: string, name: string, cluster: string, applies: ReadonlySet<Folder> = new Set()): Permissions {
  const index = rbacIndex(root);
  const subjects = [`sa:${namespace}/${name}`, `user:system:serviceaccount:${namespace}:${name}`, 'group:system:serviceaccounts', `group:system:serviceaccounts:${namespace}`, 'group:system:authenticated'];
  const seen = new Set<string>();
  const bindings: Binding[] = [];
  for (const subject of subjects) {
    for (const b of index.bySubject.get(subject) ?? []) {
      if (!sameCluster(b.cluster, cluster) || (b.folder && applies.has(b.folder)) || (b.kind === 'RoleBinding' && b.namespace !== namespace)) continue;
      // The same role bound twice grants the same: once.
      const key = `${b.kind}\u0000${b.roleRef.kind}\u0000${b.roleRef.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      bindings.push(b);
    }
  }
  const roleRules = (b: Binding): readonly PolicyRule[] | undefined => {
    if (b.roleRef.kind === 'ClusterRole' && b.roleRef.name === 'cluster-admin') return CLUSTER_ADMIN_RULES;
    if (b.roleRef.kind === 'Role' && b.kind !== 'RoleBinding') return undefined;
    const key = b.roleRef.kind === 'Role' ? `Role\u0000${namespace}/${b.roleRef.name}` : `ClusterRole\u0000${b.roleRef.name}`;
    const all = (index.roles.get(key) ?? []).filter((d) => sameCluster(d.cluster, cluster) && sameCluster(d.cluster, b.cluster));
    // Defined only in the tenant's own folders: it cannot create it (RBAC refuses a role granting
    // more than its creator has), so the binding grants nothing.
    const defs = all.filter((d) => !(d.folder && applies.has(d.folder)));
    if (all.length > 0 && defs.length === 0) return [];
    if (defs.length === 0 || defs.some((d) => d.rules === undefined)) return undefined;
    return defs.flatMap((d) => d.rules!);
  };
  const roles: string[] = [];
  let namespaced: PolicyRule[] | undefined = [];
  let clusterScoped: PolicyRule[] | undefined = [];
  for (const b of bindings) {
    const text = `${b.roleRef.kind} "${b.roleRef.name}"`;
    if (!roles.includes(text)) roles.push(text);
    const rules = roleRules(b);
    if (!rules) namespaced = undefined;
    else namespaced?.push(...rules);
    if (b.kind === 'ClusterRoleBinding') {
      if (!rules) clusterScoped = undefined;
      else clusterScoped?.push(...rules);
    }
  }
  return { roles, namespaced, clusterScoped, clusterBound: bindings.some((b) => b.kind === 'ClusterRoleBinding') };
}

// What a tenant's ServiceAccount may apply, as far as the app's RBAC objects show it.
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { type PolicyRule } from '../core/kinds';
import { allConstructs, memoForSynthPass } from '../core/synth-pass';

/** Kubernetes' `cluster-admin` ClusterRole, which the API server keeps (its rules are known). */
const CLUSTER_ADMIN_RULES: readonly PolicyRule[] = [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }];

/** A role of the app: its rules, or undefined when they are not known. */
interface KnownRole {
  /** The rules of every definition of it in the app (one per cluster, identical ones once); undefined: not known. */
  readonly rules?: readonly PolicyRule[];
}

/** A RoleBinding or ClusterRoleBinding of the app. */
interface Binding {
  readonly kind: 'RoleBinding' | 'ClusterRoleBinding';
  readonly namespace?: string;
  readonly roleRef: { readonly kind: string; readonly name: string };
}

/** The app's RBAC objects, indexed once per synth pass. */
interface RbacIndex {
  /** ClusterRoles by name. */
  readonly clusterRoles: ReadonlyMap<string, KnownRole>;
  /** Roles by `<namespace>/<name>`. */
  readonly roles: ReadonlyMap<string, KnownRole>;
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

function rbacIndex(root: IConstruct): RbacIndex {
  return memoForSynthPass(RBAC_INDEX, root, () => {
    const rulesByRole = new Map<string, { sets: Map<string, PolicyRule[]>; unknown: boolean }>();
    const bySubject = new Map<string, Binding[]>();
    for (const c of allConstructs(root)) {
      if (!(c instanceof ApiObject) || c.apiVersion !== 'rbac.authorization.k8s.io/v1') continue;
      if (c.kind === 'ClusterRole' || c.kind === 'Role') {
        const json = c.toJson() as { metadata?: { namespace?: string }; rules?: PolicyRule[]; aggregationRule?: unknown };
        const key = c.kind === 'Role' ? `Role\u0000${json.metadata?.namespace ?? ''}/${c.name}` : `ClusterRole\u0000${c.name}`;
        let entry = rulesByRole.get(key);
        if (!entry) rulesByRole.set(key, (entry = { sets: new Map(), unknown: false }));
        // An aggregated ClusterRole's rules are filled in by the controller manager.
        if (json.aggregationRule !== undefined) entry.unknown = true;
        else entry.sets.set(JSON.stringify(json.rules ?? []), json.rules ?? []);
      } else if (c.kind === 'RoleBinding' || c.kind === 'ClusterRoleBinding') {
        const json = c.toJson() as { metadata?: { namespace?: string }; roleRef?: { kind?: string; name?: string }; subjects?: Array<{ kind?: string; name?: string; namespace?: string }> };
        if (typeof json.roleRef?.kind !== 'string' || typeof json.roleRef.name !== 'string') continue;
        const binding: Binding = { kind: c.kind, namespace: json.metadata?.namespace, roleRef: { kind: json.roleRef.kind, name: json.roleRef.name } };
        for (const s of json.subjects ?? []) {
          const key = s.kind === 'ServiceAccount' ? `sa:${s.namespace ?? binding.namespace ?? ''}/${s.name}` : s.kind === 'User' ? `user:${s.name}` : s.kind === 'Group' ? `group:${s.name}` : undefined;
          if (!key) continue;
          const list = bySubject.get(key);
          if (list) list.push(binding);
          else bySubject.set(key, [binding]);
        }
      }
    }
    const known = (prefix: string) => {
      const out = new Map<string, KnownRole>();
      for (const [key, { sets, unknown }] of rulesByRole) {
        if (!key.startsWith(`${prefix}\u0000`)) continue;
        out.set(key.slice(prefix.length + 1), unknown ? {} : { rules: [...sets.values()].flat() });
      }
      return out;
    };
    return { clusterRoles: known('ClusterRole'), roles: known('Role'), bySubject };
  });
}

/**
 * What the ServiceAccount `<namespace>/<name>` (and kustomize-controller's `gotk:<namespace>:reconciler`
 * user, which Flux's tenant setup binds beside it) may do, from the RoleBindings in its namespace
 * and the ClusterRoleBindings of the app naming it (or a group it is in: `system:serviceaccounts`,
 * `system:serviceaccounts:<namespace>`, `system:authenticated`). A bound role the app does not
 * hold (kept outside the app), aggregates others, or is one of Kubernetes' own but `cluster-admin`
 * is not known: then the scope it grants is undefined.
 */
export function serviceAccountPermissions(root: IConstruct, namespace: string, name: string): Permissions {
  const index = rbacIndex(root);
  const keys = [`sa:${namespace}/${name}`, `user:gotk:${namespace}:reconciler`, 'group:system:serviceaccounts', `group:system:serviceaccounts:${namespace}`, 'group:system:authenticated'];
  const bindings = keys.flatMap((k) => index.bySubject.get(k) ?? []).filter((b) => b.kind === 'ClusterRoleBinding' || b.namespace === namespace);
  const roles: string[] = [];
  let namespaced: PolicyRule[] | undefined = [];
  let clusterScoped: PolicyRule[] | undefined = [];
  for (const b of bindings) {
    const role = b.roleRef.kind === 'Role'
      ? (b.kind === 'RoleBinding' ? index.roles.get(`${namespace}/${b.roleRef.name}`) : undefined)
      : b.roleRef.name === 'cluster-admin' ? { rules: CLUSTER_ADMIN_RULES } : index.clusterRoles.get(b.roleRef.name);
    const text = `${b.roleRef.kind} "${b.roleRef.name}"`;
    if (!roles.includes(text)) roles.push(text);
    const rules = role?.rules;
    if (namespaced) namespaced = rules ? [...namespaced, ...rules] : undefined;
    if (b.kind === 'ClusterRoleBinding' && clusterScoped) clusterScoped = rules ? [...clusterScoped, ...rules] : undefined;
  }
  return { roles, namespaced, clusterScoped, clusterBound: bindings.some((b) => b.kind === 'ClusterRoleBinding') };
}

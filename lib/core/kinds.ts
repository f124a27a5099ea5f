import { builtinScope } from './validation/metadata';
import { SchemaRegistry } from './validation/registry';

/**
 * Whether a kind is cluster-scoped: from the bundled CRD schemas (their `scope`), then the table of
 * core Kubernetes kinds. Unknown kinds are taken as namespaced.
 */
export function isClusterScoped(apiVersion: string, kind: string): boolean {
  return (SchemaRegistry.default().scopeOf(apiVersion, kind) ?? builtinScope(apiVersion, kind)) === 'Cluster';
}

/**
 * Kubernetes' default plural of a kind (as `kubectl` guesses it): `Policy` → `policies`, `Class` →
 * `classes`; `Endpoints` stays `endpoints`. A CRD's own `spec.names.plural` wins where it is known.
 */
export function pluralOf(kind: string): string {
  const k = kind.toLowerCase();
  if (k === 'endpoints') return k;
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(k)) return `${k}es`;
  return `${k}s`;
}

/** One rule of a Role or ClusterRole (`rbac.authorization.k8s.io/v1` PolicyRule). */
export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs?: readonly string[];
  readonly resourceNames?: readonly string[];
}

/**
 * Whether `rules` allow `verb` on the resource `resource` of API group `group` (`''`: core),
 * named `name`, as Kubernetes RBAC decides it (`rbac/v1` `RuleAllows`: `*` in apiGroups,
 * resources and verbs; resourceNames, when set, must name it).
 */
export function rulesAllow(rules: readonly PolicyRule[], verb: string, group: string, resource: string, name: string): boolean {
  const has = (list: readonly string[] | undefined, v: string) => (list ?? []).some((x) => x === '*' || x === v);
  return rules.some((r) => has(r.verbs, verb) && has(r.apiGroups, group) && has(r.resources, resource) && ((r.resourceNames ?? []).length === 0 || r.resourceNames!.includes(name)));
}

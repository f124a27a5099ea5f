import { builtinScope } from './validation/metadata';
import { SchemaRegistry } from './validation/registry';

/**
 * Whether a kind is cluster-scoped: from the bundled CRD schemas (their `scope`), then the table of
 * core Kubernetes kinds. Unknown kinds are taken as namespaced.
 */
export function isClusterScoped(apiVersion: string, kind: string): boolean {
  return (SchemaRegistry.default().scopeOf(apiVersion, kind) ?? builtinScope(apiVersion, kind)) === 'Cluster';
}

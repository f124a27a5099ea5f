// Which API groups the upjet-azure Crossplane provider packages install (the apply-order model's
// establishers, the destroy guard's provider removals).
import { imageName } from './image-ref';

/**
 * The API groups an upjet-azure provider package establishes (crossplane-contrib/provider-upjet-azure:
 * the `config` sub-package is provider-family-azure and owns the `azure` groups — ProviderConfigs,
 * ResourceGroup, ... — every other sub-package `provider-azure-<service>` owns
 * `<service>.azure.upbound.io` (cluster-scoped) and `<service>.azure.m.upbound.io` (namespaced);
 * the monolith `provider-azure` owns all of them). Undefined for another package.
 */
export function upjetAzureApiGroups(pkg: string): string[] | undefined {
  const repo = imageName(pkg).split('/').pop() ?? '';
  if (repo === 'provider-family-azure') return ['azure.upbound.io', 'azure.m.upbound.io'];
  if (repo === 'provider-azure') return ['azure.upbound.io', 'azure.m.upbound.io', '*.azure.upbound.io', '*.azure.m.upbound.io'];
  const m = /^provider-azure-([a-z0-9]+)$/.exec(repo);
  return m ? [`${m[1]}.azure.upbound.io`, `${m[1]}.azure.m.upbound.io`] : undefined;
}

/** Whether API group `group` is one of `patterns` (a `*.` prefix matches any sub-domain). */
export function inApiGroups(group: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.startsWith('*.') ? group.endsWith(p.slice(1)) : group === p));
}

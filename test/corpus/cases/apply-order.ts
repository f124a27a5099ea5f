// Bad inputs of the apply order (lib/gitops/apply-order.ts): objects Flux could never apply.
import { ApiObject } from 'cdk8s';
import { declarePreinstalled, GitOpsApp, Preinstalled } from '../../../lib';
import { AzureClusterProviderConfig, AzureCredentials, CrossplaneProvider } from '../../../lib/crossplane';
import { GitRepository, Kustomization } from '../../../lib/flux';
import { CorpusCase, CorpusContext } from '../harness';

const GUID = '72f988bf-86f1-41af-91ab-2d7cd011db47';

/** The `clusters/mgmt` entry (Crossplane pre-installed) with the repo's GitRepository. */
function entry(ctx: CorpusContext) {
  const folder = ctx.repo.folder('clusters/mgmt', { namespace: 'flux-system' });
  declarePreinstalled(folder, Preinstalled.CROSSPLANE);
  const source = new GitRepository(folder, 'source', { name: 'platform', repo: ctx.repo });
  return { folder, source };
}

const providerConfig = (scope: any) => new AzureClusterProviderConfig(scope, 'pc', { credentials: AzureCredentials.oidcTokenFile(GUID), subscriptionId: GUID, tenantId: GUID });

export const APPLY_ORDER_CASES: CorpusCase[] = [
  {
    id: 'apply-order-provider-and-config-in-one-build', title: 'Provider and its ClusterProviderConfig in one Kustomization', category: 'apply-order', stage: 'synth',
    path: 'platform/apps/pc/Resource', prop: 'ClusterProviderConfig default', rule: 'would never apply',
    message:
      'platform/apps/pc/Resource: ClusterProviderConfig default in Kustomization flux-system/apps would never apply: its kind ClusterProviderConfig (azure.m.upbound.io) ' +
      'is established by Provider provider-family-azure in the same build, and Flux dry-runs the whole build before applying any of it; ' +
      'move Provider provider-family-azure to another Kustomization that Kustomization flux-system/apps dependsOn, with wait: true',
    build: (ctx) => {
      const { folder, source } = entry(ctx);
      CrossplaneProvider.upjetAzure(ctx.folder, 'family', { service: 'family' });
      providerConfig(ctx.folder);
      Kustomization.forFolder(folder, 'apps', ctx.folder, { name: 'apps', source, prune: true, wait: true });
    },
  },
  {
    id: 'apply-order-missing-depends-on', title: 'ProviderConfig Kustomization does not depend on the providers', category: 'apply-order', stage: 'synth',
    path: 'platform/apps/pc/Resource', prop: 'ClusterProviderConfig default', rule: 'does not depend on it',
    message:
      'platform/apps/pc/Resource: ClusterProviderConfig default in Kustomization flux-system/apps needs ClusterProviderConfig (azure.m.upbound.io), established by Provider provider-family-azure ' +
      'in Kustomization flux-system/packages, but Kustomization flux-system/apps does not depend on it; add Kustomization flux-system/packages to the dependsOn of Kustomization flux-system/apps',
    build: (ctx) => {
      const { folder, source } = entry(ctx);
      const packages = ctx.repo.folder('packages');
      CrossplaneProvider.upjetAzure(packages, 'family', { service: 'family' });
      providerConfig(ctx.folder);
      Kustomization.forFolder(folder, 'packages', packages, { name: 'packages', source, prune: true, wait: true });
      Kustomization.forFolder(folder, 'apps', ctx.folder, { name: 'apps', source, prune: true });
    },
  },
  {
    id: 'apply-order-undeclared-kind', title: 'A kind nothing installs and the cluster does not declare', category: 'apply-order', stage: 'synth',
    path: 'platform/apps/mesh', prop: 'Mesh apps/mesh', rule: 'not declared pre-installed',
    message:
      'platform/apps/mesh: Mesh apps/mesh in Kustomization flux-system/apps: its kind Mesh (mesh.contoso.com) is not built in, not defined by a CRD in the build, not established by any Kustomization ' +
      "applied to the repo's cluster, and not declared pre-installed there; add what installs it, or declare it with declarePreinstalled(folder, Preinstalled.<preset> | Preinstalled.of(...))",
    build: (ctx) => {
      const { folder, source } = entry(ctx);
      new ApiObject(ctx.folder, 'mesh', { apiVersion: 'mesh.contoso.com/v1', kind: 'Mesh', metadata: { name: 'mesh' } });
      GitOpsApp.of(ctx.folder).addUnvalidatedKind('mesh.contoso.com/Mesh', 'the corpus: apply order, not validation'); // its schema is not the point here
      Kustomization.forFolder(folder, 'apps', ctx.folder, { name: 'apps', source, prune: true });
    },
  },
];

// Bad inputs of the Crossplane constructs.
import { KubernetesCluster } from '../../../imports/crossplane/containerservice.azure.m.upbound.io';
import {
  AzureClusterProviderConfig,
  AzureCredentials,
  AzureProviderConfig,
  CompositeResource,
  CompositeResourceDefinition,
  CompositeResourceDefinitionProps,
  Composition,
  CrossplaneProvider,
  Patches,
  Schema,
  Usage,
  XrdScope,
} from '../../../lib/crossplane';
import { CorpusCase, CorpusContext } from '../harness';

const GUID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const spec = Schema.object({
  location: Schema.string({ required: true, enum: ['westeurope', 'northeurope'] }),
  nodeCount: Schema.integer({ minimum: 1, maximum: 10, default: 3 }),
});

function xrd(ctx: CorpusContext, props: Partial<CompositeResourceDefinitionProps<typeof spec>> = {}): CompositeResourceDefinition<typeof spec> {
  return new CompositeResourceDefinition(ctx.folder, 'xrd', { group: 'platform.contoso.com', kind: 'XCluster', plural: 'xclusters', version: 'v1alpha1', spec, ...props });
}

const aksBase = (scope: any) => new KubernetesCluster(scope, 'aks', {
  spec: { forProvider: { identity: { type: 'SystemAssigned' }, defaultNodePool: { name: 'system', vmSize: 'Standard_D4s_v5' } } },
});

export const CROSSPLANE_CASES: CorpusCase[] = [
  {
    id: 'crossplane-xrd-group-without-dot', title: 'XRD group without a dot', category: 'names', stage: 'construct',
    path: 'platform/apps/xrd', prop: 'group', rule: '"platform" is invalid: must be a DNS subdomain with at least one dot (e.g. "platform.contoso.com")',
    build: (ctx) => xrd(ctx, { group: 'platform' }),
  },
  {
    id: 'crossplane-xrd-kind-lowercase', title: 'XRD kind not in PascalCase', category: 'names', stage: 'construct',
    path: 'platform/apps/xrd', prop: 'kind', rule: '"xCluster" is invalid: must be a PascalCase kind (e.g. "XAksCluster")',
    build: (ctx) => xrd(ctx, { kind: 'xCluster' }),
  },
  {
    id: 'crossplane-xrd-version-uppercase', title: 'XRD version "V1"', category: 'versions', stage: 'construct',
    path: 'platform/apps/xrd', prop: 'version', rule: '"V1" is invalid: must be a Kubernetes API version (v1, v1alpha1, v2beta3, ...)',
    build: (ctx) => xrd(ctx, { version: 'V1' }),
  },
  {
    id: 'crossplane-xrd-duplicate-version', title: 'additional XRD version equal to the main one', category: 'duplicates', stage: 'construct',
    path: 'platform/apps/xrd', prop: 'additionalVersions[0].name', rule: 'version "v1alpha1" is defined twice',
    build: (ctx) => xrd(ctx, { additionalVersions: [{ name: 'v1alpha1', spec }] }),
  },
  {
    id: 'crossplane-xrd-claims-on-v2', title: 'claim names on a namespaced (v2) XRD', category: 'combinations', stage: 'construct',
    path: 'platform/apps/xrd', prop: 'claimNames',
    rule: 'claims are only supported with scope XrdScope.LEGACY_CLUSTER (Crossplane v2 removed them from the v2 XRD API); create namespaced composite resources instead',
    build: (ctx) => xrd(ctx, { scope: XrdScope.NAMESPACED, claimNames: { kind: 'Cluster', plural: 'clusters' } }),
  },
  {
    id: 'crossplane-composition-no-steps', title: 'composition without pipeline steps (late validation)', category: 'counts', stage: 'synth',
    path: 'platform/apps/comp', prop: 'pipeline', rule: 'a composition needs at least one step (addPatchAndTransform, addFunctionStep)',
    build: (ctx) => new Composition(ctx.folder, 'comp', { xrd: xrd(ctx) }),
  },
  {
    id: 'crossplane-composition-duplicate-resource', title: 'a composed resource name used again in a later step', category: 'duplicates', stage: 'construct',
    path: 'platform/apps/comp', prop: 'pipeline[1].resources[0].name', rule: 'resource "cluster" is already composed by this composition',
    build: (ctx) => {
      const c = new Composition(ctx.folder, 'comp', { xrd: xrd(ctx) });
      c.addPatchAndTransform({ resources: [{ name: 'cluster', base: aksBase }] });
      c.addPatchAndTransform({ step: 'more', resources: [{ name: 'cluster', base: aksBase }] });
    },
  },
  {
    id: 'crossplane-patch-from-unknown-field', title: 'patch from a composite field the XRD does not define', category: 'paths', stage: 'construct',
    path: 'platform/apps/comp', prop: 'pipeline[0].resources[0].patches[0]', rule: 'step "patch-and-transform": resource "cluster": fromFieldPath "spec.locaton" is not in the schema of XCluster (platform.contoso.com/v1alpha1): unknown field "locaton" in spec',
    build: (ctx) => new Composition(ctx.folder, 'comp', { xrd: xrd(ctx) }).addPatchAndTransform({
      resources: [{ name: 'cluster', base: aksBase, patches: [Patches.fromComposite('spec.locaton', 'spec.forProvider.location')] }],
    }),
  },
  {
    id: 'crossplane-patch-to-unknown-field', title: 'patch to a field the composed kind does not have', category: 'paths', stage: 'construct',
    path: 'platform/apps/comp', prop: 'pipeline[0].resources[0].patches[0]', rule: 'step "patch-and-transform": resource "cluster": toFieldPath "spec.forProvider.locaton" is not in the schema of KubernetesCluster (containerservice.azure.m.upbound.io/v1beta1): unknown field "locaton" in spec.forProvider',
    build: (ctx) => new Composition(ctx.folder, 'comp', { xrd: xrd(ctx) }).addPatchAndTransform({
      resources: [{ name: 'cluster', base: aksBase, patches: [Patches.fromComposite('spec.location', 'spec.forProvider.locaton')] }],
    }),
  },
  {
    id: 'crossplane-patch-set-undefined', title: 'patch set that the step does not define', category: 'missing-references', stage: 'construct',
    path: 'platform/apps/comp', prop: 'pipeline[0].resources[0].patches[0]', rule: 'step "patch-and-transform": resource "cluster": patch set "common" is not defined in this step (defined: none)',
    build: (ctx) => new Composition(ctx.folder, 'comp', { xrd: xrd(ctx) }).addPatchAndTransform({
      resources: [{ name: 'cluster', base: aksBase, patches: [Patches.patchSet('common')] }],
    }),
  },
  {
    id: 'crossplane-composite-spec-out-of-range', title: 'composite resource spec outside the XRD schema', category: 'counts', stage: 'construct',
    path: 'platform/apps/cluster', prop: 'spec', rule: 'does not match the schema of XCluster (platform.contoso.com/v1alpha1): XCluster/apps/dev: spec.nodeCount: must be <= 10',
    build: (ctx) => {
      const x = xrd(ctx);
      new CompositeResource(ctx.folder, 'cluster', { xrd: x, name: 'dev', spec: { location: 'westeurope', nodeCount: 20 } });
    },
  },
  {
    id: 'crossplane-provider-latest-tag', title: 'provider package on the "latest" tag', category: 'versions', stage: 'construct',
    path: 'platform/apps/provider', prop: 'package', rule: '"xpkg.crossplane.io/crossplane-contrib/provider-azure-network:latest" uses the "latest" tag: pin a version or digest',
    build: (ctx) => new CrossplaneProvider(ctx.folder, 'provider', { name: 'provider-azure-network', package: 'xpkg.crossplane.io/crossplane-contrib/provider-azure-network:latest' }),
  },
  {
    id: 'crossplane-provider-config-subscription', title: 'provider config subscription id that is not a UUID', category: 'names', stage: 'construct',
    path: 'platform/apps/config', prop: 'subscriptionId', rule: '"prod" is invalid: must be a subscription ID (a UUID)',
    build: (ctx) => new AzureProviderConfig(ctx.folder, 'config', { credentials: AzureCredentials.userAssignedManagedIdentity(GUID), subscriptionId: 'prod', tenantId: GUID }),
  },
  {
    id: 'crossplane-cluster-provider-config-namespace', title: 'namespace on a cluster-scoped ClusterProviderConfig', category: 'combinations', stage: 'construct',
    path: 'platform/apps/config', prop: 'namespace', rule: 'a ClusterProviderConfig is cluster-scoped: leave namespace out (or use AzureProviderConfig)',
    build: (ctx) => new AzureClusterProviderConfig(ctx.folder, 'config', { namespace: 'apps', credentials: AzureCredentials.userAssignedManagedIdentity(GUID), subscriptionId: GUID, tenantId: GUID }),
  },
  {
    id: 'crossplane-usage-without-reason', title: 'Usage without "by" and without a reason', category: 'combinations', stage: 'construct',
    path: 'platform/apps/usage', prop: 'reason', rule: 'is required when there is no "by" resource',
    build: (ctx) => new Usage(ctx.folder, 'usage', { name: 'protect-db', of: { apiVersion: 'dbforpostgresql.azure.m.upbound.io/v1beta1', kind: 'FlexibleServer', name: 'db' } }),
  },
  {
    id: 'crossplane-duplicate-step', title: 'two pipeline steps of one name', category: 'duplicates', stage: 'construct',
    path: 'platform/apps/comp', prop: 'pipeline[1].step', rule: 'step "kcl" is already defined',
    build: (ctx) => {
      const c = new Composition(ctx.folder, 'comp', { xrd: xrd(ctx) });
      const input = { apiVersion: 'krm.kcl.dev/v1alpha1', kind: 'KCLInput', spec: { source: 'items = []' } };
      c.addFunctionStep({ step: 'kcl', function: 'function-kcl', input });
      c.addFunctionStep({ step: 'kcl', function: 'function-kcl', input });
    },
  },
];

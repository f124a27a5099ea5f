// Bad inputs of the upjet authorization constructs (policy and role assignments) and of typed
// composition patches.
import { KubernetesCluster } from '../../../imports/crossplane/containerservice.azure.m.upbound.io';
import { AzureBuiltInRole } from '../../../lib/core/azure-roles';
import {
  AzureClusterProviderConfig, AzureCredentials, ComposedBase, AzureResourceGroupRef, BuiltInPolicy, CompositeResourceDefinition, Composition, CrossplaneFunction,
  Patches, ResourceGroupPolicyAssignment, RoleAssignment, Schema, Transforms,
} from '../../../lib/crossplane';
import { CorpusCase, CorpusContext } from '../harness';

const GUID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const RG_ID = `/subscriptions/${GUID}/resourceGroups/rg-apps`;

const spec = Schema.object({
  location: Schema.string({ required: true }),
  nodeCount: Schema.integer({ default: 3 }),
  pool: Schema.object({ name: Schema.string() }),
});

const aksBase = (scope: any) => new KubernetesCluster(scope, 'aks', { spec: { forProvider: { location: 'westeurope', identity: { type: 'SystemAssigned' }, defaultNodePool: { name: 'system', vmSize: 'Standard_D4s_v5' } } } });

/** A composition with everything it refers to (function, provider config), composing one resource `cluster` patched with `patches`. */
function composition(ctx: CorpusContext, patches: ReturnType<typeof Patches.fromComposite>[], base: ComposedBase = aksBase, named = true): void {
  CrossplaneFunction.patchAndTransform(ctx.folder, 'fn-pt', { version: 'v0.10.8' });
  new AzureClusterProviderConfig(ctx.folder, 'pc', { credentials: AzureCredentials.oidcTokenFile(GUID), subscriptionId: GUID, tenantId: GUID });
  const xrd = new CompositeResourceDefinition(ctx.folder, 'xrd', { group: 'platform.contoso.com', kind: 'XCluster', plural: 'xclusters', version: 'v1alpha1', spec });
  // the retained cluster is named from the composite (its Azure name is checked)
  const name = named ? [Patches.fromComposite('metadata.name', 'metadata.annotations[crossplane.io/external-name]')] : [];
  new Composition(ctx.folder, 'comp', { xrd }).addPatchAndTransform({ resources: [{ name: 'cluster', base, patches: [...patches, ...name] }] });
}

export const CROSSPLANE_AUTHORIZATION_CASES: CorpusCase[] = [
  {
    id: 'crossplane-policy-assignment-missing-parameter', title: 'built-in policy assigned without its required parameter', category: 'combinations', stage: 'construct',
    path: 'platform/apps/allowed-locations', prop: 'parameters.listOfAllowedLocations', rule: 'is required by the policy definition "Allowed locations"',
    build: (ctx) => new ResourceGroupPolicyAssignment(ctx.folder, 'allowed-locations', { policyDefinition: BuiltInPolicy.ALLOWED_LOCATIONS, resourceGroup: AzureResourceGroupRef.fromArmId(RG_ID) }),
  },
  {
    id: 'crossplane-policy-assignment-resource-group-name', title: 'resource group given by name instead of ARM id', category: 'azure-naming', stage: 'construct',
    path: 'platform/apps/tags', prop: 'resourceGroup', rule: '"rg-apps" is invalid: must be a resource group ARM id (/subscriptions/<subscription id>/resourceGroups/<name>)',
    build: (ctx) => new ResourceGroupPolicyAssignment(ctx.folder, 'tags', { policyDefinition: BuiltInPolicy.REQUIRE_TAG_ON_RESOURCE_GROUPS, parameters: { tagName: 'team' }, resourceGroup: AzureResourceGroupRef.fromArmId('rg-apps') }),
  },
  {
    id: 'crossplane-role-assignment-client-id', title: 'role assignment principal that is not an object id', category: 'names', stage: 'construct',
    path: 'platform/apps/reader', prop: 'principalId', rule: '"app-identity" is invalid: must be an object id (a GUID): the principal id of the identity, not its client id',
    build: (ctx) => new RoleAssignment(ctx.folder, 'reader', { role: AzureBuiltInRole.READER, principalId: 'app-identity', scope: RG_ID }),
  },
  {
    id: 'crossplane-role-assignment-no-subscription', title: 'role GUID with a patched scope and no subscription', category: 'combinations', stage: 'construct',
    path: 'platform/apps/blobs', prop: 'subscriptionId', rule: 'is required: role STORAGE_BLOB_DATA_CONTRIBUTOR is a GUID and scope does not name a subscription (it is patched in a composition)',
    build: (ctx) => RoleAssignment.grantStorageBlobDataContributor(ctx.folder, 'blobs', { principalId: GUID }),
  },
  {
    id: 'crossplane-patch-integer-into-string', title: 'composite integer patched into a string field', category: 'paths', stage: 'synth',
    path: 'platform/apps/comp', prop: 'pipeline[0].resources[0].patches[0]',
    rule: 'step "patch-and-transform": resource "cluster": patch 0 (FromCompositeFieldPath): fromFieldPath "spec.nodeCount" of XCluster is integer but toFieldPath "spec.forProvider.dnsPrefix" of KubernetesCluster is string: add Transforms.convert(\'string\')',
    build: (ctx) => composition(ctx, [Patches.fromComposite('spec.nodeCount', 'spec.forProvider.dnsPrefix')]),
  },
  {
    id: 'crossplane-patch-string-into-number', title: 'composite string patched into a number field without a convert', category: 'paths', stage: 'synth',
    path: 'platform/apps/comp', prop: 'pipeline[0].resources[0].patches[0]',
    rule: 'step "patch-and-transform": resource "cluster": patch 0 (FromCompositeFieldPath): fromFieldPath "spec.location" of XCluster is string but toFieldPath "spec.forProvider.defaultNodePool.nodeCount" of KubernetesCluster is number: add Transforms.convert(\'int64\')',
    build: (ctx) => composition(ctx, [Patches.fromComposite('spec.location', 'spec.forProvider.defaultNodePool.nodeCount')]),
  },
  {
    id: 'crossplane-patch-object-into-scalar', title: 'composite object patched into a string field', category: 'paths', stage: 'synth',
    path: 'platform/apps/comp', prop: 'pipeline[0].resources[0].patches[0]',
    rule: 'step "patch-and-transform": resource "cluster": patch 0 (FromCompositeFieldPath): fromFieldPath "spec.pool" of XCluster is object but toFieldPath "spec.forProvider.defaultNodePool.name" of KubernetesCluster is string: patch one of its fields instead',
    build: (ctx) => composition(ctx, [Patches.fromComposite('spec.pool', 'spec.forProvider.defaultNodePool.name')]),
  },
  {
    id: 'crossplane-patch-math-on-string', title: 'math transform on a string', category: 'paths', stage: 'synth',
    path: 'platform/apps/comp', prop: 'pipeline[0].resources[0].patches[0]',
    rule: 'step "patch-and-transform": resource "cluster": patch 0 (FromCompositeFieldPath): transform 0 (math): a math transform needs integer or number input, got string',
    build: (ctx) => composition(ctx, [Patches.fromComposite('spec.location', 'spec.forProvider.defaultNodePool.maxCount', { transforms: [Transforms.multiply(2)] })]),
  },
  {
    id: 'crossplane-retained-without-azure-name', title: 'retained composed cluster whose Azure name the composition leaves to Crossplane', category: 'combinations', stage: 'synth',
    path: 'platform/apps/comp', prop: 'pipeline[0].resources[0].patches',
    rule: 'step "patch-and-transform": resource "cluster": KubernetesCluster is retained but its Azure name is not set by the composition (metadata.annotations[crossplane.io/external-name]): it is the name Crossplane generates for each composite\'s managed resource, ' +
      'so a recreated composite creates a second, empty KubernetesCluster beside the retained one; name it from the composite with a patch, e.g. Patches.combineFromComposite([\'metadata.namespace\', \'metadata.name\'], \'<prefix>-%s-%s\', \'metadata.annotations[crossplane.io/external-name]\')',
    build: (ctx) => composition(ctx, [Patches.fromComposite('spec.location', 'spec.forProvider.location')], aksBase, false),
  },
  {
    id: 'crossplane-base-without-schema', title: 'composed base of a kind with no schema (not registered)', category: 'missing-references', stage: 'synth',
    path: 'platform/apps/comp', prop: 'pipeline[0].resources[0].base',
    rule: 'step "patch-and-transform": resource "cluster": kind Bucket (s3.aws.m.upbound.io/v1beta1) has no schema, so its patches cannot be checked: register its CRD (SchemaRegistry.default().addCrd(crd)) before synth',
    build: (ctx) => composition(ctx, [Patches.fromComposite('spec.location', 'spec.forProvider.region')], { apiVersion: 's3.aws.m.upbound.io/v1beta1', kind: 'Bucket', spec: { forProvider: {} } }),
  },
];

// Fuzz targets of the Crossplane constructs.
import * as fc from 'fast-check';
import { Construct } from 'constructs';
import { ResourceGroup as UpjetResourceGroup } from '../../../imports/crossplane/azure.m.upbound.io';
import { ResourceGroup as LegacyResourceGroup } from '../../../imports/crossplane/azure.upbound.io';
import { KubernetesCluster } from '../../../imports/crossplane/containerservice.azure.m.upbound.io';
import { AzureBuiltInRole } from '../../../lib/core/azure-roles';
import { addProvided } from '../../../lib/core/references';
import { RemovalPolicy } from '../../../lib/core/removal-policy';
import {
  AzureClusterProviderConfig,
  AzureCredentials,
  AzureProviderConfig,
  AzureResourceGroupRef,
  BuiltInPolicy,
  CompositeResource,
  CompositeResourceDefinition,
  Composition,
  ConnectionDetails,
  CrossplaneProvider,
  DeploymentRuntimeConfig,
  ManagedResourceFlavour,
  Patch,
  Patches,
  PolicyDefinition,
  ReadinessChecks,
  ResourceGroupPolicyAssignment,
  RoleAssignment as AzureRoleAssignment,
  Schema,
  Transforms,
  Usage,
  XrdScope,
} from '../../../lib/crossplane';
import { FuzzContext, FuzzTarget, target } from '../harness';
import { dnsLabel, guid, k8sName, mostly, oddString, opt, smallInt, stringMap } from './common';

const enumOf = <T extends string>(e: Record<string, T>) => fc.constantFrom(...Object.values(e));
const GUID = '72f988bf-86f1-41af-91ab-2d7cd011db47';

/** The XRD spec schema of a spec: integer bounds, enum and defaults may contradict each other. */
const schemaSpec = fc.record({
  min: opt(smallInt(0, 5), 2), max: opt(smallInt(1, 20), 2), intDefault: opt(smallInt(-1, 25), 2),
  locations: opt(fc.array(fc.oneof(fc.constantFrom('westeurope', 'northeurope'), oddString), { minLength: 0, maxLength: 3 }), 2),
  locationDefault: opt(fc.constantFrom('westeurope', 'mars', ''), 3), pattern: opt(fc.constantFrom('^[a-z]+$', '^(?!x).*$', '[', '\\d+'), 4),
});
type SchemaSpec = Partial<typeof schemaSpec extends fc.Arbitrary<infer T> ? T : never>;

function specSchema(s: SchemaSpec) {
  return Schema.object({
    location: Schema.string({ required: true, enum: s.locations, default: s.locationDefault, pattern: s.pattern } as never),
    nodeCount: Schema.integer({ minimum: s.min, maximum: s.max, default: s.intDefault }),
    tags: Schema.map(Schema.string()),
  });
}

const xrdSpec = fc.record({
  group: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('platform.contoso.com', 'aks.platform.io') }, { weight: 1, arbitrary: fc.oneof(dnsLabel, oddString) }),
  kind: fc.oneof({ weight: 6, arbitrary: fc.stringMatching(/^X[A-Z][a-zA-Z0-9]{0,10}$/) }, { weight: 1, arbitrary: fc.constantFrom('xCluster', 'X Cluster', '', 'X'.repeat(64)) }),
  plural: fc.oneof({ weight: 6, arbitrary: dnsLabel }, { weight: 1, arbitrary: oddString }), singular: opt(k8sName(), 4),
  categories: opt(fc.array(fc.oneof(dnsLabel, oddString), { maxLength: 2 }), 4),
  scope: opt(enumOf(XrdScope), 3),
  version: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('v1', 'v1alpha1', 'v2beta3') }, { weight: 1, arbitrary: fc.constantFrom('V1', 'v0', '1', 'v1alpha', 'v1.0') }),
  schema: schemaSpec,
  printerColumns: opt(fc.array(fc.record({ name: fc.oneof(dnsLabel, oddString), jsonPath: fc.constantFrom('.spec.location', 'spec.location', '.status.x', ''), type: opt(fc.constantFrom('string', 'integer', 'date') as fc.Arbitrary<'string'>) }), { maxLength: 2 }), 4),
  additionalVersions: opt(fc.array(fc.record({ name: fc.constantFrom('v1', 'v1alpha1', 'v1beta1', 'V2'), served: opt(fc.boolean()), deprecated: opt(fc.boolean()) }), { maxLength: 2 }), 4),
  claimNames: opt(fc.record({ kind: fc.constantFrom('Cluster', 'XCluster', 'claim'), plural: fc.oneof(dnsLabel, oddString) }), 5),
  connectionSecretKeys: opt(fc.array(fc.constantFrom('kubeconfig', 'password', ''), { maxLength: 2 }), 5),
  defaultCompositionRef: opt(k8sName(), 5),
});
type XrdSpec = typeof xrdSpec extends fc.Arbitrary<infer T> ? T : never;

function buildXrd(ctx: FuzzContext, s: XrdSpec) {
  const spec = specSchema(s.schema);
  return new CompositeResourceDefinition(ctx.folder, 'xrd', {
    group: s.group, kind: s.kind, plural: s.plural, singular: s.singular, categories: s.categories, scope: s.scope, version: s.version, spec,
    printerColumns: s.printerColumns, additionalVersions: s.additionalVersions?.map((v) => ({ ...v, spec })), claimNames: s.claimNames,
    connectionSecretKeys: s.connectionSecretKeys, defaultCompositionRef: s.defaultCompositionRef,
  });
}

const FROM_PATHS = ['spec.location', 'spec.nodeCount', 'spec.tags[team]', 'metadata.name', 'metadata.labels[app]', 'spec.locaton', 'spec.location.x', 'status.x', '', 'spec[0]'];
const TO_PATHS = ['spec.forProvider.location', 'spec.forProvider.defaultNodePool.nodeCount', 'spec.forProvider.tags[team]', 'metadata.annotations[x]', 'spec.forProvider.locaton', 'spec.forProvider.defaultNodePool[0]', ''];

const patchArb: fc.Arbitrary<{ kind: string; from: string; to: string; transform?: string }> = fc.record({
  kind: fc.constantFrom('fromComposite', 'toComposite', 'combine', 'patchSet', 'fromEnvironment'),
  from: fc.constantFrom(...FROM_PATHS), to: fc.constantFrom(...TO_PATHS),
  transform: opt(fc.constantFrom('format', 'upper', 'map', 'multiply', 'regexp', 'badRegexp'), 3),
});

function toPatch(p: { kind: string; from: string; to: string; transform?: string }): Patch {
  const transforms = p.transform === undefined ? undefined : [
    p.transform === 'format' ? Transforms.format('%s-x')
      : p.transform === 'upper' ? Transforms.convertString('ToUpper')
        : p.transform === 'map' ? Transforms.map({ westeurope: 'West Europe' })
          : p.transform === 'multiply' ? Transforms.multiply(2)
            : p.transform === 'regexp' ? Transforms.regexp('^(.*)$', 1) : Transforms.regexp('(', 1),
  ];
  switch (p.kind) {
    case 'fromComposite': return Patches.fromComposite(p.from, p.to, { transforms });
    case 'toComposite': return Patches.toComposite(p.to, p.from, { transforms });
    case 'combine': return Patches.combineFromComposite([p.from, 'metadata.name'], '%s-%s', p.to);
    case 'fromEnvironment': return Patches.fromEnvironment('region', p.to);
    default: return Patches.patchSet('common');
  }
}

const compositionSpec = fc.record({
  name: opt(k8sName(), 4),
  steps: fc.array(fc.record({
    step: opt(fc.oneof(fc.constantFrom('patch-and-transform', 'resources', 'network'), oddString), 2),
    patchSet: mostly(50),
    resources: fc.array(fc.record({
      name: fc.oneof({ weight: 5, arbitrary: fc.constantFrom('cluster', 'cluster-b', 'rg') }, { weight: 1, arbitrary: oddString }),
      patches: fc.array(patchArb, { maxLength: 3 }),
      readiness: opt(fc.constantFrom('condition', 'nonEmpty', 'badPath', 'none'), 3),
      connection: opt(fc.constantFrom('fromValue', 'fromFieldPath', 'fromSecretKey'), 4),
      removalPolicy: opt(enumOf(RemovalPolicy), 3),
    }), { maxLength: 3 }),
  }), { minLength: 0, maxLength: 2 }),
  functionStep: opt(fc.record({ step: fc.oneof(fc.constantFrom('kcl', 'patch-and-transform'), oddString), fn: fc.oneof(fc.constantFrom('function-kcl'), k8sName()), input: mostly(85) }), 3),
  autoReady: mostly(50), provide: mostly(85),
});

const aksBase = (scope: any) => new KubernetesCluster(scope, 'aks', {
  spec: { forProvider: { identity: { type: 'SystemAssigned' }, defaultNodePool: { name: 'system', vmSize: 'Standard_D4s_v5' } } },
});

function provideCompositionDeps(ctx: FuzzContext, functions: string[]): void {
  for (const f of functions) addProvided(ctx.folder, { apiGroup: 'pkg.crossplane.io', kind: 'Function', name: f });
  addProvided(ctx.folder, { apiGroup: 'azure.m.upbound.io', kind: 'ClusterProviderConfig', name: 'default' });
}

const compositeSpec = fc.record({
  name: k8sName(), namespace: opt(k8sName(), 4), location: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('westeurope', 'northeurope') }, { weight: 1, arbitrary: oddString }),
  nodeCount: opt(fc.oneof(smallInt(1, 10), fc.constant(1.5)), 2), tags: opt(stringMap(), 3), connectionSecretName: opt(k8sName(), 4),
  withComposition: mostly(50), compositionUpdatePolicy: opt(fc.constantFrom('Automatic', 'Manual') as fc.Arbitrary<'Automatic'>, 3),
  legacy: mostly(15), compositionSelector: opt(stringMap(fc.constantFrom('provider', 'a b'), dnsLabel), 4),
});


const XSUB = '3f2b8c1e-5d47-4a9e-9c61-2b7e0d4f8a90';
const flavour = () => opt(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...Object.values(ManagedResourceFlavour)) }, { weight: 1, arbitrary: fc.constant('global' as ManagedResourceFlavour) }), 3);
/** Props every upjet-azure managed resource takes. */
const managedProps = () => fc.record({
  name: fc.oneof({ weight: 16, arbitrary: k8sName() }, { weight: 1, arbitrary: fc.constant('a'.repeat(65)) }, { weight: 2, arbitrary: fc.constant(undefined) }), namespace: opt(k8sName(), 5), flavour: flavour(),
  removalPolicy: opt(enumOf(RemovalPolicy), 3), labels: opt(fc.oneof({ weight: 6, arbitrary: stringMap(fc.constantFrom('team', 'env'), dnsLabel) }, { weight: 1, arbitrary: stringMap() }), 4), externalName: opt(fc.oneof(fc.constantFrom('allowed-locations', 'a'.repeat(65), ''), oddString), 5),
  providerConfig: opt(fc.constantFrom('ClusterProviderConfig', 'ProviderConfig'), 4),
});
type ManagedSpec = typeof managedProps extends () => fc.Arbitrary<infer T> ? T : never;

function managed(ctx: FuzzContext, m: ManagedSpec) {
  const cluster = m.flavour === ManagedResourceFlavour.CLUSTER;
  addProvided(ctx.folder, cluster ? { apiGroup: 'azure.upbound.io', kind: 'ProviderConfig', name: 'default' } : { apiGroup: 'azure.m.upbound.io', kind: 'ClusterProviderConfig', name: 'default' });
  if (m.providerConfig) addProvided(ctx.folder, { apiGroup: cluster ? 'azure.upbound.io' : 'azure.m.upbound.io', kind: m.providerConfig, name: 'azure', namespace: m.providerConfig === 'ProviderConfig' && !cluster ? (m.namespace ?? 'apps') : undefined });
  const { providerConfig, ...rest } = m;
  return { ...rest, providerConfig: providerConfig ? { kind: providerConfig as 'ProviderConfig', name: 'azure' } : undefined };
}

const POLICY_RULES = [
  { if: { field: 'location', notIn: '[parameters(\'listOfAllowedLocations\')]' }, then: { effect: 'deny' } },
  { if: { field: 'type', equals: 'Microsoft.Storage/storageAccounts' }, then: { effect: 'audit' } },
  { if: { field: 'location', equals: 'mars' } },
  {},
];
const policyDefinitionSpec = fc.record({
  managed: managedProps(),
  displayName: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('Allowed locations (team)', 'Audit storage') }, { weight: 1, arbitrary: fc.constantFrom('', 'x'.repeat(129)) }),
  rule: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(0, 1) }, { weight: 1, arbitrary: fc.constantFrom(2, 3) }),
  parameters: opt(fc.dictionary(fc.constantFrom('listOfAllowedLocations', 'effect', 'tagName'), fc.record({
    type: fc.constantFrom('String', 'Array', 'Object', 'Boolean', 'Integer', 'Float', 'DateTime') as fc.Arbitrary<'String'>,
    defaultValue: opt(fc.oneof(fc.constant('deny'), fc.constant(['westeurope']), fc.integer(), fc.boolean()), 3),
    allowedValues: opt(fc.array(fc.constantFrom('deny', 'audit'), { maxLength: 2 }), 4),
    metadata: opt(fc.record({ displayName: opt(fc.constant('Allowed locations')), strongType: opt(fc.constant('location')) }), 3),
  }), { maxKeys: 2 }), 2),
  mode: opt(fc.constantFrom('All', 'Indexed', 'Microsoft.KubernetesData', 'Microsoft.KeyVault.Data', 'Microsoft.Network.Data', 'Some') as fc.Arbitrary<'All'>, 3),
  description: opt(fc.string({ maxLength: 10 }), 3), metadata: opt(fc.constant({ category: 'General' }), 3),
  managementGroupId: opt(fc.constantFrom('/providers/Microsoft.Management/managementGroups/contoso', 'contoso', ''), 5),
});

const assignmentSpec = fc.record({
  managed: managedProps(),
  definition: fc.oneof({ weight: 8, arbitrary: fc.constantFrom('builtin-locations', 'builtin-tag', 'custom', 'armId') }, { weight: 1, arbitrary: fc.constantFrom('custom-other-flavour', 'notADefinition') }),
  resourceGroup: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('construct', 'controllerRef') },
    { weight: 1, arbitrary: fc.constant('construct-other-namespace') },
    { weight: 2, arbitrary: fc.record({ armId: fc.constantFrom(`/subscriptions/${XSUB}/resourceGroups/rg-app`, '/subscriptions/x/resourceGroups/rg', `/subscriptions/${XSUB}/resourceGroups/rg.`, 'rg-app') }) },
    { weight: 2, arbitrary: fc.record({ labels: fc.oneof({ weight: 5, arbitrary: stringMap(fc.constant('team'), dnsLabel) }, { weight: 1, arbitrary: stringMap(fc.constantFrom('team', 'a b'), dnsLabel) }) }) },
    { weight: 1, arbitrary: fc.constant('legacy-construct') },
  ),
  parameters: fc.oneof({ weight: 8, arbitrary: fc.record({
    listOfAllowedLocations: fc.oneof({ weight: 6, arbitrary: fc.array(fc.constantFrom('westeurope', 'northeurope'), { maxLength: 2 }) }, { weight: 1, arbitrary: fc.constant(undefined) }),
    tagName: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('cost-center', '') }, { weight: 1, arbitrary: fc.constant(undefined) }),
    effect: opt(fc.constantFrom('deny', 'audit'), 3),
  }) }, { weight: 1, arbitrary: fc.constant(undefined) }),
  displayName: opt(fc.oneof(fc.constant('Team locations'), fc.constantFrom('', 'x'.repeat(129))), 3), description: opt(fc.string({ maxLength: 10 }), 4),
  enforce: opt(fc.boolean(), 3), nonComplianceMessage: opt(fc.constantFrom('Use West Europe', ''), 3),
  notScopes: opt(fc.array(fc.constantFrom(`/subscriptions/${XSUB}/resourceGroups/rg-app/providers/Microsoft.Storage/storageAccounts/st`, `/subscriptions/${XSUB}/resourceGroups/rg-app/providers/Microsoft.Storage/storageAccounts/st`, '/x', ''), { maxLength: 2 }), 4),
});

const azureRoleSpec = fc.record({
  managed: managedProps(),
  role: fc.oneof(
    { weight: 6, arbitrary: fc.record({ role: fc.constantFrom(...Object.values(AzureBuiltInRole)) }) },
    { weight: 2, arbitrary: fc.record({ role: fc.constantFrom(`/subscriptions/${XSUB}/providers/Microsoft.Authorization/roleDefinitions/${AzureBuiltInRole.READER}`, `/providers/Microsoft.Authorization/roleDefinitions/${AzureBuiltInRole.READER}`) }) },
    { weight: 2, arbitrary: fc.record({ roleDefinitionName: fc.constantFrom('Reader', 'Storage Blob Data Reader', '') }) },
    { weight: 1, arbitrary: fc.constantFrom({}, { role: 'Reader' }, { role: AzureBuiltInRole.READER, roleDefinitionName: 'Reader' }) },
  ),
  subscriptionId: opt(fc.oneof(fc.constant(XSUB), fc.constantFrom('sub', '')), 4),
  principalId: opt(guid(), 1), principalType: opt(fc.constantFrom('ServicePrincipal', 'User', 'Group', 'Robot') as fc.Arbitrary<'User'>, 3),
  scope: opt(fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(`/subscriptions/${XSUB}`, `/subscriptions/${XSUB}/resourceGroups/rg-app`, `/subscriptions/${XSUB}/resourceGroups/rg-app/providers/Microsoft.Storage/storageAccounts/st`, '/providers/Microsoft.Management/managementGroups/contoso') },
    { weight: 1, arbitrary: fc.constantFrom('rg-app', '/subscriptions/x', '', '/subscriptions/') },
  ), 1),
  description: opt(fc.string({ maxLength: 10 }), 4),
  storageGrant: opt(fc.record({ reader: fc.boolean(), storageAccountId: fc.oneof({ weight: 6, arbitrary: fc.constant(`/subscriptions/${XSUB}/resourceGroups/rg-app/providers/Microsoft.Storage/storageAccounts/st`) }, { weight: 1, arbitrary: fc.constantFrom('st', undefined) }), containerName: opt(fc.constantFrom('uploads', 'Uploads', 'a--b', 'ab'), 3) }), 5),
});

export const CROSSPLANE_TARGETS: FuzzTarget[] = [
  target({ name: 'CompositeResourceDefinition', family: 'crossplane', arbitrary: xrdSpec, build: (ctx, s) => void buildXrd(ctx, s) }),
  target({
    name: 'Composition', family: 'crossplane', arbitrary: compositionSpec,
    build: (ctx, s) => {
      const xrd = new CompositeResourceDefinition(ctx.folder, 'xrd', {
        group: 'platform.contoso.com', kind: 'XCluster', plural: 'xclusters', version: 'v1alpha1',
        spec: specSchema({ min: 1, max: 10, locations: ['westeurope', 'northeurope'] }),
      });
      const c = new Composition(ctx.folder, 'comp', { xrd, name: s.name });
      const functions = new Set<string>(['function-patch-and-transform']);
      for (const st of s.steps) {
        c.addPatchAndTransform({
          step: st.step,
          patchSets: st.patchSet ? { common: [Patches.fromComposite('spec.location', 'spec.forProvider.location')] } : undefined,
          resources: st.resources.map((r) => ({
            name: r.name, base: aksBase, patches: r.patches.map(toPatch), removalPolicy: r.removalPolicy,
            readinessChecks: r.readiness === undefined ? undefined : [
              r.readiness === 'condition' ? ReadinessChecks.matchCondition() : r.readiness === 'nonEmpty' ? ReadinessChecks.nonEmpty('status.atProvider.id')
                : r.readiness === 'badPath' ? ReadinessChecks.nonEmpty('status.atProvider.nope') : ReadinessChecks.none(),
            ],
            connectionDetails: r.connection === undefined ? undefined : [
              r.connection === 'fromValue' ? ConnectionDetails.fromValue('region', 'westeurope')
                : r.connection === 'fromFieldPath' ? ConnectionDetails.fromFieldPath('fqdn', 'status.atProvider.fqdn') : ConnectionDetails.fromConnectionSecretKey('kubeconfig', 'kubeconfig'),
            ],
          })),
        });
      }
      if (s.functionStep) {
        functions.add(s.functionStep.fn);
        c.addFunctionStep({ step: s.functionStep.step, function: s.functionStep.fn, input: s.functionStep.input ? { apiVersion: 'krm.kcl.dev/v1alpha1', kind: 'KCLInput', spec: { source: 'items = []' } } : undefined });
      }
      if (s.autoReady) {
        functions.add('function-auto-ready');
        c.addAutoReady();
      }
      if (s.provide) provideCompositionDeps(ctx, [...functions]);
    },
  }),
  target({
    name: 'CompositeResource', family: 'crossplane', arbitrary: compositeSpec,
    build: (ctx, s) => {
      const xrd = new CompositeResourceDefinition(ctx.folder, 'xrd', {
        group: 'platform.contoso.com', kind: 'XCluster', plural: 'xclusters', version: 'v1alpha1', scope: s.legacy ? XrdScope.LEGACY_CLUSTER : undefined,
        spec: specSchema({ min: 1, max: 10, locations: ['westeurope', 'northeurope'] }),
      });
      let composition: Composition | undefined;
      if (s.withComposition) {
        composition = new Composition(ctx.folder, 'comp', { xrd });
        composition.addPatchAndTransform({ resources: [{ name: 'cluster', base: aksBase, patches: [Patches.fromComposite('spec.location', 'spec.forProvider.location')] }] });
        provideCompositionDeps(ctx, ['function-patch-and-transform']);
      }
      new CompositeResource(ctx.folder, 'xr', {
        xrd, name: s.name, namespace: s.namespace, connectionSecretName: s.connectionSecretName, composition,
        compositionUpdatePolicy: s.compositionUpdatePolicy, compositionSelector: s.compositionSelector,
        spec: { location: s.location, nodeCount: s.nodeCount, tags: s.tags } as never,
      });
    },
  }),
  target({
    name: 'CrossplaneProvider', family: 'crossplane',
    arbitrary: fc.record({
      upjet: fc.boolean(), service: fc.oneof(fc.constantFrom('containerservice', 'network', 'storage'), oddString), version: opt(fc.constantFrom('v2.7.0', 'latest', 'v2', '')),
      name: fc.oneof(k8sName(), fc.constant('provider-azure-network')),
      package: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('xpkg.crossplane.io/crossplane-contrib/provider-azure-network:v2.7.0', `xpkg.crossplane.io/crossplane-contrib/provider-azure-network@sha256:${'a'.repeat(64)}`) }, { weight: 1, arbitrary: fc.constantFrom('provider-azure-network', 'xpkg.crossplane.io/x:latest', 'xpkg.crossplane.io/x', '') }),
      runtimeConfig: mostly(30),
    }),
    build: (ctx, s) => {
      const runtimeConfig = s.runtimeConfig ? new DeploymentRuntimeConfig(ctx.folder, 'rc', { name: 'azure-wi', workloadIdentity: { clientId: GUID } }) : undefined;
      if (s.upjet) CrossplaneProvider.upjetAzure(ctx.folder, 'provider', { service: s.service, version: s.version, runtimeConfig });
      else new CrossplaneProvider(ctx.folder, 'provider', { name: s.name, package: s.package, runtimeConfig });
    },
  }),
  target({
    name: 'AzureProviderConfig', family: 'crossplane',
    arbitrary: fc.record({
      cluster: fc.boolean(), name: opt(k8sName(), 3), namespace: opt(k8sName(), 4), subscriptionId: guid(), tenantId: guid(),
      credentials: fc.oneof(
        fc.record({ kind: fc.constant('identity' as const), clientId: guid() }),
        fc.record({ kind: fc.constant('oidc' as const), clientId: guid(), path: opt(fc.constantFrom('/var/run/secrets/azure/tokens/azure-identity-token', 'token', '')) }),
        fc.record({ kind: fc.constant('secret' as const), name: k8sName(), namespace: k8sName(), key: fc.constantFrom('credentials', 'a b', '') }),
      ),
      environment: opt(fc.constantFrom('AzurePublicCloud', 'AzureChinaCloud', 'Mars'), 4), provide: mostly(80),
    }),
    build: (ctx, s) => {
      const c = s.credentials;
      const credentials = c.kind === 'identity' ? AzureCredentials.userAssignedManagedIdentity(c.clientId)
        : c.kind === 'oidc' ? AzureCredentials.oidcTokenFile(c.clientId, c.path) : AzureCredentials.fromSecret({ secret: Object.assign(new Construct(ctx.folder, 'creds'), { secretName: c.name, secretNamespace: c.namespace }), key: c.key });
      if (c.kind === 'secret' && s.provide) addProvided(ctx.folder, { apiGroup: '', kind: 'Secret', name: c.name, namespace: c.namespace });
      const props = { name: s.name, namespace: s.namespace, subscriptionId: s.subscriptionId, tenantId: s.tenantId, credentials, environment: s.environment };
      if (s.cluster) new AzureClusterProviderConfig(ctx.folder, 'config', props);
      else new AzureProviderConfig(ctx.folder, 'config', props);
    },
  }),
  target({
    name: 'Usage', family: 'crossplane',
    arbitrary: fc.record({
      name: k8sName(), namespace: opt(k8sName(), 4), reason: opt(fc.oneof(fc.constant('protected'), oddString), 2), replayDeletion: opt(fc.boolean(), 3),
      of: fc.record({ apiVersion: fc.constantFrom('dbforpostgresql.azure.m.upbound.io/v1beta1', 'v1', ''), kind: fc.constantFrom('FlexibleServer', 'Namespace', ''), name: k8sName() }),
      by: opt(fc.record({ apiVersion: fc.constantFrom('containerservice.azure.m.upbound.io/v1beta1'), kind: fc.constantFrom('KubernetesCluster'), name: k8sName() }), 2),
      provide: mostly(80),
    }),
    build: (ctx, s) => {
      const { provide, ...props } = s;
      if (provide) {
        for (const t of [s.of, s.by]) if (t) addProvided(ctx.folder, { apiGroup: t.apiVersion.includes('/') ? t.apiVersion.split('/')[0] : '', kind: t.kind, name: t.name, namespace: s.namespace ?? 'apps' });
      }
      new Usage(ctx.folder, 'usage', props);
    },
  }),
  target({
    name: 'DeploymentRuntimeConfig', family: 'crossplane',
    arbitrary: fc.record({
      name: k8sName(), serviceAccountName: opt(k8sName(), 3), serviceAccountAnnotations: opt(stringMap(fc.constantFrom('azure.workload.identity/client-id', 'x y'), fc.oneof(dnsLabel, oddString)), 3),
      serviceAccountLabels: opt(stringMap(), 4), podLabels: opt(stringMap(), 4), workloadIdentity: opt(fc.record({ clientId: guid(), tenantId: opt(guid()) }), 2),
    }),
    build: (ctx, s) => void new DeploymentRuntimeConfig(ctx.folder, 'rc', s),
  }),
  target({
    name: 'PolicyDefinition', family: 'crossplane', arbitrary: policyDefinitionSpec,
    build: (ctx, s) => {
      new PolicyDefinition(ctx.folder, 'policy', {
        ...managed(ctx, s.managed), displayName: s.displayName, policyRule: POLICY_RULES[s.rule], parameters: s.parameters as never, mode: s.mode,
        description: s.description, metadata: s.metadata, managementGroupId: s.managementGroupId,
      });
    },
  }),
  target({
    name: 'ResourceGroupPolicyAssignment', family: 'crossplane', arbitrary: assignmentSpec,
    build: (ctx, s) => {
      const props = managed(ctx, s.managed);
      const cluster = s.managed.flavour === ManagedResourceFlavour.CLUSTER;
      const definition: any = s.definition === 'builtin-locations' ? BuiltInPolicy.ALLOWED_LOCATIONS
        : s.definition === 'builtin-tag' ? BuiltInPolicy.REQUIRE_TAG_ON_RESOURCE_GROUPS
          : s.definition === 'armId' ? PolicyDefinition.fromArmId(`/subscriptions/${XSUB}/providers/Microsoft.Authorization/policyDefinitions/team-locations`, 'Team locations', ['listOfAllowedLocations'])
            : s.definition === 'notADefinition' ? { displayName: 'x', requiredParameters: [] }
              : new PolicyDefinition(ctx.folder, 'definition', {
                displayName: 'Team locations', policyRule: POLICY_RULES[0], parameters: { listOfAllowedLocations: { type: 'Array' } },
                flavour: (s.definition === 'custom') === cluster ? ManagedResourceFlavour.CLUSTER : ManagedResourceFlavour.NAMESPACED,
                namespace: s.managed.namespace,
              });
      const rg = s.resourceGroup;
      let resourceGroup: AzureResourceGroupRef;
      if (rg === 'controllerRef') resourceGroup = AzureResourceGroupRef.matchControllerRef();
      else if (rg === 'construct' || rg === 'construct-other-namespace') {
        const obj = cluster
          ? new LegacyResourceGroup(ctx.folder, 'rg', { metadata: { name: 'rg-app' }, spec: { forProvider: { location: 'westeurope' } } })
          : new UpjetResourceGroup(ctx.folder, 'rg', { metadata: { name: 'rg-app', namespace: rg === 'construct' ? (s.managed.namespace ?? 'apps') : 'data' }, spec: { forProvider: { location: 'westeurope' } } });
        resourceGroup = AzureResourceGroupRef.fromResourceGroup(obj);
      } else if (rg === 'legacy-construct') {
        resourceGroup = AzureResourceGroupRef.fromResourceGroup(new LegacyResourceGroup(ctx.folder, 'rg', { metadata: { name: 'rg-app' }, spec: { forProvider: { location: 'westeurope' } } }));
      } else if ('armId' in rg) resourceGroup = AzureResourceGroupRef.fromArmId(rg.armId);
      else resourceGroup = AzureResourceGroupRef.matchLabels(rg.labels);
      new ResourceGroupPolicyAssignment(ctx.folder, 'assignment', {
        ...props, policyDefinition: definition, resourceGroup, parameters: s.parameters as never, displayName: s.displayName, description: s.description,
        enforce: s.enforce, nonComplianceMessage: s.nonComplianceMessage, notScopes: s.notScopes,
      });
    },
  }),
  target({
    name: 'AzureRoleAssignment', family: 'crossplane', arbitrary: azureRoleSpec,
    build: (ctx, s) => {
      const props = { ...managed(ctx, s.managed), subscriptionId: s.subscriptionId, principalId: s.principalId, principalType: s.principalType, description: s.description };
      if (s.storageGrant) {
        const g = s.storageGrant;
        const grant = { ...props, storageAccountId: g.storageAccountId, containerName: g.containerName };
        if (g.reader) AzureRoleAssignment.grantStorageBlobDataReader(ctx.folder, 'grant', grant);
        else AzureRoleAssignment.grantStorageBlobDataContributor(ctx.folder, 'grant', grant);
      } else {
        new AzureRoleAssignment(ctx.folder, 'role', { ...props, ...s.role, scope: s.scope });
      }
    },
  }),
];

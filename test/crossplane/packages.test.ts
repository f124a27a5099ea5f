import { ApiObject } from 'cdk8s';
import { ExistingSecret, Repo, RemovalPolicy } from '../../lib';
import { Testing } from '../../lib/testing';
import {
  AzureClusterProviderConfig, AzureCredentials, AzureProviderConfig, CompositeResourceDefinition, Composition, CrossplaneFunction, Patches, CrossplaneProvider, DeploymentRuntimeConfig,
  ManagedResourceActivationPolicy, pluralOf, RoleAssignment, Schema, Usage,
} from '../../lib/crossplane';
import { Account as StorageAccount } from '../../imports/crossplane/storage.azure.m.upbound.io';
import { AzureBuiltInRole } from '../../lib/core/azure-roles';
import { Construct } from 'constructs';

const SUB = '00000000-0000-0000-0000-000000000001';
const TENANT = '00000000-0000-0000-0000-000000000002';
const CLIENT = '00000000-0000-0000-0000-000000000003';

function setup() {
  const app = Testing.app();
  return { app, folder: new Repo(app, 'r').folder('system') };
}

test('providers, functions and runtime config', () => {
  const { folder } = setup();
  const rc = new DeploymentRuntimeConfig(folder, 'rc', { name: 'wi', workloadIdentity: { clientId: CLIENT } });
  const p = CrossplaneProvider.upjetAzure(folder, 'p', { service: 'storage', runtimeConfig: rc });
  expect(p.apiObject.toJson()).toEqual({ apiVersion: 'pkg.crossplane.io/v1', kind: 'Provider', metadata: { name: 'provider-azure-storage' }, spec: { package: 'xpkg.crossplane.io/crossplane-contrib/provider-azure-storage:v2.7.0', runtimeConfigRef: { name: 'wi' } } });
  expect(CrossplaneProvider.upjetAzure(folder, 'f', { service: 'family' }).package).toBe('xpkg.crossplane.io/crossplane-contrib/provider-family-azure:v2.7.0');
  expect(CrossplaneFunction.autoReady(folder, 'ar', { version: 'v0.6.1' }).apiObject.toJson().spec).toEqual({ package: 'xpkg.crossplane.io/crossplane-contrib/function-auto-ready:v0.6.1' });
  expect(rc.apiObject.toJson().spec.serviceAccountTemplate).toEqual({ metadata: { annotations: { 'azure.workload.identity/client-id': CLIENT }, labels: { 'azure.workload.identity/use': 'true' } } });
  expect(() => CrossplaneProvider.upjetAzure(folder, 'bad', { service: 'Storage' })).toThrow('r/system/bad: prop "service": "Storage" is invalid: must be an upjet-azure service name (lowercase letters and digits, e.g. "containerservice") or "family"');
  expect(() => new CrossplaneFunction(folder, 'latest', { name: 'fn', package: 'xpkg.crossplane.io/x/fn:latest' })).toThrow('r/system/latest: prop "package": "xpkg.crossplane.io/x/fn:latest" uses the "latest" tag: pin a version or digest');
  expect(() => new CrossplaneFunction(folder, 'short', { name: 'fn', package: 'function-auto-ready' })).toThrow('r/system/short: prop "package": "function-auto-ready" is invalid: must be a fully qualified package reference');
  expect(() => new DeploymentRuntimeConfig(folder, 'bad-rc', { name: 'x', workloadIdentity: { clientId: 'abc' } })).toThrow('r/system/bad-rc: prop "workloadIdentity.clientId": "abc" is invalid: must be a client ID (a UUID)');
});

test('provider configs take credentials from identities or Secret references only', () => {
  const { folder, app } = setup();
  const c = new AzureClusterProviderConfig(folder, 'c', { credentials: AzureCredentials.oidcTokenFile(CLIENT), subscriptionId: SUB, tenantId: TENANT });
  expect(c.apiObject.toJson()).toEqual({ apiVersion: 'azure.m.upbound.io/v1beta1', kind: 'ClusterProviderConfig', metadata: { name: 'default' }, spec: { credentials: { source: 'OIDCTokenFile' }, clientID: CLIENT, subscriptionID: SUB, tenantID: TENANT } });
  const n = new AzureProviderConfig(folder, 'n', { name: 'team', namespace: 'crossplane-system', credentials: AzureCredentials.fromSecret({ secret: 'azure-creds', key: 'creds' }), subscriptionId: SUB, tenantId: TENANT });
  expect(n.apiObject.toJson().spec.credentials).toEqual({ source: 'Secret', secretRef: { name: 'azure-creds', namespace: 'crossplane-system', key: 'creds' } });
  expect(n.apiObject.toJson().metadata.namespace).toBe('crossplane-system');
  new AzureProviderConfig(folder, 'mi', { name: 'mi', namespace: 'team-a', credentials: AzureCredentials.userAssignedManagedIdentity(CLIENT), subscriptionId: SUB, tenantId: TENANT });
  expect(() => app.placedObjects()).not.toThrow(); // a Secret named by a string is managed outside the app (declared)
  expect(() => new AzureClusterProviderConfig(folder, 'bad', { credentials: AzureCredentials.oidcTokenFile(CLIENT), subscriptionId: 'x', tenantId: TENANT }))
    .toThrow('r/system/bad: prop "subscriptionId": "x" is invalid: must be a subscription ID (a UUID)');
});

test('activation policy, usage and plurals', () => {
  const { folder, app } = setup();
  const mrap = new ManagedResourceActivationPolicy(folder, 'm', { name: 'mrap', activate: ['*.azure.m.upbound.io'] });
  expect(mrap.apiObject.toJson().spec).toEqual({ activate: ['*.azure.m.upbound.io'] });
  expect(() => mrap.activate('Bad Name')).toThrow('r/system/m: prop "activate": "Bad Name" is invalid');
  expect([pluralOf('KubernetesCluster'), pluralOf('Policy'), pluralOf('Class'), pluralOf('Account')]).toEqual(['kubernetesclusters', 'policies', 'classes', 'accounts']);
  const fn = CrossplaneFunction.patchAndTransform(folder, 'pt', { version: 'v0.10.8' });
  const u = new Usage(folder, 'u', { name: 'protect-fn', of: fn.apiObject, reason: 'compositions use it' });
  expect(u.apiObject.toJson().spec).toEqual({ of: { apiVersion: 'pkg.crossplane.io/v1', kind: 'Function', resourceRef: { name: 'function-patch-and-transform' } }, reason: 'compositions use it' });
  expect(() => new Usage(folder, 'u2', { name: 'x', of: fn.apiObject })).toThrow('r/system/u2: prop "reason": is required when there is no "by" resource');
  expect(() => new Usage(folder, 'u3', { name: 'x', namespace: '-a', of: fn.apiObject, reason: 'r' })).toThrow(
    'r/system/u3: prop "namespace": "-a" is invalid: must be a DNS label (lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters)',
  );
  expect(() => app.placedObjects()).not.toThrow();
});

test('usage of a namespaced object, and of a cluster-scoped one from a namespaced folder', () => {
  const app = Testing.app();
  const folder = new Repo(app, 'r').folder('apps', { namespace: 'team-a' });
  const fn = CrossplaneFunction.autoReady(folder, 'ar', { version: 'v0.6.1' });
  const db = new ApiObject(folder, 'db', { apiVersion: 'dbforpostgresql.azure.m.upbound.io/v1beta1', kind: 'FlexibleServer', metadata: { name: 'db' }, spec: { forProvider: { location: 'westeurope' } } });
  const app1 = new ApiObject(folder, 'web', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' } });
  const u = new Usage(folder, 'u', { name: 'web-uses-db', of: db, by: app1 });
  expect(u.namespace).toBe('team-a');
  expect(u.apiObject.toJson().spec).toEqual({
    of: { apiVersion: 'dbforpostgresql.azure.m.upbound.io/v1beta1', kind: 'FlexibleServer', resourceRef: { name: 'db' } },
    by: { apiVersion: 'v1', kind: 'ConfigMap', resourceRef: { name: 'web' } },
  });
  new Usage(folder, 'fn-in-use', { name: 'fn-in-use', of: fn.apiObject, reason: 'compositions use it' });
  // The Function is cluster-scoped: its reference carries no namespace and resolves.
  expect(() => app.placedObjects()).not.toThrow();
});

describe('one Secret type: AzureCredentials.fromSecret takes a SecretKeyRef', () => {
  const props = { subscriptionId: SUB, tenantId: TENANT };
  function app2() {
    const app = Testing.app();
    const repo = new Repo(app, 'r');
    return { app, team: repo.folder('team-a', { namespace: 'team-a' }), system: repo.folder('system', { namespace: 'crossplane-system' }) };
  }

  test('a namespaced ProviderConfig reads a Secret of its own namespace (upjet-azure sets secretRef.namespace to it)', () => {
    const { app, team } = app2();
    const sp = ExistingSecret.fromName(team, 'sp', { name: 'azure-sp' });
    const pc = new AzureProviderConfig(team, 'pc', { name: 'team-a', credentials: AzureCredentials.fromSecret({ secret: sp, key: 'credentials' }), ...props });
    expect(pc.apiObject.toJson().spec.credentials).toEqual({ source: 'Secret', secretRef: { name: 'azure-sp', namespace: 'team-a', key: 'credentials' } });
    const byName = new AzureProviderConfig(team, 'by-name', { name: 'by-name', credentials: AzureCredentials.fromSecret({ secret: 'azure-sp-2', key: 'creds' }), ...props });
    expect(byName.apiObject.toJson().spec.credentials.secretRef).toEqual({ name: 'azure-sp-2', namespace: 'team-a', key: 'creds' });
    expect(Testing.synthProblems(app)).toEqual([]);
  });

  test('a Secret of another namespace, a bad key and a value are errors naming the prop', () => {
    const { team, system } = app2();
    const other = ExistingSecret.fromName(system, 'sp', { name: 'azure-sp' });
    expect(Testing.errorOf(() => new AzureProviderConfig(team, 'pc', { credentials: AzureCredentials.fromSecret({ secret: other, key: 'credentials' }), ...props })))
      .toBe('r/team-a/pc: prop "credentials": Secret "azure-sp" (r/system/sp) is in namespace "crossplane-system", but it must be in namespace "team-a" (upjet-azure reads the Secret of a ProviderConfig from the ProviderConfig\'s namespace)');
    expect(Testing.errorOf(() => new AzureProviderConfig(team, 'key', { credentials: AzureCredentials.fromSecret({ secret: 'azure-sp', key: 'a b' }), ...props })))
      .toBe('r/team-a/key: prop "credentials.key": "a b" is invalid: must be a Secret key (letters, digits, "-", "_" and ".")');
    expect(Testing.errorOf(() => new AzureProviderConfig(team, 'value', { credentials: AzureCredentials.fromSecret({ secret: { clientSecret: 'hunter2' } as any, key: 'x' }), ...props })))
      .toBe('r/team-a/value: prop "credentials": must be a Secret (an ISecretSource such as ExistingSecret.fromName(...) or a SealedSecret, or the name of a Secret); secret values are never written to Git');
  });

  test('a ClusterProviderConfig reads the Secret where it is; an undeclared Secret fails the synth', () => {
    const { app, team, system } = app2();
    const sp = ExistingSecret.fromName(system, 'sp', { name: 'azure-sp' });
    const c = new AzureClusterProviderConfig(team, 'c', { credentials: AzureCredentials.fromSecret({ secret: sp, key: 'credentials' }), ...props });
    expect(c.apiObject.toJson().spec.credentials.secretRef).toEqual({ name: 'azure-sp', namespace: 'crossplane-system', key: 'credentials' });
    const ghost = Object.assign(new Construct(system, 'ghost'), { secretName: 'ghost', secretNamespace: 'crossplane-system' });
    new AzureClusterProviderConfig(team, 'g', { name: 'g', credentials: AzureCredentials.fromSecret({ secret: ghost, key: 'credentials' }), ...props });
    expect(Testing.synthProblems(app)).toEqual([
      'r/team-a/g: prop "credentials": refers to Secret/crossplane-system/ghost, which is not an object of the app; create it, or declare an existing one with the kind\'s fromName(...) import',
    ]);
  });
});

describe('PlatformResource vocabulary', () => {
  test('provider configs: apiObject, name, namespace, toRef; fromName imports resolve for managed resources', () => {
    const app = Testing.app();
    const team = new Repo(app, 'r').folder('team-a', { namespace: 'team-a' });
    const pc = new AzureProviderConfig(team, 'pc', { name: 'team-a', credentials: AzureCredentials.userAssignedManagedIdentity(CLIENT), subscriptionId: SUB, tenantId: TENANT });
    expect(pc.toRef()).toEqual({ apiGroup: 'azure.m.upbound.io', kind: 'ProviderConfig', name: 'team-a', namespace: 'team-a' });
    const cpc = new AzureClusterProviderConfig(team, 'cpc', { credentials: AzureCredentials.userAssignedManagedIdentity(CLIENT), subscriptionId: SUB, tenantId: TENANT });
    expect(cpc.toRef()).toEqual({ apiGroup: 'azure.m.upbound.io', kind: 'ClusterProviderConfig', name: 'default', namespace: undefined });
    const shared = AzureClusterProviderConfig.fromName(team, 'shared', { name: 'shared' });
    expect(shared.namespace).toBeUndefined();
    const other = AzureProviderConfig.fromName(team, 'other', { name: 'other' });
    expect([other.apiGroup, other.kind, other.name, other.namespace]).toEqual(['azure.m.upbound.io', 'ProviderConfig', 'other', 'team-a']);
    const scope = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-app';
    const a = new RoleAssignment(team, 'a', { name: 'a', principalId: CLIENT, role: AzureBuiltInRole.READER, scope, providerConfig: shared });
    const b = new RoleAssignment(team, 'b', { name: 'b', principalId: CLIENT, role: AzureBuiltInRole.READER, scope, providerConfig: other });
    expect(a.apiObject.toJson().spec.providerConfigRef).toEqual({ kind: 'ClusterProviderConfig', name: 'shared' });
    expect(b.apiObject.toJson().spec.providerConfigRef).toEqual({ kind: 'ProviderConfig', name: 'other' });
    expect(Testing.synthProblems(app)).toEqual([]);
    const elsewhere = AzureProviderConfig.fromName(team, 'elsewhere', { name: 'elsewhere', namespace: 'team-b' });
    new RoleAssignment(team, 'c', { name: 'c', principalId: CLIENT, role: AzureBuiltInRole.READER, scope, providerConfig: elsewhere });
    expect(Testing.synthProblems(app)).toEqual([
      'r/team-a/c: prop "providerConfig": ProviderConfig "elsewhere" is in namespace "team-b", not "team-a": a managed resource can only use a ProviderConfig of its own namespace',
    ]);
  });

  test('applyRemovalPolicy and the removalPolicy prop agree on managementPolicies', () => {
    const app = Testing.app();
    const team = new Repo(app, 'r').folder('team-a', { namespace: 'team-a' });
    const scope = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-app';
    new RoleAssignment(team, 'p', { name: 'p', principalId: CLIENT, role: AzureBuiltInRole.READER, scope, removalPolicy: RemovalPolicy.RETAIN });
    const byMethod = new RoleAssignment(team, 'm', { name: 'm', principalId: CLIENT, role: AzureBuiltInRole.READER, scope });
    byMethod.applyRemovalPolicy(RemovalPolicy.RETAIN);
    AzureClusterProviderConfig.fromName(team, 'default', { name: 'default' });
    const objs = Testing.objects(app);
    const p = Testing.find(objs, 'RoleAssignment', 'p');
    const m = Testing.find(objs, 'RoleAssignment', 'm');
    expect(p.spec.managementPolicies).toEqual(['Observe', 'Create', 'Update', 'LateInitialize']);
    expect(m.spec.managementPolicies).toEqual(p.spec.managementPolicies);
    expect(m.metadata.annotations).toEqual(p.metadata.annotations);
  });
});

test('a runtime config whose ServiceAccount Crossplane makes serves one package; an existing account serves many', () => {
  const { app, folder } = setup();
  const templated = new DeploymentRuntimeConfig(folder, 'rc', { name: 'wi', serviceAccountName: 'provider-azure', workloadIdentity: { clientId: CLIENT } });
  CrossplaneProvider.upjetAzure(folder, 'family', { service: 'family', runtimeConfig: templated });
  expect(Testing.synthProblems(app)).toEqual([]);
  CrossplaneProvider.upjetAzure(folder, 'storage', { service: 'storage', runtimeConfig: templated });
  expect(Testing.synthProblems(app)).toEqual([
    'r/system/rc: prop "serviceAccountName": 2 packages use this runtime config (r/system/family, r/system/storage), and Crossplane makes each package revision the controller owner of ServiceAccount "provider-azure" it makes from the template: ' +
      'they take it from each other forever (crossplane/crossplane#7769) and deleting one deletes the account the others run as; create the ServiceAccount and give existingServiceAccountName instead, or one runtime config per package',
  ]);

  const other = setup();
  const shared = new DeploymentRuntimeConfig(other.folder, 'rc', { name: 'wi', existingServiceAccountName: 'provider-azure', podLabels: { 'azure.workload.identity/use': 'true' } });
  CrossplaneProvider.upjetAzure(other.folder, 'family', { service: 'family', runtimeConfig: shared });
  CrossplaneProvider.upjetAzure(other.folder, 'storage', { service: 'storage', runtimeConfig: shared });
  expect(Testing.synthProblems(other.app)).toEqual([]);
  expect(shared.apiObject.toJson().spec).toEqual({
    deploymentTemplate: { spec: { selector: {}, template: { metadata: { labels: { 'azure.workload.identity/use': 'true' } }, spec: { containers: [{ name: 'package-runtime' }], serviceAccountName: 'provider-azure' } } } },
  });
  expect(Testing.errorOf(() => new DeploymentRuntimeConfig(other.folder, 'both', { name: 'both', existingServiceAccountName: 'sa', workloadIdentity: { clientId: CLIENT }, serviceAccountName: 'x' })))
    .toBe('r/system/both: prop "existingServiceAccountName": cannot be combined with serviceAccountName, workloadIdentity: Crossplane does not create or change an existing ServiceAccount; annotate it yourself (workload identity\'s client ID), and label the pods with podLabels');
});

test('a composed storage Account without shared keys needs its ClusterProviderConfig to use Entra ID for the data planes (azurerm reads blob and queue properties)', () => {
  const { app, folder } = setup();
  const config = new AzureClusterProviderConfig(folder, 'default', { credentials: AzureCredentials.oidcTokenFile(CLIENT), subscriptionId: SUB, tenantId: TENANT });
  expect(config.apiObject.toJson().spec.storageUseAzureAD).toBeUndefined();
  const xrd = new CompositeResourceDefinition(folder, 'xrd', { group: 'platform.contoso.com', kind: 'XFiles', plural: 'xfiles', version: 'v1alpha1', spec: Schema.object({ size: Schema.string() }) });
  const composition = new Composition(folder, 'comp', { xrd });
  const account = (scope: any) => new StorageAccount(scope, 'account', {
    spec: { forProvider: { accountReplicationType: 'LRS', accountTier: 'Standard', location: 'westeurope', resourceGroupName: 'rg', sharedAccessKeyEnabled: false } },
  });
  const named = [Patches.combineFromComposite(['metadata.namespace', 'metadata.name'], 'st%s%s', 'metadata.annotations[crossplane.io/external-name]')];
  composition.addPatchAndTransform({ resources: [{ name: 'storage', base: account, patches: named }] });
  CrossplaneFunction.patchAndTransform(folder, 'fn', { version: 'v0.10.8' });
  expect(Testing.synthProblems(app)).toEqual([
    'r/system/comp: prop "pipeline[0].resources[0].base.spec.forProvider.sharedAccessKeyEnabled": resource "storage" composes a storage Account with sharedAccessKeyEnabled: false through ClusterProviderConfig default (r/system/default), which does not set storageUseAzureAD: ' +
      "the provider reads the account's blob and queue properties with a shared key, gets 403 KeyBasedAuthenticationNotPermitted, and the Account never becomes ready; " +
      'set storageUseAzureAD: true on the config (its identity then needs Storage Blob Data Contributor and Storage Queue Data Contributor on the accounts)',
  ]);
  const other = setup();
  const keyless = new AzureClusterProviderConfig(other.folder, 'default', { credentials: AzureCredentials.oidcTokenFile(CLIENT), subscriptionId: SUB, tenantId: TENANT, storageUseAzureAD: true });
  expect(keyless.apiObject.toJson().spec.storageUseAzureAD).toBe(true);
  const xrd2 = new CompositeResourceDefinition(other.folder, 'xrd', { group: 'platform.contoso.com', kind: 'XFiles', plural: 'xfiles', version: 'v1alpha1', spec: Schema.object({ size: Schema.string() }) });
  new Composition(other.folder, 'comp', { xrd: xrd2 }).addPatchAndTransform({ resources: [{ name: 'storage', base: account, patches: named }] });
  CrossplaneFunction.patchAndTransform(other.folder, 'fn', { version: 'v0.10.8' });
  expect(Testing.synthProblems(other.app)).toEqual([]);
});

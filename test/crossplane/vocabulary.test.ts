// The shared vocabulary (#13) on the Crossplane constructs: PlatformResource (apiObject, name,
// namespace, toRef), fromName imports, connection Secrets as exports (ISecretSource / ExportedValue).
import { KubernetesCluster } from '../../imports/crossplane/containerservice.azure.m.upbound.io';
import { ExistingSecret, Repo } from '../../lib';
import { AzureClusterProviderConfig, AzureCredentials, AzureProviderConfig, CrossplaneFunction, Claim, CompositeResource, CompositeResourceDefinition, Composition, ConnectionDetails, Patches, Schema, XrdScope } from '../../lib/crossplane';
import { Testing } from '../../lib/testing';

const spec = Schema.object({ location: Schema.string({ required: true }) });
const SUB = '00000000-0000-0000-0000-000000000001';
const TENANT = '00000000-0000-0000-0000-000000000002';

function setup(scope = XrdScope.NAMESPACED) {
  const app = Testing.app();
  const repo = new Repo(app, 'r');
  const apis = repo.folder('apis');
  const team = repo.folder('team-a', { namespace: 'team-a' });
  const xrd = new CompositeResourceDefinition(apis, 'xrd', { group: 'platform.contoso.com', kind: 'XCluster', plural: 'xclusters', version: 'v1alpha1', spec, scope });
  const composition = new Composition(apis, 'comp', { xrd });
  composition.addPatchAndTransform({
    resources: [{
      name: 'cluster',
      base: (s: any) => new KubernetesCluster(s, 'aks', { spec: { forProvider: { identity: { type: 'SystemAssigned' }, defaultNodePool: { name: 'system', vmSize: 'Standard_D4s_v5' } } } }),
      patches: [Patches.fromComposite('metadata.name', 'metadata.annotations[crossplane.io/external-name]')],
      connectionDetails: [ConnectionDetails.fromFieldPath('host', 'status.atProvider.fqdn')],
    }],
  });
  CrossplaneFunction.patchAndTransform(apis, 'pt', { version: 'v0.10.8' });
  AzureClusterProviderConfig.fromName(apis, 'default', { name: 'default' });
  return { app, apis, team, xrd, composition };
}

describe('CompositeResourceDefinition', () => {
  test('is a PlatformResource; the composite kind is compositeKind', () => {
    const { xrd } = setup();
    expect([xrd.apiGroup, xrd.kind, xrd.name, xrd.namespace]).toEqual(['apiextensions.crossplane.io', 'CompositeResourceDefinition', 'xclusters.platform.contoso.com', undefined]);
    expect([xrd.compositeGroup, xrd.compositeKind, xrd.compositeVersion, xrd.compositeApiVersion]).toEqual(['platform.contoso.com', 'XCluster', 'v1alpha1', 'platform.contoso.com/v1alpha1']);
  });

  test('fromName declares an XRD owned elsewhere', () => {
    const { app, apis } = setup();
    const imported = CompositeResourceDefinition.fromName(apis, 'other', { name: 'xapps.platform.contoso.com' });
    expect([imported.kind, imported.name, imported.namespace]).toEqual(['CompositeResourceDefinition', 'xapps.platform.contoso.com', undefined]);
    expect(Testing.synthProblems(app)).toEqual([]);
  });
});

describe('CompositeResource exports', () => {
  test('connectionSecret is "a Secret" other constructs take; connectionDetail is an ExportedValue', () => {
    const { app, team, xrd, composition } = setup();
    const xr = new CompositeResource(team, 'xr', { xrd, composition, name: 'aks-a', spec: { location: 'westeurope' } });
    expect([xr.apiGroup, xr.kind, xr.name, xr.namespace]).toEqual(['platform.contoso.com', 'XCluster', 'aks-a', 'team-a']);
    expect(xr.exports.connectionSecret.secretName).toBe('aks-a-connection');
    expect(xr.exports.connectionSecret.secretNamespace).toBe('team-a');
    expect(xr.exports.connectionSecret).toBe(xr.exports.connectionSecret);
    const pc = new AzureProviderConfig(team, 'pc', { name: 'from-xr', credentials: AzureCredentials.fromSecret({ secret: xr.exports.connectionSecret, key: 'host' }), subscriptionId: SUB, tenantId: TENANT });
    expect(pc.apiObject.toJson().spec.credentials.secretRef).toEqual({ name: 'aks-a-connection', namespace: 'team-a', key: 'host' });
    expect(xr.exports.connectionDetail('host').use(pc, 'x')).toEqual({ kind: 'Secret', name: 'aks-a-connection', namespace: 'team-a', key: 'host' });
    expect(Testing.synthProblems(app)).toEqual([]);
  });

  test('a key the composition does not write and a legacy composite are errors naming the prop', () => {
    const { team, xrd, composition } = setup();
    const xr = new CompositeResource(team, 'xr', { xrd, composition, name: 'aks-a', spec: { location: 'westeurope' } });
    expect(Testing.errorOf(() => xr.exports.connectionDetail('kubeconfig')))
      .toBe('r/team-a/xr: prop "exports.connectionDetail": "kubeconfig" is not a connection detail of composition xclusters.platform.contoso.com (host)');
    const legacy = setup(XrdScope.LEGACY_CLUSTER);
    const lxr = new CompositeResource(legacy.apis, 'lxr', { xrd: legacy.xrd, name: 'aks-b', spec: { location: 'westeurope' } });
    expect(lxr.namespace).toBeUndefined();
    expect(Testing.errorOf(() => lxr.exports.connectionSecret))
      .toBe('r/apis/lxr: prop "exports.connectionSecret": legacy composites write their connection secret through a Claim (claim.exports)');
  });

  test('a claim exports the Secret Crossplane writes when it names one', () => {
    const app = Testing.app();
    const repo = new Repo(app, 'r');
    const xrd = new CompositeResourceDefinition(repo.folder('apis'), 'xrd', {
      group: 'platform.contoso.com', kind: 'XDatabase', plural: 'xdatabases', version: 'v1alpha1',
      scope: XrdScope.LEGACY_CLUSTER, claimNames: { kind: 'Database', plural: 'databases' }, spec,
    });
    const team = repo.folder('team-a', { namespace: 'team-a' });
    const db = new Claim(team, 'db', { xrd, name: 'orders-db', spec: { location: 'westeurope' }, connectionSecretName: 'orders-db-conn' });
    expect([db.kind, db.name, db.namespace]).toEqual(['Database', 'orders-db', 'team-a']);
    expect([db.exports.connectionSecret.secretName, db.exports.connectionSecret.secretNamespace]).toEqual(['orders-db-conn', 'team-a']);
    const none = new Claim(team, 'none', { xrd, name: 'no-secret', spec: { location: 'westeurope' } });
    expect(Testing.errorOf(() => none.exports.connectionDetail('password')))
      .toBe('r/team-a/none: prop "connectionSecretName": is required to use exports.connectionDetail');
  });
});

describe('function step credentials take "a Secret"', () => {
  test('an ISecretSource renders its name and namespace; a name is a Secret of the folder\'s namespace', () => {
    const { app, apis, composition } = setup();
    const system = new Repo(app, 'sys').folder('system', { namespace: 'crossplane-system' });
    const token = ExistingSecret.fromName(system, 'token', { name: 'github-token' });
    CrossplaneFunction.autoReady(apis, 'fn', { version: 'v0.6.1' });
    composition.addFunctionStep({ step: 'creds', function: 'function-auto-ready', credentials: [{ name: 'github', secret: token }] });
    expect(composition.apiObject.toJson().spec.pipeline[1].credentials).toEqual([{ name: 'github', source: 'Secret', secretRef: { name: 'github-token', namespace: 'crossplane-system' } }]);
    expect(Testing.synthProblems(app)).toEqual([]);
    expect(Testing.errorOf(() => composition.addFunctionStep({ step: 'by-name', function: 'function-auto-ready', credentials: [{ name: 'github', secret: 'github-token' }] })))
      .toBe('r/apis/comp: prop "pipeline[2].credentials[0].secret": names a Secret but the consumer has no namespace; pass an ISecretSource (ExistingSecret.fromName(...)) instead');
  });
});

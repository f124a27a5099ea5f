// CrossplaneAzureRuntime: what a management cluster needs to run Azure compositions.
import { Repo } from '../../lib';
import { CrossplaneAzureRuntime } from '../../lib/crossplane';
import { Testing } from '../../lib/testing';

const CLIENT = '00000000-0000-0000-0000-00000000000a';
const TENANT = '00000000-0000-0000-0000-00000000000b';
const SUB = '00000000-0000-0000-0000-00000000000c';

test('providers (family first) with workload identity, both functions, the default ClusterProviderConfig and the activation policy', () => {
  const app = Testing.app();
  const system = new Repo(app, 'mgmt').folder('crossplane/system');
  const rt = new CrossplaneAzureRuntime(system, 'runtime', {
    services: ['storage', 'family'], clientId: CLIENT, tenantId: TENANT, subscriptionId: SUB, activationPolicyName: 'platform', annotateTenant: true,
  });
  expect(() => app.placedObjects()).toThrow('mgmt/crossplane--system/runtime/packages/activation: prop "activate": activates nothing (add names or compositions)');
  rt.activation.activate('accounts.storage.azure.m.upbound.io');
  expect(rt.providers.map((p) => p.node.id)).toEqual(['provider-family', 'provider-storage']);
  const objs = app.placedObjects().map((p) => p.obj as any);
  const byKind = (k: string) => objs.filter((o) => o.kind === k);
  // (placed objects come in file order)
  expect(byKind('Provider').map((p) => [p.metadata.name, p.spec.runtimeConfigRef])).toEqual([
    ['provider-azure-storage', { name: 'azure-workload-identity' }],
    ['provider-family-azure', { name: 'azure-workload-identity' }],
  ]);
  // One ServiceAccount the providers share, which Crossplane does not own (crossplane/crossplane#4925):
  // from a template, each provider revision would take it from the others (#7769).
  const drc = byKind('DeploymentRuntimeConfig')[0];
  expect(drc.spec).toEqual({
    deploymentTemplate: { spec: { selector: {}, template: { metadata: { labels: { 'azure.workload.identity/use': 'true' } }, spec: { containers: [{ name: 'package-runtime' }], serviceAccountName: 'provider-azure' } } } },
  });
  expect(byKind('ServiceAccount')).toEqual([{
    apiVersion: 'v1', kind: 'ServiceAccount',
    metadata: { name: 'provider-azure', namespace: 'crossplane-system', labels: { 'azure.workload.identity/use': 'true' }, annotations: { 'azure.workload.identity/client-id': CLIENT, 'azure.workload.identity/tenant-id': TENANT } },
  }]);
  expect(byKind('Function')).toHaveLength(2);
  const cpc = byKind('ClusterProviderConfig')[0];
  expect(cpc.metadata.name).toBe('default');
  expect(cpc.spec).toMatchObject({ credentials: { source: 'OIDCTokenFile' }, clientID: CLIENT, subscriptionID: SUB, tenantID: TENANT });
  expect(byKind('ManagedResourceActivationPolicy')[0].metadata.name).toBe('platform');
});

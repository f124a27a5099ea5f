// upjet-azure authorization L2s: policy definitions and resource-group assignments (built-in
// policies with typed parameters) and role assignments, in both flavours.
import { ResourceGroup as ClusterResourceGroup } from '../../imports/crossplane/azure.upbound.io';
import { ResourceGroup } from '../../imports/crossplane/azure.m.upbound.io';
import { addProvided, Repo } from '../../lib';
import { Testing } from '../../lib/testing';
import { AzureBuiltInRole } from '../../lib/core/azure-roles';
import {
  AzureClusterProviderConfig, AzureCredentials, AzureProviderConfig, AzureResourceGroupRef, BuiltInPolicy, CompositeResourceDefinition, Composition,
  encodeParameters, ManagedResourceFlavour, Patches, PolicyDefinition, ResourceGroupPolicyAssignment, RoleAssignment, Schema,
} from '../../lib/crossplane';
import { RemovalPolicy } from '../../lib/core/removal-policy';

const SUB = '00000000-0000-0000-0000-000000000001';
const PRINCIPAL = '11111111-1111-1111-1111-111111111111';
const RG_ID = `/subscriptions/${SUB}/resourceGroups/rg-team-a`;
const SA_ID = `${RG_ID}/providers/Microsoft.Storage/storageAccounts/contosoapp`;

function setup() {
  const app = Testing.app();
  const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
  const system = repo.folder('system');
  const providerConfig = new AzureClusterProviderConfig(system, 'pc', { credentials: AzureCredentials.oidcTokenFile('00000000-0000-0000-0000-000000000003'), subscriptionId: SUB, tenantId: '00000000-0000-0000-0000-000000000002' });
  const folder = repo.folder('team-a', { namespace: 'team-a' });
  return { app, repo, folder, providerConfig };
}


describe('ResourceGroupPolicyAssignment', () => {
  test('a built-in policy on an upjet ResourceGroup of the app: typed parameters JSON-encoded, resourceGroupIdRef', () => {
    const { app, folder } = setup();
    const rg = new ResourceGroup(folder, 'rg', { metadata: { name: 'rg-team-a' }, spec: { forProvider: { location: 'westeurope' } } });
    new ResourceGroupPolicyAssignment(folder, 'loc', {
      name: 'allowed-locations', policyDefinition: BuiltInPolicy.ALLOWED_LOCATIONS,
      parameters: { listOfAllowedLocations: ['westeurope', 'northeurope'] },
      resourceGroup: AzureResourceGroupRef.fromResourceGroup(rg), nonComplianceMessage: 'EU regions only', notScopes: [`${RG_ID}/providers/Microsoft.Network/virtualNetworks/b`],
    }).addNotScope(`${RG_ID}/providers/Microsoft.Network/virtualNetworks/a`);
    expect(Testing.find(app, 'ResourceGroupPolicyAssignment', 'allowed-locations')).toEqual({
      apiVersion: 'authorization.azure.m.upbound.io/v1beta1',
      kind: 'ResourceGroupPolicyAssignment',
      metadata: { name: 'allowed-locations', namespace: 'team-a' },
      spec: {
        forProvider: {
          displayName: 'Allowed locations',
          enforce: true,
          nonComplianceMessage: [{ content: 'EU regions only' }],
          notScopes: [`${RG_ID}/providers/Microsoft.Network/virtualNetworks/a`, `${RG_ID}/providers/Microsoft.Network/virtualNetworks/b`],
          parameters: '{"listOfAllowedLocations":{"value":["westeurope","northeurope"]}}',
          policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c',
          resourceGroupIdRef: { name: 'rg-team-a' },
        },
        managementPolicies: ['*'],
      },
    });
  });

  test('a custom PolicyDefinition by reference, a resource group by ARM id, the cluster-scoped flavour (v1beta2)', () => {
    const { app, folder } = setup();
    addProvided(folder, { apiGroup: 'azure.upbound.io', kind: 'ProviderConfig', name: 'legacy' });
    const def = new PolicyDefinition<{ effect: string }>(folder, 'def', {
      name: 'deny-public-ip', displayName: 'Deny public IPs', flavour: ManagedResourceFlavour.CLUSTER, providerConfig: { kind: 'ProviderConfig', name: 'legacy' },
      policyRule: { then: { effect: "[parameters('effect')]" }, if: { field: 'type', equals: 'Microsoft.Network/publicIPAddresses' } },
      parameters: { effect: { type: 'String', defaultValue: 'Deny', allowedValues: ['Deny', 'Audit'] } },
      metadata: { category: 'Network' },
    });
    new ResourceGroupPolicyAssignment(folder, 'pip', {
      name: 'deny-public-ip', policyDefinition: def, parameters: { effect: 'Audit' }, enforce: false, flavour: ManagedResourceFlavour.CLUSTER,
      providerConfig: { kind: 'ProviderConfig', name: 'legacy' }, resourceGroup: AzureResourceGroupRef.fromArmId(RG_ID), removalPolicy: RemovalPolicy.RETAIN,
    });
    const o = Testing.objects(app);
    expect(Testing.find(o, 'PolicyDefinition', 'deny-public-ip')).toEqual({
      apiVersion: 'authorization.azure.upbound.io/v1beta1', kind: 'PolicyDefinition', metadata: { name: 'deny-public-ip' },
      spec: {
        forProvider: {
          displayName: 'Deny public IPs', mode: 'All', policyType: 'Custom', metadata: '{"category":"Network"}',
          parameters: '{"effect":{"allowedValues":["Deny","Audit"],"defaultValue":"Deny","type":"String"}}',
          policyRule: '{"if":{"equals":"Microsoft.Network/publicIPAddresses","field":"type"},"then":{"effect":"[parameters(\'effect\')]"}}',
        },
        providerConfigRef: { name: 'legacy' },
        managementPolicies: ['*'],
      },
    });
    expect(Testing.find(o, 'ResourceGroupPolicyAssignment', 'deny-public-ip')).toEqual({
      apiVersion: 'authorization.azure.upbound.io/v1beta2', kind: 'ResourceGroupPolicyAssignment',
      metadata: { name: 'deny-public-ip', annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled', 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false' } },
      spec: {
        forProvider: { displayName: 'Deny public IPs', enforce: false, parameters: '{"effect":{"value":"Audit"}}', policyDefinitionIdRef: { name: 'deny-public-ip' }, resourceGroupId: RG_ID },
        providerConfigRef: { name: 'legacy' },
        managementPolicies: ['Observe', 'Create', 'Update', 'LateInitialize'],
      },
    });
  });

  test('the provider config: an AzureProviderConfig of the namespace, references checked at synth', () => {
    const { app, folder } = setup();
    const pc = new AzureProviderConfig(folder, 'team-pc', { name: 'team-a', credentials: AzureCredentials.oidcTokenFile('00000000-0000-0000-0000-000000000003'), subscriptionId: SUB, tenantId: '00000000-0000-0000-0000-000000000002' });
    new ResourceGroupPolicyAssignment(folder, 'tag', { name: 'require-team-tag', policyDefinition: BuiltInPolicy.REQUIRE_TAG_ON_RESOURCES, parameters: { tagName: 'team' }, resourceGroup: AzureResourceGroupRef.matchLabels({ team: 'a' }), providerConfig: pc });
    expect(Testing.find(app, 'ResourceGroupPolicyAssignment', 'require-team-tag').spec).toEqual({
      forProvider: {
        displayName: 'Require a tag on resources', enforce: true, parameters: '{"tagName":{"value":"team"}}',
        policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/871b6d14-10aa-478d-b590-94f262ecfa99',
        resourceGroupIdSelector: { matchLabels: { team: 'a' } },
      },
      providerConfigRef: { kind: 'ProviderConfig', name: 'team-a' },
      managementPolicies: ['*'],
    });
    const { app: app2, folder: f2 } = setup();
    new ResourceGroupPolicyAssignment(f2, 'tag', { name: 'require-team-tag', policyDefinition: BuiltInPolicy.REQUIRE_TAG_ON_RESOURCE_GROUPS, parameters: { tagName: 'team' }, resourceGroup: AzureResourceGroupRef.fromArmId(RG_ID), providerConfig: { kind: 'ClusterProviderConfig', name: 'other' } });
    expect(Testing.synthProblems(app2)).toEqual(['platform/team-a/tag: prop "providerConfig": refers to ClusterProviderConfig/other (azure.m.upbound.io), which is not an object of the app; create it, or declare an existing one with the kind\'s fromName(...) import']);
  });

  test('a definition outside the app by ARM id (management group), its required parameters checked', () => {
    const { app, folder } = setup();
    const mgDef = PolicyDefinition.fromArmId<{ costCentre: string }>('/providers/Microsoft.Management/managementGroups/contoso/providers/Microsoft.Authorization/policyDefinitions/require-cost-centre', 'Require a cost centre', ['costCentre']);
    new ResourceGroupPolicyAssignment(folder, 'cc', { name: 'cost-centre', policyDefinition: mgDef, parameters: { costCentre: '4711' }, resourceGroup: AzureResourceGroupRef.fromArmId(RG_ID) });
    expect(Testing.find(app, 'ResourceGroupPolicyAssignment', 'cost-centre').spec.forProvider).toEqual({
      displayName: 'Require a cost centre', enforce: true, parameters: '{"costCentre":{"value":"4711"}}',
      policyDefinitionId: '/providers/Microsoft.Management/managementGroups/contoso/providers/Microsoft.Authorization/policyDefinitions/require-cost-centre',
      resourceGroupId: RG_ID,
    });
    expect(() => new ResourceGroupPolicyAssignment(folder, 'cc2', { policyDefinition: mgDef, resourceGroup: AzureResourceGroupRef.fromArmId(RG_ID) }))
      .toThrow('platform/team-a/cc2: prop "parameters.costCentre": is required by the policy definition "Require a cost centre"');
    expect(() => PolicyDefinition.fromArmId('require-cost-centre', 'x')).toThrow('policy definition id "require-cost-centre" is invalid: must be an ARM id ending in /providers/Microsoft.Authorization/policyDefinitions/<name>');
  });

  test('encodeParameters sorts keys and wraps values', () => {
    expect(encodeParameters({ b: [1], a: { y: 1, x: 2 } })).toBe('{"a":{"value":{"x":2,"y":1}},"b":{"value":[1]}}');
  });

  describe('bad input: exact messages', () => {
    const rgRef = AzureResourceGroupRef.fromArmId(RG_ID);
    const cases: Array<[string, (f: any) => void, string]> = [
      ['a required parameter of the built-in policy missing', (f) => new ResourceGroupPolicyAssignment(f, 'a', { policyDefinition: BuiltInPolicy.ALLOWED_LOCATIONS, resourceGroup: rgRef }),
        'platform/team-a/a: prop "parameters.listOfAllowedLocations": is required by the policy definition "Allowed locations"'],
      ['a resource group ARM id that is not one', (f) => new ResourceGroupPolicyAssignment(f, 'a', { policyDefinition: BuiltInPolicy.REQUIRE_TAG_ON_RESOURCE_GROUPS, parameters: { tagName: 't' }, resourceGroup: AzureResourceGroupRef.fromArmId('/subscriptions/x/resourceGroups/rg') }),
        'platform/team-a/a: prop "resourceGroup": "/subscriptions/x/resourceGroups/rg" is invalid: must be a resource group ARM id (/subscriptions/<subscription id>/resourceGroups/<name>)'],
      ['a cluster-scoped ResourceGroup for a namespaced assignment', (f) => new ResourceGroupPolicyAssignment(f, 'a', { policyDefinition: BuiltInPolicy.REQUIRE_TAG_ON_RESOURCE_GROUPS, parameters: { tagName: 't' }, resourceGroup: AzureResourceGroupRef.fromResourceGroup(new ClusterResourceGroup(f, 'crg', { spec: { forProvider: { location: 'westeurope' } } })) }),
        'platform/team-a/a: prop "resourceGroup": must be a ResourceGroup of azure.m.upbound.io (the namespaced flavour, like the assignment)'],
      ['a definition of the other flavour', (f) => new ResourceGroupPolicyAssignment(f, 'a', { flavour: ManagedResourceFlavour.CLUSTER, providerConfig: { kind: 'ProviderConfig', name: 'default' }, policyDefinition: new PolicyDefinition(f, 'd', { displayName: 'd', policyRule: { if: {}, then: {} } }), resourceGroup: rgRef }),
        'platform/team-a/a: prop "policyDefinition": PolicyDefinition "platform/team-a/d" is namespaced, the assignment cluster: use the same ManagedResourceFlavour'],
      ['an Azure name over 64 characters', (f) => new ResourceGroupPolicyAssignment(f, 'a', { name: 'a'.repeat(65), policyDefinition: BuiltInPolicy.REQUIRE_TAG_ON_RESOURCE_GROUPS, parameters: { tagName: 't' }, resourceGroup: rgRef }),
        `platform/team-a/a: prop "name": "${'a'.repeat(65)}" is invalid: the Azure name of a resource group policy assignment is at most 64 characters (set a shorter externalName)`],
      ['a notScope outside a resource group', (f) => new ResourceGroupPolicyAssignment(f, 'a', { policyDefinition: BuiltInPolicy.REQUIRE_TAG_ON_RESOURCE_GROUPS, parameters: { tagName: 't' }, resourceGroup: rgRef, notScopes: ['rg-other'] }),
        'platform/team-a/a: prop "notScopes[0]": "rg-other" is invalid: must be an ARM id below a resource group (/subscriptions/<id>/resourceGroups/<name>/...)'],
      ['a policy rule without if/then', (f) => new PolicyDefinition(f, 'd', { displayName: 'd', policyRule: { when: 1 } }),
        'platform/team-a/d: prop "policyRule": must be an object with "if" and "then" (the policy rule)'],
      ['an azure.m.upbound.io provider config for a cluster-scoped resource', (f) => new PolicyDefinition(f, 'd', { displayName: 'd', policyRule: { if: {}, then: {} }, flavour: ManagedResourceFlavour.CLUSTER, providerConfig: { kind: 'ClusterProviderConfig', name: 'default' } }),
        'platform/team-a/d: prop "providerConfig": a cluster-scoped (ManagedResourceFlavour.CLUSTER) managed resource uses an azure.upbound.io ProviderConfig: pass { kind: \'ProviderConfig\', name }, not a ClusterProviderConfig'],
      ['a namespace on a cluster-scoped resource', (f) => new PolicyDefinition(f, 'd', { displayName: 'd', policyRule: { if: {}, then: {} }, flavour: ManagedResourceFlavour.CLUSTER, namespace: 'x' }),
        'platform/team-a/d: prop "namespace": a cluster-scoped (ManagedResourceFlavour.CLUSTER) managed resource has no namespace: leave it out'],
    ];
    test.each(cases)('%s', (_title, build, message) => {
      const { folder } = setup();
      expect(() => build(folder)).toThrow(message);
    });
  });
});

describe('RoleAssignment', () => {
  test('a built-in role by GUID: roleDefinitionId under the scope\'s subscription; principalType ServicePrincipal', () => {
    const { app, folder } = setup();
    new RoleAssignment(folder, 'reader', { name: 'reader', role: AzureBuiltInRole.READER, principalId: PRINCIPAL, scope: RG_ID, description: 'read the group' });
    RoleAssignment.grantStorageBlobDataContributor(folder, 'blobs', { name: 'blobs', principalId: PRINCIPAL, storageAccountId: SA_ID, containerName: 'uploads' });
    RoleAssignment.grantStorageBlobDataReader(folder, 'blobs-ro', { name: 'blobs-ro', principalId: PRINCIPAL, storageAccountId: SA_ID, principalType: 'Group' });
    new RoleAssignment(folder, 'by-name', { name: 'by-name', roleDefinitionName: 'Reader', principalId: PRINCIPAL, scope: `/subscriptions/${SUB}` });
    const o = Testing.objects(app);
    expect(Testing.find(o, 'RoleAssignment', 'reader')).toEqual({
      apiVersion: 'authorization.azure.m.upbound.io/v1beta1', kind: 'RoleAssignment', metadata: { name: 'reader', namespace: 'team-a' },
      spec: {
        forProvider: {
          description: 'read the group', principalId: PRINCIPAL, principalType: 'ServicePrincipal', scope: RG_ID,
          roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
        },
        managementPolicies: ['*'],
      },
    });
    expect(Testing.find(o, 'RoleAssignment', 'blobs').spec.forProvider).toEqual({
      principalId: PRINCIPAL, principalType: 'ServicePrincipal', scope: `${SA_ID}/blobServices/default/containers/uploads`,
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe`,
    });
    expect(Testing.find(o, 'RoleAssignment', 'blobs-ro').spec.forProvider).toEqual({
      principalId: PRINCIPAL, principalType: 'Group', scope: SA_ID,
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1`,
    });
    expect(Testing.find(o, 'RoleAssignment', 'by-name').spec.forProvider).toEqual({ principalId: PRINCIPAL, principalType: 'ServicePrincipal', roleDefinitionName: 'Reader', scope: `/subscriptions/${SUB}` });
  });

  test('as a composition base: principal and scope patched, Required scope; the base has no name', () => {
    const { folder } = setup();
    const xrd = new CompositeResourceDefinition(folder, 'xrd', {
      group: 'platform.contoso.com', kind: 'XApp', plural: 'xapps', version: 'v1alpha1',
      spec: Schema.object({ principalId: Schema.string({ required: true }) }), status: Schema.object({ accountId: Schema.string() }),
    });
    const composition = new Composition(folder, 'comp', { xrd });
    composition.addPatchAndTransform({
      resources: [{
        name: 'access',
        base: (s) => RoleAssignment.grantStorageBlobDataContributor(s, 'ra', { subscriptionId: SUB }),
        patches: [Patches.fromComposite('spec.principalId', 'spec.forProvider.principalId'), Patches.fromComposite('status.accountId', 'spec.forProvider.scope', { fromFieldPath: 'Required' })],
      }],
    });
    const base = composition.toJson().spec.pipeline[0].input.resources[0].base;
    expect(base).toEqual({
      apiVersion: 'authorization.azure.m.upbound.io/v1beta1', kind: 'RoleAssignment',
      spec: { forProvider: { principalType: 'ServicePrincipal', roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe` }, managementPolicies: ['*'] },
    });
    expect(composition.render({ principalId: PRINCIPAL }).skippedResources.map((r) => r.name)).toEqual(['access']);
  });

  test('as a composition base, the construct\'s removalPolicy applies (no Flux or Argo CD annotations); the resource\'s own wins', () => {
    const { folder } = setup();
    const xrd = new CompositeResourceDefinition(folder, 'xrd', { group: 'platform.contoso.com', kind: 'XApp', plural: 'xapps', version: 'v1alpha1', spec: Schema.object({ a: Schema.string() }) });
    const composition = new Composition(folder, 'comp', { xrd });
    const grant = (s: any) => new RoleAssignment(s, 'ra', { role: AzureBuiltInRole.READER, principalId: PRINCIPAL, scope: RG_ID, removalPolicy: RemovalPolicy.RETAIN });
    composition.addPatchAndTransform({ resources: [{ name: 'kept', base: grant }, { name: 'destroyed', base: grant, removalPolicy: RemovalPolicy.DESTROY }] });
    const [kept, destroyed] = composition.toJson().spec.pipeline[0].input.resources.map((r: any) => r.base);
    expect(kept.metadata).toBeUndefined();
    expect(kept.spec.managementPolicies).toEqual(['Observe', 'Create', 'Update', 'LateInitialize']);
    expect(destroyed.spec.managementPolicies).toEqual(['*']);
  });

  describe('bad input: exact messages', () => {
    const cases: Array<[string, (f: any) => void, string]> = [
      ['neither role nor roleDefinitionName', (f) => new RoleAssignment(f, 'r', { principalId: PRINCIPAL, scope: RG_ID }),
        'platform/team-a/r: prop "role": set exactly one of role (a role definition GUID such as AzureBuiltInRole.READER, or its ARM id) and roleDefinitionName'],
      ['a role GUID without a subscription', (f) => new RoleAssignment(f, 'r', { role: AzureBuiltInRole.READER, principalId: PRINCIPAL }),
        'platform/team-a/r: prop "subscriptionId": is required: role READER is a GUID and scope does not name a subscription (it is patched in a composition)'],
      ['a role that is neither a GUID nor an ARM id', (f) => new RoleAssignment(f, 'r', { role: 'Reader', principalId: PRINCIPAL, scope: RG_ID }),
        'platform/team-a/r: prop "role": "Reader" is invalid: must be a role definition GUID (e.g. AzureBuiltInRole.READER) or ARM id (/subscriptions/<id>/providers/Microsoft.Authorization/roleDefinitions/<guid>)'],
      ['a client id-like principal that is not a GUID', (f) => new RoleAssignment(f, 'r', { role: AzureBuiltInRole.READER, principalId: 'my-app', scope: RG_ID }),
        'platform/team-a/r: prop "principalId": "my-app" is invalid: must be an object id (a GUID): the principal id of the identity, not its client id'],
      ['a scope that is not an ARM id', (f) => new RoleAssignment(f, 'r', { role: AzureBuiltInRole.READER, principalId: PRINCIPAL, scope: 'rg-team-a' }),
        'platform/team-a/r: prop "scope": "rg-team-a" is invalid: must be an ARM id of a subscription, resource group, resource or management group (starting with /subscriptions/<id> or /providers/Microsoft.Management/managementGroups/)'],
      ['a storage grant on something that is not a storage account', (f) => RoleAssignment.grantStorageBlobDataReader(f, 'r', { principalId: PRINCIPAL, storageAccountId: RG_ID }),
        `platform/team-a/r: prop "storageAccountId": "${RG_ID}" is invalid: must be a storage account ARM id (/subscriptions/<id>/resourceGroups/<name>/providers/Microsoft.Storage/storageAccounts/<name>)`],
      ['a storage grant on an invalid container name', (f) => RoleAssignment.grantStorageBlobDataReader(f, 'r', { principalId: PRINCIPAL, storageAccountId: SA_ID, containerName: 'Uploads' }),
        'platform/team-a/r: prop "containerName": "Uploads" is invalid: must be 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit'],
    ];
    test.each(cases)('%s', (_title, build, message) => {
      const { folder } = setup();
      expect(() => build(folder)).toThrow(message);
    });
  });
});

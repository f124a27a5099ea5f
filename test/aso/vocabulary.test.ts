// ASO on the shared vocabulary (#13): PlatformResource (apiObject, name, namespace, toRef), one
// default-namespace rule with AsoCredentialScope, credentialFrom everywhere, fromName imports,
// exports under `exports`.
import { ExistingSecret, PlatformResource, RemovalPolicy, removalPolicyOf, scopeNamespace } from '../../lib';
import {
  AgentPool,
  AksNodePoolMode,
  AsoCredential,
  AsoCredentialScope,
  KeyVault,
  ManagedCluster,
  PostgresDatabase,
  PostgresFlexibleServer,
  PrivateDnsZone,
  PrivateDnsZoneNames,
  ResourceGroup,
  RoleAssignment,
  StorageAccount,
  Subnet,
  UserAssignedIdentity,
  VirtualNetwork,
} from '../../lib/aso';
import { SealedSecret } from '../../lib/sealing';
import { Testing } from '../../lib/testing';
import { CIPHER, setup } from './fixtures';

const SUB = '00000000-0000-0000-0000-000000000001';
const CRED_DATA = { AZURE_SUBSCRIPTION_ID: CIPHER, AZURE_TENANT_ID: CIPHER, AZURE_CLIENT_ID: CIPHER, USE_WORKLOAD_IDENTITY_AUTH: CIPHER };
const SYSTEM_POOL = { name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5', count: 3 };

describe('AsoResource is a PlatformResource', () => {
  test('apiObject, name (metadata.name), namespace, apiGroup, kind, toRef, applyRemovalPolicy', () => {
    const { folder } = setup();
    const rg = new ResourceGroup(folder, 'rg', { name: 'Rg_App', kubernetesName: 'rg-app', location: 'westeurope' });
    expect(rg).toBeInstanceOf(PlatformResource);
    expect([rg.name, rg.azureName, rg.namespace, rg.apiGroup, rg.kind]).toEqual(['rg-app', 'Rg_App', 'apps', 'resources.azure.com', 'ResourceGroup']);
    expect(rg.apiObject.metadata.name).toBe('rg-app');
    expect(rg.toRef()).toEqual({ apiGroup: 'resources.azure.com', kind: 'ResourceGroup', name: 'rg-app', namespace: 'apps' });
    rg.applyRemovalPolicy(RemovalPolicy.DESTROY);
    expect(removalPolicyOf(rg.apiObject)).toBe(RemovalPolicy.DESTROY);
  });

  test('ManagedCluster and AgentPool too; ManagedCluster keeps its namespace before its object exists', () => {
    const { folder } = setup();
    const aks = new ManagedCluster(folder, 'aks', { name: 'aks-a', location: 'westeurope', resourceGroupName: 'rg', nodePools: [SYSTEM_POOL] });
    const pool = new AgentPool(folder, 'apps', { cluster: aks, name: 'apps', vmSize: 'Standard_D4s_v5', kubernetesName: 'pool-apps' });
    expect([aks.name, aks.namespace, aks.kind, aks.apiObject.kind]).toEqual(['aks-a', 'apps', 'ManagedCluster', 'ManagedCluster']);
    expect(pool).toBeInstanceOf(PlatformResource);
    expect([pool.name, pool.namespace, pool.kind]).toEqual(['pool-apps', 'apps', 'ManagedClustersAgentPool']);
  });

  test('an AgentPool follows its cluster\'s removal policy (deleted with a kept cluster, it would drain its workloads); its own wins', () => {
    const { folder } = setup();
    const kept = new ManagedCluster(folder, 'kept', { name: 'aks-kept', location: 'westeurope', resourceGroupName: 'rg', nodePools: [SYSTEM_POOL] });
    const gone = new ManagedCluster(folder, 'gone', { name: 'aks-gone', location: 'westeurope', resourceGroupName: 'rg', nodePools: [SYSTEM_POOL], removalPolicy: RemovalPolicy.DESTROY });
    const pool = (id: string, cluster: ManagedCluster, removalPolicy?: RemovalPolicy) => new AgentPool(folder, id, { cluster, name: 'apps', vmSize: 'Standard_D4s_v5', kubernetesName: id, removalPolicy });
    const keptApps = pool('kept-apps', kept);
    expect(removalPolicyOf(keptApps.apiObject)).toBe(RemovalPolicy.RETAIN);
    expect(keptApps.apiObject.toJson().metadata.annotations).toEqual({ 'serviceoperator.azure.com/reconcile-policy': 'detach-on-delete', 'kustomize.toolkit.fluxcd.io/prune': 'disabled', 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false' });
    expect(removalPolicyOf(pool('gone-apps', gone).apiObject)).toBe(RemovalPolicy.DESTROY);
    expect(removalPolicyOf(pool('kept-gpu', kept, RemovalPolicy.DESTROY).apiObject)).toBe(RemovalPolicy.DESTROY);
  });
});

describe('AsoCredentialScope: one default-namespace rule', () => {
  test('scopeNamespace (every family) gives the scope namespace: ExistingSecret, SealedSecret and ASO objects under it agree', () => {
    const { app, folder } = setup();
    const team = new AsoCredentialScope(folder, 'team', { namespace: 'team-a', credential: 'aso-credential-a' });
    expect(scopeNamespace(team)).toBe('team-a');
    const existing = ExistingSecret.fromName(team, 'existing', { name: 'api-key' });
    const sealed = SealedSecret.fromEncryptedData(team, 'pw', { name: 'pg-admin', encryptedData: { password: CIPHER } });
    const rg = new ResourceGroup(team, 'rg', { name: 'rg-a', location: 'westeurope' });
    const imported = StorageAccount.fromName(team, 'st', { name: 'stshared' });
    expect([existing.secretNamespace, sealed.secretNamespace, rg.namespace, imported.namespace]).toEqual(['team-a', 'team-a', 'team-a', 'team-a']);
    expect(Testing.synthProblems(app)).toEqual([]);
  });
});

describe('credentialFrom: one Secret type on ManagedCluster and AgentPool', () => {
  test('an AsoCredential, a name, or the scope\'s credential; the same annotation as a string gave', () => {
    const { app, folder } = setup();
    const credential = new AsoCredential(folder, 'cred', { name: 'aso-credential-a', encryptedData: CRED_DATA });
    const aks = new ManagedCluster(folder, 'aks', { name: 'aks-a', location: 'westeurope', resourceGroupName: 'rg', nodePools: [SYSTEM_POOL], credentialFrom: credential });
    new AgentPool(folder, 'apps', { cluster: aks, name: 'apps', vmSize: 'Standard_D4s_v5', credentialFrom: 'aso-credential-b' });
    const team = new AsoCredentialScope(folder, 'team', { namespace: 'team-a', credential: 'aso-credential-team' });
    new ManagedCluster(team, 'aks', { name: 'aks-team', location: 'westeurope', resourceGroupName: 'rg', nodePools: [SYSTEM_POOL] });
    new ResourceGroup(folder, 'rg', { name: 'rg', location: 'westeurope' });
    new ResourceGroup(team, 'rg', { name: 'rg', location: 'westeurope' });
    const objects = Testing.objects(app);
    const annotation = (kind: string, name: string) => Testing.find(objects, kind, name).metadata.annotations!['serviceoperator.azure.com/credential-from'];
    expect(annotation('ManagedCluster', 'aks-a')).toBe('aso-credential-a');
    expect(annotation('ManagedClustersAgentPool', 'aks-a-apps')).toBe('aso-credential-b');
    expect(Testing.find(objects, 'ManagedCluster', 'aks-team').metadata.namespace).toBe('team-a');
    expect(annotation('ManagedCluster', 'aks-team')).toBe('aso-credential-team');
  });

  test('a credential of another namespace is refused', () => {
    const { folder } = setup();
    const credential = AsoCredential.fromName(folder, 'cred', { name: 'aso-credential-x', namespace: 'other' });
    expect(Testing.errorOf(() => new ManagedCluster(folder, 'aks', { name: 'aks-a', location: 'westeurope', resourceGroupName: 'rg', nodePools: [SYSTEM_POOL], credentialFrom: credential }))).toBe(
      'platform/azure/aks: prop "credentialFrom": Secret "aso-credential-x" (platform/azure/cred) is in namespace "other", but ASO reads credentials from the resource\'s namespace ("apps")',
    );
  });
});

describe('ManagedCluster exports', () => {
  test('oidcIssuer and userKubeconfig under exports, switched on by use; adminKubeconfig refused while local accounts are off', () => {
    const { app, folder } = setup();
    new ResourceGroup(folder, 'rg', { name: 'rg', location: 'westeurope' });
    const aks = new ManagedCluster(folder, 'aks', { name: 'aks-a', location: 'westeurope', resourceGroupName: 'rg', nodePools: [SYSTEM_POOL] });
    expect(Testing.find(Testing.objects(app), 'ManagedCluster', 'aks-a').spec.operatorSpec).toBeUndefined();
    aks.exports.userKubeconfig.use(folder, 'kubeconfig');
    aks.exports.oidcIssuer!.use(folder, 'issuer');
    expect(Testing.find(Testing.objects(app), 'ManagedCluster', 'aks-a').spec.operatorSpec).toEqual({
      configMaps: { oidcIssuerProfile: { name: 'aks-a-oidc', key: 'issuer' } },
      secrets: { userCredentials: { name: 'aks-a-secrets', key: 'userCredentials' } },
    });
    expect(Testing.errorOf(() => aks.exports.adminKubeconfig.use(folder, 'admin'))).toBe(
      'platform/azure/aks: prop "disableLocalAccounts": exports.adminKubeconfig is used, but local accounts are disabled (Azure refuses to list admin credentials); use exports.userKubeconfig (Entra ID)',
    );
    expect(Testing.synthProblems(app)).toEqual([]);
  });

  test('adminKubeconfig with local accounts on', () => {
    const { app, folder } = setup();
    new ResourceGroup(folder, 'rg', { name: 'rg', location: 'westeurope' });
    const aks = new ManagedCluster(folder, 'aks', { name: 'aks-a', location: 'westeurope', resourceGroupName: 'rg', nodePools: [SYSTEM_POOL], disableLocalAccounts: false, oidcIssuer: false, workloadIdentity: false });
    expect(aks.exports.oidcIssuer).toBeUndefined();
    aks.exports.adminKubeconfig.use(folder, 'admin');
    expect(Testing.find(Testing.objects(app), 'ManagedCluster', 'aks-a').spec.operatorSpec).toEqual({ secrets: { adminCredentials: { name: 'aks-a-secrets', key: 'adminCredentials' } } });
  });
});

describe('fromName: ASO objects another team owns', () => {
  test('carry azureName (default: name), location, subscriptionId; children and references resolve; nothing is rendered', () => {
    const { app, folder } = setup();
    const rg = ResourceGroup.fromName(folder, 'rg', { name: 'rg-shared', azureName: 'RG_Shared', location: 'westeurope', subscriptionId: SUB.toUpperCase() });
    expect([rg.name, rg.azureName, rg.namespace, rg.location, rg.subscriptionId, rg.kind]).toEqual(['rg-shared', 'RG_Shared', 'apps', 'westeurope', SUB, 'ResourceGroup']);
    const server = PostgresFlexibleServer.fromName(folder, 'pg', { name: 'shared-pg' });
    expect([server.apiGroup, server.kind, server.azureName]).toEqual(['dbforpostgresql.azure.com', 'FlexibleServer', 'shared-pg']);
    new PostgresDatabase(folder, 'db', { server, name: 'files' });
    const account = StorageAccount.fromName(folder, 'st', { name: 'stshared', subscriptionId: SUB });
    const identity = new UserAssignedIdentity(folder, 'id', { name: 'id-web', resourceGroup: rg });
    new RoleAssignment(folder, 'reader', { scope: account, principal: identity, role: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe' });
    const shared = UserAssignedIdentity.fromName(folder, 'shared-id', { name: 'id-shared' });
    expect(shared.kind).toBe('UserAssignedIdentity');
    const vault = KeyVault.fromName(folder, 'kv', { name: 'kv-shared', namespace: 'apps' });
    expect([vault.kind, vault.apiGroup]).toEqual(['Vault', 'keyvault.azure.com']);
    const vnet = VirtualNetwork.fromName(folder, 'vnet', { name: 'vnet-hub', location: 'westeurope', addressSpace: ['10.0.0.0/16'] });
    const subnet = new Subnet(folder, 'snet', { virtualNetwork: vnet, name: 'snet-pe', addressPrefix: '10.0.8.0/24' });
    expect(subnet.location).toBe('westeurope');
    const zone = new PrivateDnsZone(folder, 'zone', { name: PrivateDnsZoneNames.BLOB, resourceGroup: rg });
    zone.linkVirtualNetwork('hub', { virtualNetwork: vnet });
    const objects = Testing.objects(app);
    expect(objects.map((o) => o.kind).sort()).toEqual(['FlexibleServersDatabase', 'PrivateDnsZone', 'PrivateDnsZonesVirtualNetworkLink', 'RoleAssignment', 'UserAssignedIdentity', 'VirtualNetworksSubnet']);
    expect(Testing.find(objects, 'FlexibleServersDatabase', 'shared-pg-files').spec.owner).toEqual({ name: 'shared-pg' });
    expect(Testing.find(objects, 'RoleAssignment', objects.find((o) => o.kind === 'RoleAssignment')!.metadata.name).spec.roleDefinitionReference).toEqual({
      armId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe`,
    });
    expect(Testing.synthProblems(app)).toEqual([]);
  });

  test('an imported network checks subnets against its address space; an imported subnet carries its delegations', () => {
    const { folder } = setup();
    const vnet = VirtualNetwork.fromName(folder, 'vnet', { name: 'vnet-hub', addressSpace: ['10.0.0.0/16'] });
    expect(Testing.errorOf(() => new Subnet(folder, 'snet', { virtualNetwork: vnet, name: 'snet-x', addressPrefix: '10.1.0.0/24' }))).toBe(
      'platform/azure/snet: prop "addressPrefix": "10.1.0.0/24" is not inside the address space of vnet-hub (10.0.0.0/16)',
    );
    const delegated = Subnet.fromName(folder, 'pg-subnet', { name: 'vnet-hub-snet-pg', azureName: 'snet-pg', delegations: ['Microsoft.DBforPostgreSQL/flexibleServers'] });
    expect([delegated.azureName, delegated.delegations]).toEqual(['snet-pg', ['Microsoft.DBforPostgreSQL/flexibleServers']]);
  });

  test('names are checked: the Kubernetes name, the Azure name, the namespace', () => {
    const { folder } = setup(null);
    expect(Testing.errorOf(() => StorageAccount.fromName(folder, 'a', { name: 'st-shared', namespace: 'apps' }))).toBe(
      'platform/azure/a: prop "azureName": "st-shared" is invalid: must be 3-24 lowercase letters and digits',
    );
    expect(Testing.errorOf(() => ResourceGroup.fromName(folder, 'b', { name: 'rg-shared' }))).toBe(
      'platform/azure/b: prop "namespace": is required: set it, or import the object in a Folder with a namespace',
    );
  });
});

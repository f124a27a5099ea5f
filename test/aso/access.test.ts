// Azure access by reference: RoleAssignment and the grant methods (owner = the resource granted
// on, principal ID from the identity's ConfigMap export, role definition ARM ID with the subscription).
import {
  AsoCredential,
  AsoCredentialScope,
  KeyVault,
  Principal,
  PrincipalType,
  ResourceGroup,
  RoleAssignment,
  StorageAccount,
  UserAssignedIdentity,
  VirtualNetwork,
} from '../../lib/aso';
import { AzureBuiltInRole, RemovalPolicy, removalPolicyOf } from '../../lib';
import { exampleDocs } from '../validation/helpers';
import { Testing } from '../../lib/testing';
import { CIPHER, setup } from './fixtures';

const SUB = '3f2b8c1e-5d47-4a9e-9c61-2b7e0d4f8a90';
const OTHER_SUB = '00000000-0000-0000-0000-000000000002';
const roleArm = (role: string, sub = SUB) => `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${role}`;
const GROUP_ID = '5F2C1F1E-8F55-4B59-9A29-0B5D3C0E2A11';
const CRED_KEYS = ['AZURE_SUBSCRIPTION_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'USE_WORKLOAD_IDENTITY_AUTH'];

/** A team scope knowing its subscription, a resource group, an account with a container, an identity. */
function team(scopeProps: { subscriptionId?: string } = { subscriptionId: SUB }) {
  const s = setup();
  const scope = new AsoCredentialScope(s.folder, 'team', { namespace: 'apps', credential: 'aso-credential-apps', ...scopeProps });
  const rg = new ResourceGroup(scope, 'rg', { name: 'rg-app', location: 'westeurope' });
  const account = new StorageAccount(scope, 'st', { name: 'stapp', resourceGroup: rg });
  const container = account.container('uploads');
  const identity = new UserAssignedIdentity(scope, 'id', { name: 'id-app', resourceGroup: rg });
  return { ...s, scope, rg, account, container, identity };
}

describe('RoleAssignment', () => {
  test('container.grantBlobDataContributor(identity): owner is the container, principal ID from the identity export, DESTROY', () => {
    const { app, container, identity } = team();
    const ra = container.grantBlobDataContributor(identity);
    expect(ra.node.path).toBe('platform/azure/team/st/Container-uploads/RoleAssignment-id-app-ba92f5b4-2d11-453d-a403-e96b0029c9fe');
    const objs = Testing.objects(app);
    const obj = Testing.find(objs, 'RoleAssignment', 'stapp-uploads-id-app-storage-blob-data-contributor');
    expect(obj).toEqual({
      apiVersion: 'authorization.azure.com/v1api20220401',
      kind: 'RoleAssignment',
      metadata: {
        name: 'stapp-uploads-id-app-storage-blob-data-contributor',
        namespace: 'apps',
        annotations: { 'serviceoperator.azure.com/credential-from': 'aso-credential-apps', 'serviceoperator.azure.com/reconcile-policy': 'manage' },
      },
      spec: {
        operatorSpec: { namingConvention: 'stable' },
        owner: { group: 'storage.azure.com', kind: 'StorageAccountsBlobServicesContainer', name: 'stapp-uploads' },
        principalIdFromConfig: { name: 'id-app-config', key: 'principalId' },
        principalType: 'ServicePrincipal',
        roleDefinitionReference: { armId: roleArm(AzureBuiltInRole.STORAGE_BLOB_DATA_CONTRIBUTOR) },
      },
    });
    // Using the identity as principal switched its principalId export on.
    expect(Testing.find(objs, 'UserAssignedIdentity', 'id-app').spec.operatorSpec).toEqual({ configMaps: { principalId: { name: 'id-app-config', key: 'principalId' } } });
    expect(removalPolicyOf(ra.apiObject)).toBe(RemovalPolicy.DESTROY);
    expect(ra.roleId).toBe(AzureBuiltInRole.STORAGE_BLOB_DATA_CONTRIBUTOR);
    expect(ra.roleDefinitionId).toBe(roleArm(AzureBuiltInRole.STORAGE_BLOB_DATA_CONTRIBUTOR));
    expect(ra.azureName).toBe('');
  });

  test('grant methods pick the built-in roles; granting the same role twice returns the same assignment', () => {
    const { app, scope, rg, account, container, identity } = team();
    const vault = new KeyVault(scope, 'kv', { name: 'kv-app', resourceGroup: rg, tenantId: identity.exports.tenantId });
    const vnet = new VirtualNetwork(scope, 'vnet', { name: 'vnet-app', resourceGroup: rg, addressSpace: ['10.0.0.0/16'] });
    const a = account.grantBlobDataReader(identity);
    expect(account.grantBlobDataReader(identity)).toBe(a);
    account.grantBlobDataContributor(identity);
    container.grantBlobDataReader(identity);
    vault.grantSecretsUser(identity);
    rg.grant(identity, AzureBuiltInRole.READER);
    vnet.grant(identity, AzureBuiltInRole.NETWORK_CONTRIBUTOR);
    identity.grant(Principal.servicePrincipal('11111111-2222-3333-4444-555555555555'), AzureBuiltInRole.MANAGED_IDENTITY_OPERATOR);
    const got = Testing.objects(app).filter((o) => o.kind === 'RoleAssignment')
      .map((o) => `${o.metadata.name} ${o.spec.owner.kind}/${o.spec.owner.name} ${o.spec.roleDefinitionReference.armId.split('/').pop()}`);
    expect(got.sort()).toEqual([
      `id-app-11111111-2222-3333-4444-555555555555-managed-identity-operator UserAssignedIdentity/id-app ${AzureBuiltInRole.MANAGED_IDENTITY_OPERATOR}`,
      `kv-app-id-app-key-vault-secrets-user Vault/kv-app ${AzureBuiltInRole.KEY_VAULT_SECRETS_USER}`,
      `rg-app-id-app-reader ResourceGroup/rg-app ${AzureBuiltInRole.READER}`,
      `stapp-id-app-storage-blob-data-contributor StorageAccount/stapp ${AzureBuiltInRole.STORAGE_BLOB_DATA_CONTRIBUTOR}`,
      `stapp-id-app-storage-blob-data-reader StorageAccount/stapp ${AzureBuiltInRole.STORAGE_BLOB_DATA_READER}`,
      `stapp-uploads-id-app-storage-blob-data-reader StorageAccountsBlobServicesContainer/stapp-uploads ${AzureBuiltInRole.STORAGE_BLOB_DATA_READER}`,
      `vnet-app-id-app-network-contributor VirtualNetwork/vnet-app ${AzureBuiltInRole.NETWORK_CONTRIBUTOR}`,
    ]);
  });

  test('principals by object ID (lowercased), custom roles, options', () => {
    const { app, rg } = team();
    const custom = 'AAAAAAAA-0000-4000-8000-000000000001';
    rg.grant(Principal.group(GROUP_ID), custom, { description: 'ops group', kubernetesName: 'rg-app-ops', removalPolicy: RemovalPolicy.RETAIN });
    rg.grant(Principal.user('22222222-2222-2222-2222-222222222222'), AzureBuiltInRole.READER);
    const objs = Testing.objects(app);
    const ops = Testing.find(objs, 'RoleAssignment', 'rg-app-ops');
    expect(ops.spec).toEqual({
      owner: { group: 'resources.azure.com', kind: 'ResourceGroup', name: 'rg-app' },
      principalId: GROUP_ID.toLowerCase(),
      principalType: 'Group',
      description: 'ops group',
      roleDefinitionReference: { armId: roleArm(custom.toLowerCase()) },
      operatorSpec: { namingConvention: 'stable' },
    });
    expect(ops.metadata.annotations).toEqual({
      'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false',
      'kustomize.toolkit.fluxcd.io/prune': 'disabled', 'serviceoperator.azure.com/credential-from': 'aso-credential-apps', 'serviceoperator.azure.com/reconcile-policy': 'detach-on-delete',
    });
    expect(Testing.find(objs, 'RoleAssignment', 'rg-app-22222222-2222-2222-2222-222222222222-reader').spec.principalType).toBe('User');
  });

  test('the subscription: from the AsoCredential, from an owner ARM ID, explicit, or in the role ARM ID', () => {
    const { app, folder } = setup();
    const credential = new AsoCredential(folder, 'cred', { name: 'aso-credential-x', encryptedData: Object.fromEntries(CRED_KEYS.map((k) => [k, CIPHER])), subscriptionId: SUB.toUpperCase() });
    expect(credential.subscriptionId).toBe(SUB);
    const scope = new AsoCredentialScope(folder, 'x', { namespace: 'apps', credential });
    expect(scope.subscriptionId).toBe(SUB);
    const id = Principal.servicePrincipal('11111111-2222-3333-4444-555555555555');
    const rg = new ResourceGroup(scope, 'rg', { name: 'rg-x', location: 'westeurope' });
    expect(rg.subscriptionId).toBe(SUB);
    expect(rg.grant(id, AzureBuiltInRole.READER).roleDefinitionId).toBe(roleArm(AzureBuiltInRole.READER));
    // No scope, no credential: the owner's ARM ID says it.
    const st = new StorageAccount(folder, 'st', { name: 'stother', resourceGroup: `/subscriptions/${OTHER_SUB}/resourceGroups/rg-other`, location: 'westeurope' });
    expect(st.subscriptionId).toBe(OTHER_SUB);
    expect(st.grantBlobDataReader(id).roleDefinitionId).toBe(roleArm(AzureBuiltInRole.STORAGE_BLOB_DATA_READER, OTHER_SUB));
    expect(st.container('archive').grantBlobDataReader(id).roleDefinitionId).toBe(roleArm(AzureBuiltInRole.STORAGE_BLOB_DATA_READER, OTHER_SUB));
    // Explicit.
    const bare = new ResourceGroup(folder, 'bare', { name: 'rg-bare', location: 'westeurope' });
    expect(bare.grant(id, AzureBuiltInRole.READER, { subscriptionId: OTHER_SUB }).roleDefinitionId).toBe(roleArm(AzureBuiltInRole.READER, OTHER_SUB));
    // A role definition ARM ID needs no subscription.
    const ra = new RoleAssignment(folder, 'arm', { scope: bare, principal: id, role: roleArm(AzureBuiltInRole.CONTRIBUTOR, OTHER_SUB) });
    expect(ra.roleId).toBe(AzureBuiltInRole.CONTRIBUTOR);
    Testing.objects(app);
  });

  test('scopes given as ARM IDs: subscription, resource group, resource', () => {
    const { app, folder } = setup();
    const id = Principal.servicePrincipal('11111111-2222-3333-4444-555555555555');
    const scopes = [`/subscriptions/${SUB}`, `/subscriptions/${SUB}/resourceGroups/rg-x`, `/subscriptions/${SUB}/resourceGroups/rg-x/providers/Microsoft.Storage/storageAccounts/stx`];
    scopes.forEach((scope, i) => new RoleAssignment(folder, `ra${i}`, { scope, principal: id, role: AzureBuiltInRole.READER }));
    const objs = Testing.objects(app).filter((o) => o.kind === 'RoleAssignment');
    expect(objs.map((o) => [o.metadata.name, o.spec.owner, o.spec.roleDefinitionReference.armId])).toEqual([
      [`${SUB}-11111111-2222-3333-4444-555555555555-reader`, { armId: scopes[0] }, roleArm(AzureBuiltInRole.READER)],
      ['rg-x-11111111-2222-3333-4444-555555555555-reader', { armId: scopes[1] }, roleArm(AzureBuiltInRole.READER)],
      ['stx-11111111-2222-3333-4444-555555555555-reader', { armId: scopes[2] }, roleArm(AzureBuiltInRole.READER)],
    ]);
  });

  test('the ASO sample, with the role as an ARM ID (the pinned schema has no wellKnownName)', () => {
    const { app, folder } = setup('default');
    const sample = exampleDocs('aso/examples/azure-service-operator/v2/samples/authorization/v1api20220401/v1api20220401_roleassignment.yaml')[0] as any;
    const rg = new ResourceGroup(folder, 'rg', { name: sample.spec.owner.name, location: 'westcentralus' });
    const principal = Principal.fromExportedValue(
      new UserAssignedIdentity(folder, 'id', { name: 'identity', resourceGroup: rg }).exports.principalId, PrincipalType.SERVICE_PRINCIPAL, 'identity');
    new RoleAssignment(folder, 'ra', { scope: rg, principal, role: AzureBuiltInRole.READER, subscriptionId: SUB, kubernetesName: sample.metadata.name });
    const ours = Testing.find(Testing.objects(app), 'RoleAssignment', sample.metadata.name);
    expect(ours.apiVersion).toBe(sample.apiVersion);
    expect(ours.spec.owner).toEqual(sample.spec.owner);
    expect(ours.spec.principalIdFromConfig).toEqual({ name: 'identity-config', key: sample.spec.principalIdFromConfig.key });
    expect(sample.spec.roleDefinitionReference).toEqual({ wellKnownName: 'Reader' });
    expect(ours.spec.roleDefinitionReference).toEqual({ armId: roleArm(AzureBuiltInRole.READER) });
  });

  test('the credential of the resource is the assignment\'s', () => {
    const { app, folder } = setup();
    const rg = new ResourceGroup(folder, 'rg', { name: 'rg-x', location: 'westeurope', credentialFrom: 'aso-credential-x' });
    rg.grant(Principal.group(GROUP_ID), AzureBuiltInRole.READER, { subscriptionId: SUB });
    expect(Testing.objects(app).find((o) => o.kind === 'RoleAssignment')!.metadata.annotations!['serviceoperator.azure.com/credential-from']).toBe('aso-credential-x');
  });

  describe('errors', () => {
    const PRINCIPAL = Principal.servicePrincipal('11111111-2222-3333-4444-555555555555');

    test('unknown subscription', () => {
      const { folder } = setup();
      const rg = new ResourceGroup(folder, 'rg', { name: 'rg-x', location: 'westeurope' });
      expect(() => rg.grant(PRINCIPAL, AzureBuiltInRole.READER)).toThrow(
        `platform/azure/rg/RoleAssignment-11111111-2222-3333-4444-555555555555-${AzureBuiltInRole.READER}: prop "subscriptionId": is required: ` +
          `the role definition's ARM ID (/subscriptions/<subscription>/providers/Microsoft.Authorization/roleDefinitions/${AzureBuiltInRole.READER}) needs the subscription, ` +
          'and the app does not know the subscription of ResourceGroup "rg-x" (platform/azure/rg); set subscriptionId on the AsoCredential or AsoCredentialScope ' +
          '(the plaintext of AZURE_SUBSCRIPTION_ID, not a secret), or pass subscriptionId here',
      );
    });

    test.each([
      ['role', { role: 'Reader' }, '"Reader" is not a role definition GUID (see AzureBuiltInRole) or a role definition ARM ID (/subscriptions/<id>/providers/Microsoft.Authorization/roleDefinitions/<guid>)'],
      ['principal', { principal: Principal.group('ops') }, '"ops" is invalid: must be a principal object ID (GUID)'],
      ['principal', { principal: { principalId: GROUP_ID, principalType: 'Robot', principalName: 'x' } }, 'principalType "Robot" is not a PrincipalType'],
      ['principal', { principal: {} }, 'must be a UserAssignedIdentity or a Principal (Principal.servicePrincipal(objectId), Principal.group(objectId), ...)'],
      ['subscriptionId', { subscriptionId: OTHER_SUB }, `"${OTHER_SUB}" is not the subscription of the scope (${SUB})`],
      ['subscriptionId', { subscriptionId: 'prod' }, '"prod" is invalid: must be a subscription ID (GUID)'],
      ['azureName', { azureName: 'x' }, '"x" is invalid: must be a role assignment name (GUID)'],
      ['scope', { scope: '/subscriptions/x/rg' }, '"/subscriptions/x/rg" is neither an ASO resource construct nor its ARM resource ID ' +
        '(^\\/subscriptions\\/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}(\\/resourceGroups\\/[^/]+(\\/providers\\/[^/]+(\\/[^/]+\\/[^/]+)+)?)?$)'],
    ])('prop %p: %j', (prop, extra, rule) => {
      const { folder } = setup();
      expect(() => new RoleAssignment(folder, 'ra', { scope: `/subscriptions/${SUB}/resourceGroups/rg-x`, principal: PRINCIPAL, role: AzureBuiltInRole.READER, ...(extra as any) }))
        .toThrow(`platform/azure/ra: prop "${prop}": ${rule}`);
    });

    test('an identity of another namespace: ASO reads principalIdFromConfig in the assignment\'s namespace', () => {
      const { folder } = team();
      const other = new UserAssignedIdentity(folder, 'other', { name: 'id-other', namespace: 'identity', resourceGroup: `/subscriptions/${SUB}/resourceGroups/rg-id`, location: 'westeurope' });
      expect(() => new RoleAssignment(folder, 'ra', { scope: `/subscriptions/${SUB}/resourceGroups/rg-x`, principal: other, role: AzureBuiltInRole.READER })).toThrow(
        'platform/azure/ra: prop "principal": principal ID is in ConfigMap identity/id-other-config, but ASO principalIdFromConfig reads a ConfigMap in the role ' +
          'assignment\'s namespace ("apps"): create the identity in that namespace',
      );
    });

    test('a scope of another namespace', () => {
      const { folder, rg } = team();
      expect(() => new RoleAssignment(folder, 'ra', { namespace: 'other', scope: rg, principal: PRINCIPAL, role: AzureBuiltInRole.READER })).toThrow(
        'platform/azure/ra: prop "scope": owner ResourceGroup "rg-app" (platform/azure/team/rg) is in namespace "apps", but ASO owners must be in the resource\'s ' +
          'namespace ("other"): create both in one namespace, or pass the owner\'s ARM resource ID',
      );
    });

    test('credential and scope disagree on the subscription', () => {
      const { folder } = setup();
      const credential = new AsoCredential(folder, 'cred', { name: 'c', encryptedData: Object.fromEntries(CRED_KEYS.map((k) => [k, CIPHER])), subscriptionId: SUB });
      expect(() => new AsoCredentialScope(folder, 's', { namespace: 'apps', credential, subscriptionId: OTHER_SUB })).toThrow(
        `platform/azure/s: prop "subscriptionId": "${OTHER_SUB}" differs from the subscriptionId of credential platform/azure/cred ("${SUB}")`,
      );
      expect(() => new AsoCredential(folder, 'cred2', { name: 'c2', encryptedData: Object.fromEntries(CRED_KEYS.map((k) => [k, CIPHER])), subscriptionId: 'prod' })).toThrow(
        'platform/azure/cred2: prop "subscriptionId": "prod" is invalid: must be a subscription ID (GUID)',
      );
    });
  });
});

test('an imported resource group gives its subscription to what it owns', () => {
  const { app, folder } = setup();
  const rg = ResourceGroup.fromName(folder, 'rg', { name: 'rg-shared', location: 'westeurope', subscriptionId: OTHER_SUB });
  expect(rg.subscriptionId).toBe(OTHER_SUB);
  const account = new StorageAccount(folder, 'st', { name: 'stshared', resourceGroup: rg });
  expect(account.grantBlobDataReader(Principal.group(GROUP_ID)).roleDefinitionId).toBe(roleArm(AzureBuiltInRole.STORAGE_BLOB_DATA_READER, OTHER_SUB));
  Testing.objects(app);
  expect(() => ResourceGroup.fromName(folder, 'bad', { name: 'rg-bad', subscriptionId: 'prod' })).toThrow(
    'platform/azure/bad: prop "subscriptionId": "prod" is invalid: must be a subscription ID (GUID)',
  );
});

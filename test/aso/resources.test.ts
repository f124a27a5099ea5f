// ASO L2 constructs: fields, naming rules, owners, credentials, removal policies, exports.
import { ExistingSecret } from '../../lib';
import * as kplus from 'cdk8s-plus-28';
import {
  AsoCredential,
  AsoCredentialScope,
  AzureNames,
  KeyVault,
  PostgresFlexibleServer,
  PostgresHighAvailability,
  PostgresTier,
  ResourceGroup,
  StorageAccount,
  Subnet,
  UserAssignedIdentity,
  VirtualNetwork,
} from '../../lib/aso';
import { addProvided, optOutsOf, RemovalPolicy, removalPolicyOf, SynthError } from '../../lib';
import { SealedSecret } from '../../lib/sealing';
import { Testing } from '../../lib/testing';
import { CIPHER, fakeCluster, setup, UNREACHABLE_PG } from './fixtures';

const SUB = '00000000-0000-0000-0000-000000000001';
const RG_ID = `/subscriptions/${SUB}/resourceGroups/rg-existing`;

function baseline(ns: string | null = 'apps') {
  const s = setup(ns);
  const rg = new ResourceGroup(s.folder, 'rg', { name: 'rg-app', location: 'westeurope' });
  const pw = SealedSecret.fromEncryptedData(s.folder, 'pw', { name: 'pg-admin', encryptedData: { password: CIPHER } });
  return { ...s, rg, pw };
}

describe('ResourceGroup', () => {
  test('renders the ASO sample shape, retained by default', () => {
    const { app, rg } = baseline();
    const obj = Testing.find(Testing.objects(app), 'ResourceGroup', 'rg-app');
    expect(obj).toEqual({
      apiVersion: 'resources.azure.com/v1api20200601',
      kind: 'ResourceGroup',
      metadata: {
        name: 'rg-app',
        namespace: 'apps',
        annotations: { 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled', 'serviceoperator.azure.com/reconcile-policy': 'detach-on-delete' },
      },
      spec: { location: 'westeurope' },
    });
    expect(removalPolicyOf(rg.apiObject)).toBe(RemovalPolicy.RETAIN);
  });

  test('an Azure name that is not a Kubernetes name needs kubernetesName and goes to azureName', () => {
    const { folder, app } = setup();
    expect(() => new ResourceGroup(folder, 'bad', { name: 'RG_App(1)', location: 'westeurope' })).toThrow(
      'platform/azure/bad: prop "kubernetesName": is required because the Azure name "RG_App(1)" is not a valid Kubernetes object name; set it to a DNS subdomain',
    );
    new ResourceGroup(folder, 'ok', { name: 'RG_App(1)', kubernetesName: 'rg-app-1', location: 'westeurope', tags: { team: 'a' }, removalPolicy: RemovalPolicy.DESTROY });
    const obj = Testing.find(Testing.objects(app), 'ResourceGroup', 'rg-app-1');
    expect(obj.spec).toEqual({ azureName: 'RG_App(1)', location: 'westeurope', tags: { team: 'a' } });
    expect(obj.metadata.annotations).toEqual({ 'serviceoperator.azure.com/reconcile-policy': 'manage' });
  });

  test.each([
    ['a'.repeat(91)],
    ['rg.'],
    ['rg app'],
    [''],
  ])('rejects resource group name %p', (name) => {
    const { folder } = setup();
    expect(() => new ResourceGroup(folder, 'rg', { name, location: 'westeurope' })).toThrow(
      `platform/azure/rg: prop "name": "${name}" is invalid: must be ${AzureNames.resourceGroup.description}`,
    );
  });

  test('SKIP adopts read-only', () => {
    const { folder, app } = setup();
    new ResourceGroup(folder, 'rg', { name: 'rg-existing', location: 'westeurope', removalPolicy: RemovalPolicy.SKIP });
    expect(Testing.find(Testing.objects(app), 'ResourceGroup', 'rg-existing').metadata.annotations).toEqual({ 'serviceoperator.azure.com/reconcile-policy': 'skip' });
  });

  test('requires a namespace', () => {
    const { folder } = setup(null);
    expect(() => new ResourceGroup(folder, 'rg', { name: 'rg', location: 'westeurope' })).toThrow(
      'platform/azure/rg: prop "namespace": is required: set it, or create the construct in a Folder or AsoCredentialScope with a namespace',
    );
  });
});

describe('PostgresFlexibleServer', () => {
  test('defaults: version 16, Burstable B1ms, 32 GB, 7-day backups, password auth from the Secret, public access disabled, RETAIN', () => {
    const { app, rg, pw } = baseline();
    const server = new PostgresFlexibleServer(rg.node.scope!, 'pg', { name: 'app-pg', resourceGroup: rg, administratorLogin: 'appadmin', administratorPassword: { secret: pw, key: 'password' } });
    // Public access disabled and no private path: unreachable, a synth error.
    expect(Testing.synthProblems(app)).toEqual([UNREACHABLE_PG('platform/azure/pg')]);
    server.addPrivateEndpoint({ subnet: `${RG_ID}/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/endpoints`, dnsManagedElsewhere: true });
    const obj = Testing.find(Testing.objects(app), 'FlexibleServer', 'app-pg');
    expect(obj.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled', 'serviceoperator.azure.com/reconcile-policy': 'detach-on-delete' });
    expect(obj.spec).toEqual({
      owner: { name: 'rg-app' },
      location: 'westeurope',
      version: '16',
      sku: { name: 'Standard_B1ms', tier: 'Burstable' },
      storage: { storageSizeGB: 32, autoGrow: 'Enabled' },
      backup: { backupRetentionDays: 7, geoRedundantBackup: 'Disabled' },
      highAvailability: { mode: 'Disabled' },
      administratorLogin: 'appadmin',
      administratorLoginPassword: { name: 'pg-admin', key: 'password' },
      authConfig: { passwordAuth: 'Enabled', activeDirectoryAuth: 'Disabled' },
      network: { publicNetworkAccess: 'Disabled' },
    });
    expect(server.publicNetworkAccess).toBe('Disabled');
  });

  test('children: database (RETAIN), firewall rule (DESTROY, turns public access on), configuration (detach)', () => {
    const { app, folder, rg, pw } = baseline();
    const server = new PostgresFlexibleServer(folder, 'pg', {
      name: 'app-pg', resourceGroup: rg, administratorLogin: 'appadmin', administratorPassword: { secret: pw, key: 'password' },
      skuName: 'Standard_D2ds_v5', tier: PostgresTier.GENERAL_PURPOSE, highAvailability: PostgresHighAvailability.ZONE_REDUNDANT,
      authentication: { entraId: true, tenantId: SUB }, version: '15', storageSizeGB: 128, backupRetentionDays: 35, geoRedundantBackup: true,
    });
    server.database('app_db');
    server.firewallRule('office', { startIpAddress: '203.0.113.0', endIpAddress: '203.0.113.255' });
    server.configuration('pgaudit.log', 'READ');
    const objs = Testing.objects(app);
    const spec = Testing.find(objs, 'FlexibleServer', 'app-pg').spec;
    expect(spec.network).toEqual({ publicNetworkAccess: 'Enabled' });
    expect(spec.highAvailability).toEqual({ mode: 'ZoneRedundant' });
    expect(spec.authConfig).toEqual({ passwordAuth: 'Enabled', activeDirectoryAuth: 'Enabled', tenantId: SUB });
    expect(spec.backup).toEqual({ backupRetentionDays: 35, geoRedundantBackup: 'Enabled' });
    const db = Testing.find(objs, 'FlexibleServersDatabase', 'app-pg-app-db');
    expect(db.spec).toEqual({ azureName: 'app_db', owner: { name: 'app-pg' }, charset: 'UTF8', collation: 'en_US.utf8' });
    expect(db.metadata.annotations!['serviceoperator.azure.com/reconcile-policy']).toBe('detach-on-delete');
    const fw = Testing.find(objs, 'FlexibleServersFirewallRule', 'app-pg-office');
    expect(fw.spec).toEqual({ azureName: 'office', owner: { name: 'app-pg' }, startIpAddress: '203.0.113.0', endIpAddress: '203.0.113.255' });
    expect(fw.metadata.annotations).toEqual({ 'serviceoperator.azure.com/reconcile-policy': 'manage' });
    const cfg = Testing.find(objs, 'FlexibleServersConfiguration', 'app-pg-pgaudit.log');
    expect(cfg.spec).toEqual({ azureName: 'pgaudit.log', owner: { name: 'app-pg' }, source: 'user-override', value: 'READ' });
    expect(cfg.metadata.annotations).toEqual({ 'serviceoperator.azure.com/reconcile-policy': 'detach-on-delete' });
  });

  test('an inline password fails, whatever the prop is called', () => {
    const { folder, rg } = baseline();
    expect(() => new PostgresFlexibleServer(folder, 'a', { name: 'app-pg', resourceGroup: rg, administratorLogin: 'appadmin', administratorPassword: 'hunter2' as any })).toThrow(
      'platform/azure/a: prop "administratorPassword": must reference a key of an existing Secret ({ secret, key }); an inline password would be written to Git',
    );
    expect(() => new PostgresFlexibleServer(folder, 'b', { name: 'app-pg', resourceGroup: rg, administratorLogin: 'appadmin', administratorLoginPassword: 'hunter2' } as any)).toThrow(
      'platform/azure/b: prop "administratorLoginPassword": inline passwords are not supported (they would be written to Git); use administratorPassword: { secret, key } with an existing Secret',
    );
    expect(() => new PostgresFlexibleServer(folder, 'c', { name: 'app-pg', resourceGroup: rg, administratorLogin: 'appadmin' })).toThrow(
      'platform/azure/c: prop "administratorPassword": is required with password authentication: reference a key of an existing Secret ({ secret, key })',
    );
  });

  test('Entra-only servers need no password; a string secret names an existing Secret', () => {
    const { app, folder, rg } = baseline();
    new PostgresFlexibleServer(folder, 'entra', { name: 'entra-pg', resourceGroup: rg, authentication: { password: false, entraId: true } })
      .firewallRule('office', { startIpAddress: '203.0.113.10' });
    new PostgresFlexibleServer(folder, 'existing', { name: 'existing-pg', resourceGroup: rg, administratorLogin: 'appadmin', administratorPassword: { secret: 'managed-elsewhere', key: 'pw' } })
      .firewallRule('office', { startIpAddress: '203.0.113.10' });
    const objs = Testing.objects(app);
    const entra = Testing.find(objs, 'FlexibleServer', 'entra-pg').spec;
    expect(entra.authConfig).toEqual({ passwordAuth: 'Disabled', activeDirectoryAuth: 'Enabled' });
    expect(entra.administratorLogin).toBeUndefined();
    expect(Testing.find(objs, 'FlexibleServer', 'existing-pg').spec.administratorLoginPassword).toEqual({ name: 'managed-elsewhere', key: 'pw' });
  });

  test('without a tier, the SKU family gives it (D: GeneralPurpose, E: MemoryOptimized)', () => {
    const { app, folder, rg, pw } = baseline();
    for (const [name, skuName] of [['d-pg', 'Standard_D2ds_v5'], ['e-pg', 'Standard_E2ds_v5']]) {
      new PostgresFlexibleServer(folder, name, { name, resourceGroup: rg, skuName, administratorLogin: 'appadmin', administratorPassword: { secret: pw, key: 'password' } })
        .firewallRule('office', { startIpAddress: '203.0.113.10' });
    }
    const objs = Testing.objects(app);
    expect(Testing.find(objs, 'FlexibleServer', 'd-pg').spec.sku).toEqual({ name: 'Standard_D2ds_v5', tier: 'GeneralPurpose' });
    expect(Testing.find(objs, 'FlexibleServer', 'e-pg').spec.sku).toEqual({ name: 'Standard_E2ds_v5', tier: 'MemoryOptimized' });
  });

  test.each([
    ['Ab', 'name', `"Ab" is invalid: must be ${AzureNames.postgresServer.description}`, {}],
    ['app-pg', 'tier', '"GeneralPurpose" does not match SKU "Standard_B1ms" (tier Burstable); set tier to Burstable, or leave it out', { tier: PostgresTier.GENERAL_PURPOSE }],
    ['app-pg', 'highAvailability', 'ZoneRedundant is not available in the Burstable tier; use GeneralPurpose or MemoryOptimized', { highAvailability: PostgresHighAvailability.ZONE_REDUNDANT }],
    ['app-pg', 'storageSizeGB', '100 is not a storage size of flexible servers (32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767)', { storageSizeGB: 100 }],
    ['app-pg', 'backupRetentionDays', '3 must be a whole number of days between 7 and 35', { backupRetentionDays: 3 }],
    ['app-pg', 'administratorLogin', '"admin" is reserved by Azure', { administratorLogin: 'admin' }],
    ['app-pg', 'authentication', 'enables neither password nor Entra ID authentication', { authentication: { password: false } }],
  ])('rejects %p with prop %p', (name, prop, rule, extra) => {
    const { folder, rg, pw } = baseline();
    expect(() => new PostgresFlexibleServer(folder, 'pg', { name, resourceGroup: rg, administratorLogin: 'appadmin', administratorPassword: { secret: pw, key: 'password' }, ...extra })).toThrow(
      `platform/azure/pg: prop "${prop}": ${rule}`,
    );
  });

  test('a delegated subnet disables public access and forbids firewall rules', () => {
    const { app, folder, rg, pw } = baseline();
    const vnet = new VirtualNetwork(folder, 'vnet', { name: 'vnet-app', resourceGroup: rg, addressSpace: ['10.20.0.0/16'] });
    const plain = vnet.subnet('plain', { addressPrefix: '10.20.0.0/24' });
    const dbnet = vnet.subnet('db', { addressPrefix: '10.20.1.0/24', delegations: ['Microsoft.DBforPostgreSQL/flexibleServers'] });
    const common = { resourceGroup: rg, administratorLogin: 'appadmin', administratorPassword: { secret: pw, key: 'password' } };
    expect(() => new PostgresFlexibleServer(folder, 'wrong', { ...common, name: 'x-pg', delegatedSubnet: plain })).toThrow(
      'platform/azure/wrong: prop "delegatedSubnet": subnet "plain" is not delegated to Microsoft.DBforPostgreSQL/flexibleServers; add it to the subnet\'s delegations',
    );
    const server = new PostgresFlexibleServer(folder, 'pg', { ...common, name: 'app-pg', delegatedSubnet: dbnet, privateDnsZoneArmId: `${RG_ID}/providers/Microsoft.Network/privateDnsZones/app.postgres.database.azure.com` });
    const spec = Testing.find(Testing.objects(app), 'FlexibleServer', 'app-pg').spec;
    expect(spec.network).toEqual({
      delegatedSubnetResourceReference: { group: 'network.azure.com', kind: 'VirtualNetworksSubnet', name: 'vnet-app-db' },
      privateDnsZoneArmResourceReference: { armId: `${RG_ID}/providers/Microsoft.Network/privateDnsZones/app.postgres.database.azure.com` },
      publicNetworkAccess: 'Disabled',
    });
    server.firewallRule('office', { startIpAddress: '203.0.113.7' });
    expect(() => app.renderToMemory()).toThrow(
      'platform/azure/pg: prop "delegatedSubnet": a server in a delegated subnet (private access) cannot have firewall rules; remove them or the subnet',
    );
  });

  test('firewall rule addresses are checked', () => {
    const { folder, rg, pw } = baseline();
    const server = new PostgresFlexibleServer(folder, 'pg', { name: 'app-pg', resourceGroup: rg, administratorLogin: 'appadmin', administratorPassword: { secret: pw, key: 'password' } });
    expect(() => server.firewallRule('bad', { startIpAddress: '10.0.0.300' })).toThrow('platform/azure/pg/FirewallRule-bad: prop "startIpAddress": "10.0.0.300" is not an IPv4 address');
    expect(() => server.firewallRule('rev', { startIpAddress: '10.0.0.9', endIpAddress: '10.0.0.1' })).toThrow(
      'platform/azure/pg/FirewallRule-rev: prop "endIpAddress": "10.0.0.1" is before startIpAddress "10.0.0.9"',
    );
    expect(() => server.database('postgres')).toThrow('platform/azure/pg/Database-postgres: prop "name": "postgres" is a system database');
  });

  test('child names are checked on the server before the child is created, and must be unique', () => {
    const { folder, rg, pw } = baseline();
    const server = new PostgresFlexibleServer(folder, 'pg', { name: 'app-pg', resourceGroup: rg, administratorLogin: 'appadmin', administratorPassword: { secret: pw, key: 'password' } });
    server.database('app_db');
    server.firewallRule('office', { startIpAddress: '203.0.113.7' });
    server.configuration('pgaudit.log', 'READ');
    expect(() => server.database('app_db')).toThrow('platform/azure/pg: prop "name": "app_db" is used by another database');
    expect(() => server.firewallRule('office', { startIpAddress: '203.0.113.8' })).toThrow('platform/azure/pg: prop "name": "office" is used by another firewall rule');
    expect(() => server.configuration('pgaudit.log', 'DDL')).toThrow('platform/azure/pg: prop "name": "pgaudit.log" is used by another server parameter');
    expect(() => server.database('a:b')).toThrow(`platform/azure/pg: prop "name": "a:b" is invalid: must be a database name: ${AzureNames.postgresDatabase.description}`);
    expect(() => server.firewallRule('a:b', { startIpAddress: '203.0.113.8' })).toThrow(
      `platform/azure/pg: prop "name": "a:b" is invalid: must be a firewall rule name: ${AzureNames.postgresFirewallRule.description}`,
    );
    expect(() => server.configuration('a:b', 'x')).toThrow(`platform/azure/pg: prop "name": "a:b" is invalid: must be a server parameter name: ${AzureNames.postgresConfiguration.description}`);
  });

  test('children get valid Kubernetes names and the server\'s explicit namespace', () => {
    const { app, folder } = baseline();
    const rg = new ResourceGroup(folder, 'rg-data', { name: 'rg-data', location: 'westeurope', namespace: 'data' });
    const server = new PostgresFlexibleServer(folder, 'pg', {
      name: 'data-pg', namespace: 'data', resourceGroup: rg, administratorLogin: 'appadmin', administratorPassword: { secret: 'pg-admin', key: 'password' },
    });
    server.database('app_db');
    server.firewallRule('office', { startIpAddress: '203.0.113.7' });
    server.configuration('pgaudit._x', 'on');
    const objs = Testing.objects(app);
    expect(Testing.find(objs, 'FlexibleServersDatabase', 'data-pg-app-db').metadata.namespace).toBe('data');
    expect(Testing.find(objs, 'FlexibleServersFirewallRule', 'data-pg-office').metadata.namespace).toBe('data');
    // "pgaudit._x" → "pgaudit.-x", not an RFC 1123 subdomain: the ".-" run becomes "-".
    expect(Testing.find(objs, 'FlexibleServersConfiguration', 'data-pg-pgaudit-x').metadata.namespace).toBe('data');
  });
});

describe('owners', () => {
  test('an owner in another namespace fails with the construct path and prop', () => {
    const { folder, rg } = baseline();
    expect(() => new StorageAccount(folder, 'st', { name: 'stapp', resourceGroup: rg, namespace: 'other' })).toThrow(
      'platform/azure/st: prop "resourceGroup": owner ResourceGroup "rg-app" (platform/azure/rg) is in namespace "apps", but ASO owners must be in the ' +
        'resource\'s namespace ("other"): create both in one namespace, or pass the owner\'s ARM resource ID',
    );
  });

  test('an ARM ID owner renders owner.armId and needs a location', () => {
    const { app, folder } = setup();
    expect(() => new StorageAccount(folder, 'st0', { name: 'stapp', resourceGroup: RG_ID })).toThrow(
      'platform/azure/st0: prop "location": is required when the owner is given as an ARM resource ID',
    );
    expect(() => new StorageAccount(folder, 'st1', { name: 'stapp', resourceGroup: '/subscriptions/x/rg' })).toThrow(
      'platform/azure/st1: prop "resourceGroup": "/subscriptions/x/rg" is neither a ResourceGroup construct nor its ARM resource ID',
    );
    new StorageAccount(folder, 'st', { name: 'stapp', resourceGroup: RG_ID, location: 'northeurope' });
    expect(Testing.find(Testing.objects(app), 'StorageAccount', 'stapp').spec.owner).toEqual({ armId: RG_ID });
  });

  test('owners are recorded references: a fromName import resolves, a missing owner does not', () => {
    const { app, folder, repo } = setup();
    const imported = ResourceGroup.fromName(folder, 'shared', { name: 'shared-rg', location: 'westeurope' });
    new UserAssignedIdentity(folder, 'id', { name: 'id-app', resourceGroup: imported });
    expect(Testing.find(Testing.objects(app), 'UserAssignedIdentity', 'id-app').spec).toEqual({ owner: { name: 'shared-rg' }, location: 'westeurope' });

    // An owner created in a folder applied to another cluster is not an object of this cluster.
    const other = repo.folder('elsewhere', { namespace: 'apps', cluster: 'other' });
    const rg = new ResourceGroup(other, 'rg', { name: 'rg-other', location: 'westeurope' });
    new UserAssignedIdentity(folder, 'id2', { name: 'id-two', resourceGroup: rg });
    expect(() => app.renderToMemory()).toThrow(
      'platform/azure/id2: prop "resourceGroup": refers to ResourceGroup/apps/rg-other (resources.azure.com), which is not an object of the app',
    );
  });
});

describe('credentials and tenancy', () => {
  const creds = { AZURE_SUBSCRIPTION_ID: CIPHER, AZURE_TENANT_ID: CIPHER, AZURE_CLIENT_ID: CIPHER, AZURE_CLIENT_SECRET: CIPHER };

  test('a scope sets namespace and credential-from; a prop overrides it', () => {
    const { app, folder } = setup(null);
    const teamA = new AsoCredential(folder, 'cred-a', { name: 'team-a-cred', namespace: 'team-a', encryptedData: creds });
    const scope = new AsoCredentialScope(folder, 'team-a', { namespace: 'team-a', credential: teamA });
    const rg = new ResourceGroup(scope, 'rg', { name: 'rg-a', location: 'westeurope' });
    new StorageAccount(scope, 'st', { name: 'sta', resourceGroup: rg, credentialFrom: AsoCredential.fromName(scope, 'other', { name: 'team-a-other' }) });
    const objs = Testing.objects(app);
    const rgObj = Testing.find(objs, 'ResourceGroup', 'rg-a');
    expect(rgObj.metadata.namespace).toBe('team-a');
    expect(rgObj.metadata.annotations!['serviceoperator.azure.com/credential-from']).toBe('team-a-cred');
    expect(Testing.find(objs, 'StorageAccount', 'sta').metadata.annotations!['serviceoperator.azure.com/credential-from']).toBe('team-a-other');
    const sealed = Testing.find(objs, 'SealedSecret', 'team-a-cred');
    expect(Object.keys(sealed.spec.encryptedData)).toEqual(['AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_SUBSCRIPTION_ID', 'AZURE_TENANT_ID']);
    expect(objs.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('credential errors', () => {
    const { folder } = setup();
    expect(() => new AsoCredential(folder, 'c1', { encryptedData: { AZURE_SUBSCRIPTION_ID: CIPHER } })).toThrow(
      'platform/azure/c1: prop "encryptedData": is missing AZURE_TENANT_ID, AZURE_CLIENT_ID (an ASO credential needs AZURE_SUBSCRIPTION_ID, AZURE_TENANT_ID, AZURE_CLIENT_ID)',
    );
    expect(() => new AsoCredential(folder, 'c2', { encryptedData: { ...creds, AZURE_CLIENT_SECRET: 'my-plain-secret' } })).toThrow(
      'platform/azure/c2: prop "encryptedData.AZURE_CLIENT_SECRET": is not SealedSecret ciphertext (not base64; kubeseal writes base64 of a 2-byte length, the RSA-OAEP session key and the AES-GCM value): the controller could not decrypt it; never put a plaintext value here',
    );
    const other = new AsoCredential(folder, 'c3', { namespace: 'elsewhere', encryptedData: creds });
    expect(() => new ResourceGroup(folder, 'rg', { name: 'rg', location: 'westeurope', credentialFrom: other })).toThrow(
      'platform/azure/rg: prop "credentialFrom": Secret "aso-credential" (platform/azure/c3) is in namespace "elsewhere", but ASO reads credentials from the resource\'s namespace ("apps")',
    );
  });

  test('a string credential names an existing Secret; fromName imports resolve', () => {
    const { app, folder } = setup();
    const ghost = ExistingSecret.fromName(folder, 'ghost', { name: 'x' });
    // A string names an existing Secret (declared); an ISecretSource must be in the app.
    new ResourceGroup(folder, 'rg', { name: 'rg', location: 'westeurope', credentialFrom: 'aso-credential-b' });
    new ResourceGroup(folder, 'rg2', { name: 'rg2', location: 'westeurope', credentialFrom: ghost });
    expect(Testing.objects(app).map((o) => o.metadata.annotations!['serviceoperator.azure.com/credential-from'])).toEqual(['aso-credential-b', 'x']);
  });
});

describe('StorageAccount', () => {
  test('secure defaults and containers', () => {
    const { app, folder, rg } = baseline();
    const st = new StorageAccount(folder, 'st', { name: 'stapp', resourceGroup: rg });
    st.container('uploads');
    const objs = Testing.objects(app);
    expect(Testing.find(objs, 'StorageAccount', 'stapp').spec).toEqual({
      owner: { name: 'rg-app' },
      location: 'westeurope',
      kind: 'StorageV2',
      sku: { name: 'Standard_LRS' },
      accessTier: 'Hot',
      supportsHttpsTrafficOnly: true,
      minimumTlsVersion: 'TLS1_2',
      allowBlobPublicAccess: false,
      allowCrossTenantReplication: false,
      allowSharedKeyAccess: false,
      defaultToOAuthAuthentication: true,
      publicNetworkAccess: 'Enabled',
    });
    expect(Testing.find(objs, 'StorageAccountsBlobService', 'stapp-blob').spec).toEqual({
      owner: { name: 'stapp' },
      deleteRetentionPolicy: { enabled: true, days: 7 },
      containerDeleteRetentionPolicy: { enabled: true, days: 7 },
      isVersioningEnabled: false,
    });
    const c = Testing.find(objs, 'StorageAccountsBlobServicesContainer', 'stapp-uploads');
    expect(c.spec).toEqual({ azureName: 'uploads', owner: { name: 'stapp-blob' }, publicAccess: 'None' });
    expect(c.metadata.annotations!['serviceoperator.azure.com/reconcile-policy']).toBe('detach-on-delete');
    expect(optOutsOf(st)).toEqual([]);
  });

  test('shared key access is an opt-out, and the key exports need it', () => {
    const { app, folder, rg } = baseline();
    const off = new StorageAccount(folder, 'off', { name: 'stoff', resourceGroup: rg });
    expect(() => off.exports.key1.envValue(folder)).toThrow(
      'platform/azure/off: prop "allowSharedKeyAccess": exports.key1 is used, but Shared Key access is off; set allowSharedKeyAccess: true or use Entra ID (workload identity)',
    );
    const on = new StorageAccount(folder, 'on', { name: 'ston', resourceGroup: rg, allowSharedKeyAccess: true });
    expect(optOutsOf(on)).toEqual([{ path: 'platform/azure/on', setting: 'storage.allowSharedKeyAccess', value: 'true', reason: undefined }]);
    const loc = on.exports.key1.use(folder, 'env');
    expect(loc).toEqual({ kind: 'Secret', name: 'ston-secrets', namespace: 'apps', key: 'key1' });
    on.exports.blobEndpoint.use(folder, 'env');
    const spec = Testing.find(Testing.objects(app), 'StorageAccount', 'ston').spec;
    expect(spec.allowSharedKeyAccess).toBe(true);
    expect(spec.defaultToOAuthAuthentication).toBe(false);
    expect(spec.operatorSpec).toEqual({
      configMaps: { blobEndpoint: { name: 'ston-config', key: 'blobEndpoint' } },
      secrets: { key1: { name: 'ston-secrets', key: 'key1' } },
    });
  });

  test.each([
    ['st', `"st" is invalid: must be ${AzureNames.storageAccount.description}`],
    ['StApp', `"StApp" is invalid: must be ${AzureNames.storageAccount.description}`],
    ['st-app', `"st-app" is invalid: must be ${AzureNames.storageAccount.description}`],
    ['a'.repeat(25), `"${'a'.repeat(25)}" is invalid: must be ${AzureNames.storageAccount.description}`],
  ])('rejects storage account name %p', (name, rule) => {
    const { folder, rg } = baseline();
    expect(() => new StorageAccount(folder, 'st', { name, resourceGroup: rg })).toThrow(`platform/azure/st: prop "name": ${rule}`);
  });

  test('container names', () => {
    const { folder, rg } = baseline();
    const st = new StorageAccount(folder, 'st', { name: 'stapp', resourceGroup: rg });
    expect(() => st.container('Up--loads')).toThrow(`platform/azure/st: prop "name": "Up--loads" is invalid: must be a container name: ${AzureNames.blobContainer.description}`);
    // A name that cannot be part of a construct path is checked before the container is created.
    expect(() => st.container(':')).toThrow(`platform/azure/st: prop "name": ":" is invalid: must be a container name: ${AzureNames.blobContainer.description}`);
    st.container('uploads');
    expect(() => st.container('uploads')).toThrow('platform/azure/st: prop "name": "uploads" is used by another container');
  });

  test('kubernetesName leaves room for the blob service name', () => {
    const { folder, rg } = baseline();
    expect(() => new StorageAccount(folder, 'st', { name: 'stapp', kubernetesName: 'a'.repeat(249), resourceGroup: rg })).toThrow(
      'platform/azure/st: prop "kubernetesName": is 249 characters long: must be at most 248 (the blob service is named "<kubernetesName>-blob", at most 253 characters)',
    );
  });

  test('the blob service and containers inherit an explicit namespace of the account', () => {
    const { app, folder } = baseline();
    const rg = new ResourceGroup(folder, 'rg-data', { name: 'rg-data', location: 'westeurope', namespace: 'data' });
    const st = new StorageAccount(folder, 'st', { name: 'stdata', namespace: 'data', resourceGroup: rg });
    const c = st.container('uploads');
    expect([st.blobService.namespace, c.namespace]).toEqual(['data', 'data']);
    const objects = Testing.objects(app);
    expect(Testing.find(objects, 'StorageAccountsBlobService', 'stdata-blob').metadata.namespace).toBe('data');
    expect(Testing.find(objects, 'StorageAccountsBlobServicesContainer', 'stdata-uploads').metadata.namespace).toBe('data');
  });
});

describe('UserAssignedIdentity and FederatedIdentityCredential', () => {
  test('exports and federation with a URL', () => {
    const { app, folder, rg } = baseline();
    const id = new UserAssignedIdentity(folder, 'id', { name: 'id-app', resourceGroup: rg });
    const sa = new kplus.ServiceAccount(folder, 'sa', { metadata: { name: 'web' } });
    const fic = id.federate('web', { issuer: 'https://oidc.example.com/abc/', serviceAccount: sa });
    expect(fic.subject).toBe('system:serviceaccount:apps:web');
    id.exports.principalId.use(folder, 'test');
    const objs = Testing.objects(app);
    expect(Testing.find(objs, 'UserAssignedIdentity', 'id-app').spec.operatorSpec).toEqual({ configMaps: { principalId: { name: 'id-app-config', key: 'principalId' } } });
    expect(Testing.find(objs, 'FederatedIdentityCredential', 'id-app-web').spec).toEqual({
      azureName: 'web',
      owner: { name: 'id-app' },
      audiences: ['api://AzureADTokenExchange'],
      issuer: 'https://oidc.example.com/abc/',
      subject: 'system:serviceaccount:apps:web',
    });
  });

  test('an IOidcIssuer cluster: its ConfigMap export in the same namespace (issuerFromConfig), else its URL, else an error', () => {
    const { app, folder, rg } = baseline();
    const id = new UserAssignedIdentity(folder, 'id', { name: 'id-app', resourceGroup: rg });
    const same = fakeCluster('aks', 'apps');
    addProvided(folder, same.exports!.oidcIssuer!.ref());
    id.federate('fed-a', { issuer: same, serviceAccount: { name: 'web', namespace: 'web' } });
    expect(same.used).toBe(1);
    id.federate('fed-b', { issuer: fakeCluster('aks2', 'fleet', 'https://oidc.example.com/aks2/'), serviceAccount: { name: 'web', namespace: 'web' } });
    expect(() => id.federate('fed-c', { issuer: fakeCluster('aks3', 'fleet'), serviceAccount: { name: 'web', namespace: 'web' } })).toThrow(
      'platform/azure/id/Federation-fed-c: prop "issuer": the cluster\'s OIDC issuer is exported to ConfigMap fleet/aks3-config, but ASO issuerFromConfig reads a ConfigMap in ' +
        'the credential\'s namespace ("apps"); create the credential in namespace "fleet" or give the issuer URL',
    );
    const objs = Testing.objects(app);
    expect(Testing.find(objs, 'FederatedIdentityCredential', 'id-app-fed-a').spec.issuerFromConfig).toEqual({ name: 'aks-config', key: 'oidcIssuerProfile' });
    expect(Testing.find(objs, 'FederatedIdentityCredential', 'id-app-fed-b').spec.issuer).toBe('https://oidc.example.com/aks2/');
  });

  test('federate(): name checked on the identity, unique, and the identity\'s explicit namespace', () => {
    const { app, folder } = baseline();
    const rg = new ResourceGroup(folder, 'rg-id', { name: 'rg-id', location: 'westeurope', namespace: 'identity' });
    const id = new UserAssignedIdentity(folder, 'id', { name: 'id-app', namespace: 'identity', resourceGroup: rg });
    const fic = id.federate('web', { issuer: 'https://oidc.example.com/abc/', serviceAccount: { name: 'web', namespace: 'web' } });
    expect(fic.namespace).toBe('identity');
    expect(() => id.federate('web', { issuer: 'https://oidc.example.com/abc/', serviceAccount: { name: 'api', namespace: 'web' } })).toThrow(
      'platform/azure/id: prop "name": "web" is used by another federated credential',
    );
    expect(() => id.federate('a:b', { issuer: 'https://oidc.example.com/abc/', serviceAccount: { name: 'api', namespace: 'web' } })).toThrow(
      `platform/azure/id: prop "name": "a:b" is invalid: must be a federated credential name: ${AzureNames.federatedIdentityCredential.description}`,
    );
    expect(Testing.find(Testing.objects(app), 'FederatedIdentityCredential', 'id-app-web').metadata.namespace).toBe('identity');
  });
});

describe('VirtualNetwork and Subnet', () => {
  test('renders address space and subnets', () => {
    const { app, folder, rg } = baseline();
    const vnet = new VirtualNetwork(folder, 'vnet', { name: 'vnet-app', resourceGroup: rg, addressSpace: ['10.20.0.0/16'] });
    vnet.subnet('nodes', { addressPrefix: '10.20.0.0/22', serviceEndpoints: ['Microsoft.Storage'] });
    const objs = Testing.objects(app);
    expect(Testing.find(objs, 'VirtualNetwork', 'vnet-app').spec).toEqual({ owner: { name: 'rg-app' }, location: 'westeurope', addressSpace: { addressPrefixes: ['10.20.0.0/16'] } });
    const sub = Testing.find(objs, 'VirtualNetworksSubnet', 'vnet-app-nodes');
    expect(sub.spec).toEqual({ azureName: 'nodes', owner: { name: 'vnet-app' }, addressPrefix: '10.20.0.0/22', defaultOutboundAccess: false, serviceEndpoints: [{ service: 'Microsoft.Storage' }] });
    expect(sub.metadata.annotations).toEqual({ 'serviceoperator.azure.com/reconcile-policy': 'manage' });
  });

  test('CIDR validation: format, host bits, containment, overlaps', () => {
    const { folder, rg } = baseline();
    expect(() => new VirtualNetwork(folder, 'v1', { name: 'v1', resourceGroup: rg, addressSpace: ['10.20.0.0'] })).toThrow(
      'platform/azure/v1: prop "addressSpace[0]": "10.20.0.0" is not an IPv4 CIDR block such as "10.0.0.0/16"',
    );
    expect(() => new VirtualNetwork(folder, 'v2', { name: 'v2', resourceGroup: rg, addressSpace: ['10.20.1.0/16'] })).toThrow(
      'platform/azure/v2: prop "addressSpace[0]": "10.20.1.0/16" has host bits set; the network address is 10.20.0.0/16',
    );
    expect(() => new VirtualNetwork(folder, 'v3', { name: 'v3', resourceGroup: rg, addressSpace: ['10.0.0.0/8', '10.20.0.0/16'] })).toThrow(
      'platform/azure/v3: prop "addressSpace[1]": "10.20.0.0/16" overlaps "10.0.0.0/8"',
    );
    const vnet = new VirtualNetwork(folder, 'vnet', { name: 'vnet', resourceGroup: rg, addressSpace: ['10.20.0.0/16'] });
    vnet.subnet('a', { addressPrefix: '10.20.0.0/24' });
    expect(() => vnet.subnet('b', { addressPrefix: '10.20.0.128/25' })).toThrow(
      'platform/azure/vnet/Subnet-b: prop "addressPrefix": "10.20.0.128/25" overlaps subnet "a" (10.20.0.0/24, platform/azure/vnet/Subnet-a)',
    );
    expect(() => vnet.subnet('c', { addressPrefix: '10.21.0.0/24' })).toThrow(
      'platform/azure/vnet/Subnet-c: prop "addressPrefix": "10.21.0.0/24" is not inside the address space of vnet (10.20.0.0/16)',
    );
    expect(() => new Subnet(folder, 'ext', { name: 'ext', virtualNetwork: RG_ID, addressPrefix: '10.0.0.0/24' })).toThrow(
      `platform/azure/ext: prop "virtualNetwork": "${RG_ID}" is neither a VirtualNetwork construct nor its ARM resource ID`,
    );
    expect(() => new VirtualNetwork(folder, 'v4', { name: 'v4', resourceGroup: rg, addressSpace: ['10.0.0.0/08'] })).toThrow(
      'platform/azure/v4: prop "addressSpace[0]": "10.0.0.0/08" is not an IPv4 CIDR block such as "10.0.0.0/16"',
    );
  });

  test('subnet names: checked on the network before the subnet is created, unique, and turned into valid Kubernetes names', () => {
    const { app, folder, rg } = baseline();
    const vnet = new VirtualNetwork(folder, 'vnet', { name: 'vnet-app', resourceGroup: rg, addressSpace: ['10.20.0.0/16'] });
    vnet.subnet('0.-a', { addressPrefix: '10.20.0.0/24' });
    vnet.subnet('b..c', { addressPrefix: '10.20.1.0/24' });
    expect(() => vnet.subnet('0.-a', { addressPrefix: '10.20.2.0/24' })).toThrow('platform/azure/vnet: prop "name": "0.-a" is used by another subnet');
    expect(() => vnet.subnet('a:b', { addressPrefix: '10.20.2.0/24' })).toThrow(`platform/azure/vnet: prop "name": "a:b" is invalid: must be a subnet name: ${AzureNames.subnet.description}`);
    const objs = Testing.objects(app);
    expect(Testing.find(objs, 'VirtualNetworksSubnet', 'vnet-app-0-a').spec.azureName).toBe('0.-a');
    expect(Testing.find(objs, 'VirtualNetworksSubnet', 'vnet-app-b-c').spec.azureName).toBe('b..c');
  });

  test('a subnet added with subnet() is in the network\'s explicit namespace', () => {
    const { app, folder } = baseline();
    const rg = new ResourceGroup(folder, 'rg-net', { name: 'rg-net', location: 'westeurope', namespace: 'network' });
    const vnet = new VirtualNetwork(folder, 'vnet', { name: 'vnet-net', namespace: 'network', resourceGroup: rg, addressSpace: ['10.20.0.0/16'] });
    expect(vnet.subnet('nodes', { addressPrefix: '10.20.0.0/22' }).namespace).toBe('network');
    expect(Testing.find(Testing.objects(app), 'VirtualNetworksSubnet', 'vnet-net-nodes').metadata.namespace).toBe('network');
  });
});

describe('KeyVault', () => {
  test('RBAC, soft delete, purge protection, tenant from an identity export, vaultUri export', () => {
    const { app, folder, rg } = baseline();
    const id = new UserAssignedIdentity(folder, 'id', { name: 'id-app', resourceGroup: rg });
    const kv = new KeyVault(folder, 'kv', { name: 'kv-app', resourceGroup: rg, tenantId: id.exports.tenantId });
    expect(kv.exports.vaultUri.use(folder, 'env')).toEqual({ kind: 'ConfigMap', name: 'kv-app-config', namespace: 'apps', key: 'vaultUri' });
    const objs = Testing.objects(app);
    const obj = Testing.find(objs, 'Vault', 'kv-app');
    expect(obj.spec).toEqual({
      owner: { name: 'rg-app' },
      location: 'westeurope',
      properties: {
        tenantIdFromConfig: { name: 'id-app-config', key: 'tenantId' },
        sku: { family: 'A', name: 'standard' },
        createMode: 'createOrRecover',
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        enablePurgeProtection: true,
        publicNetworkAccess: 'Enabled',
      },
      operatorSpec: { configMapExpressions: [{ name: 'kv-app-config', key: 'vaultUri', value: 'self.status.properties.vaultUri' }] },
    });
    expect(obj.metadata.annotations!['serviceoperator.azure.com/reconcile-policy']).toBe('detach-on-delete');
    expect(Testing.find(objs, 'UserAssignedIdentity', 'id-app').spec.operatorSpec).toEqual({ configMaps: { tenantId: { name: 'id-app-config', key: 'tenantId' } } });
  });

  test.each([
    ['1kv', `"1kv" is invalid: must be ${AzureNames.keyVault.description}`],
    ['kv--app', `"kv--app" is invalid: must be ${AzureNames.keyVault.description}`],
    ['kv-', `"kv-" is invalid: must be ${AzureNames.keyVault.description}`],
    ['kv_app', `"kv_app" is invalid: must be ${AzureNames.keyVault.description}`],
  ])('rejects key vault name %p', (name, rule) => {
    const { folder, rg } = baseline();
    expect(() => new KeyVault(folder, 'kv', { name, resourceGroup: rg, tenantId: SUB })).toThrow(`platform/azure/kv: prop "name": ${rule}`);
  });

  test('purge protection off is an opt-out', () => {
    const { folder, rg } = baseline();
    const kv = new KeyVault(folder, 'kv', { name: 'kv-app', resourceGroup: rg, tenantId: SUB, purgeProtection: false });
    expect(optOutsOf(kv).map((o) => `${o.setting}=${o.value}`)).toEqual(['keyVault.enablePurgeProtection=false']);
    expect((kv.apiObject.toJson() as any).spec.properties.enablePurgeProtection).toBeUndefined();
  });
});

describe('exports wiring', () => {
  test('an env var reads exactly the ConfigMap and key the ASO object exports, and the export is declared', () => {
    const { app, folder, rg, pw } = baseline();
    const server = new PostgresFlexibleServer(folder, 'pg', { name: 'app-pg', resourceGroup: rg, administratorLogin: 'appadmin', administratorPassword: { secret: pw, key: 'password' } });
    server.firewallRule('office', { startIpAddress: '203.0.113.10' });
    const dep = new kplus.Deployment(folder, 'web', { metadata: { name: 'web' }, containers: [{ image: 'nginx', envVariables: { DB_HOST: server.exports.fqdn.envValue(folder) } }] });
    void dep;
    const objs = Testing.objects(app);
    const ref = Testing.find(objs, 'Deployment', 'web').spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef;
    const exp = Testing.find(objs, 'FlexibleServer', 'app-pg').spec.operatorSpec.configMaps.fullyQualifiedDomainName;
    expect(ref).toEqual({ name: 'app-pg-config', key: 'fullyQualifiedDomainName' });
    expect(exp).toEqual(ref);
  });

  test('nothing is exported that nobody reads', () => {
    const { app, folder, rg } = baseline();
    new StorageAccount(folder, 'st', { name: 'stapp', resourceGroup: rg });
    expect(Testing.find(Testing.objects(app), 'StorageAccount', 'stapp').spec.operatorSpec).toBeUndefined();
  });

  test('reading an export of a resource on another cluster fails the reference check', () => {
    const { app, folder, rg, repo } = baseline();
    const server = new PostgresFlexibleServer(folder, 'pg', { name: 'app-pg', resourceGroup: rg, authentication: { password: false, entraId: true } });
    server.firewallRule('office', { startIpAddress: '203.0.113.10' });
    const remote = repo.folder('remote', { namespace: 'apps', cluster: 'workload' });
    server.exports.fqdn.use(remote, 'env.DB_HOST');
    let err: unknown;
    try {
      app.renderToMemory();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SynthError);
    expect((err as SynthError).problems).toEqual([
      'platform/remote: prop "env.DB_HOST": refers to ConfigMap/apps/app-pg-config, which is not an object of the app applied to cluster "workload"; ' +
        'create it, or declare an existing one with the kind\'s fromName(...) import',
    ]);
  });
});

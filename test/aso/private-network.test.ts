// Private data paths: private DNS zones (+ virtual network links), private endpoints (+ DNS zone
// groups) of storage accounts, PostgreSQL servers and key vaults, VNet integration of PostgreSQL,
// and the synth errors of resources that would be unreachable.
import {
  KeyVault,
  PostgresFlexibleServer,
  PrivateDnsZone,
  PrivateDnsZoneNames,
  PrivateEndpoint,
  ResourceGroup,
  StorageAccount,
  StorageService,
  VirtualNetwork,
} from '../../lib/aso';
import { RemovalPolicy, removalPolicyOf } from '../../lib';
import { exampleDocs } from '../validation/helpers';
import { SealedSecret } from '../../lib/sealing';
import { Testing } from '../../lib/testing';
import { CIPHER, setup, UNREACHABLE_PG } from './fixtures';

const SUB = '3f2b8c1e-5d47-4a9e-9c61-2b7e0d4f8a90';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const HUB = `/subscriptions/${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network`;
const MANAGE = { 'serviceoperator.azure.com/reconcile-policy': 'manage' };
const SAMPLES = 'aso/examples/azure-service-operator/v2/samples/network';

function net() {
  const s = setup();
  const rg = new ResourceGroup(s.folder, 'rg', { name: 'rg-app', location: 'westeurope' });
  const vnet = new VirtualNetwork(s.folder, 'vnet', { name: 'vnet-app', resourceGroup: rg, addressSpace: ['10.0.0.0/16'] });
  const endpoints = vnet.subnet('endpoints', { addressPrefix: '10.0.1.0/24' });
  const pgSubnet = vnet.subnet('pg', { addressPrefix: '10.0.2.0/24', delegations: ['Microsoft.DBforPostgreSQL/flexibleServers'] });
  const pw = SealedSecret.fromEncryptedData(s.folder, 'pw', { name: 'pg-admin', encryptedData: { password: CIPHER } });
  const zone = (id: string, name: string) => {
    const z = new PrivateDnsZone(s.folder, id, { name, resourceGroup: rg });
    z.linkVirtualNetwork('app', { virtualNetwork: vnet });
    return z;
  };
  const server = (extra: Record<string, unknown> = {}) => new PostgresFlexibleServer(s.folder, 'pg', {
    name: 'app-pg', resourceGroup: rg, administratorLogin: 'appadmin', administratorPassword: { secret: pw, key: 'password' }, ...extra,
  });
  return { ...s, rg, vnet, endpoints, pgSubnet, zone, server };
}

describe('PrivateDnsZone', () => {
  test('zone (global, DESTROY) and its virtual network links (construct or ARM ID)', () => {
    const { app, folder, rg, vnet } = net();
    const zone = new PrivateDnsZone(folder, 'zone', { name: PrivateDnsZoneNames.BLOB, resourceGroup: rg, tags: { team: 'a' } });
    zone.linkVirtualNetwork('app', { virtualNetwork: vnet });
    zone.linkVirtualNetwork('hub', { virtualNetwork: `${HUB}/virtualNetworks/vnet-hub`, resolutionPolicy: 'NxDomainRedirect' });
    expect(zone.links.map((l) => l.azureName)).toEqual(['app', 'hub']);
    expect(removalPolicyOf(zone.apiObject)).toBe(RemovalPolicy.DESTROY);
    const objs = Testing.objects(app);
    expect(Testing.find(objs, 'PrivateDnsZone', 'privatelink.blob.core.windows.net')).toEqual({
      apiVersion: 'network.azure.com/v1api20240601',
      kind: 'PrivateDnsZone',
      metadata: { name: 'privatelink.blob.core.windows.net', namespace: 'apps', annotations: MANAGE },
      spec: { location: 'global', owner: { name: 'rg-app' }, tags: { team: 'a' } },
    });
    expect(Testing.find(objs, 'PrivateDnsZonesVirtualNetworkLink', 'privatelink.blob.core.windows.net-app').spec).toEqual({
      azureName: 'app', location: 'global', owner: { name: 'privatelink.blob.core.windows.net' }, registrationEnabled: false,
      virtualNetwork: { reference: { group: 'network.azure.com', kind: 'VirtualNetwork', name: 'vnet-app' } },
    });
    expect(Testing.find(objs, 'PrivateDnsZonesVirtualNetworkLink', 'privatelink.blob.core.windows.net-hub').spec).toEqual({
      azureName: 'hub', location: 'global', owner: { name: 'privatelink.blob.core.windows.net' }, registrationEnabled: false, resolutionPolicy: 'NxDomainRedirect',
      virtualNetwork: { reference: { armId: `${HUB}/virtualNetworks/vnet-hub` } },
    });
  });

  test.each([
    ['name', { name: 'PrivateLink.Blob' }, '"PrivateLink.Blob" is invalid: must be a DNS zone name such as "privatelink.blob.core.windows.net" (lowercase labels of letters, digits and hyphens, separated by ".")'],
    ['name', { name: 'localhost' }, '"localhost" is invalid: must be a DNS zone name such as "privatelink.blob.core.windows.net" (lowercase labels of letters, digits and hyphens, separated by ".")'],
  ])('rejects prop %p: %j', (prop, extra, rule) => {
    const { folder, rg } = net();
    expect(() => new PrivateDnsZone(folder, 'zone', { resourceGroup: rg, ...extra })).toThrow(`platform/azure/zone: prop "${prop}": ${rule}`);
  });

  test('link errors: a network of another namespace, a resource ID that is not a network, a repeated name', () => {
    const { folder, rg } = net();
    const zone = new PrivateDnsZone(folder, 'zone', { name: PrivateDnsZoneNames.BLOB, resourceGroup: rg });
    const other = new VirtualNetwork(folder, 'other', { name: 'vnet-other', namespace: 'net', resourceGroup: `/subscriptions/${SUB}/resourceGroups/rg-net`, location: 'westeurope', addressSpace: ['10.1.0.0/16'] });
    expect(() => zone.linkVirtualNetwork('other', { virtualNetwork: other })).toThrow(
      'platform/azure/zone/Link-other: prop "virtualNetwork": VirtualNetwork "vnet-other" (platform/azure/other) is in namespace "net", but ASO resolves references in the ' +
        'resource\'s namespace ("apps"): create both in one namespace, or pass its ARM resource ID',
    );
    expect(() => zone.linkVirtualNetwork('sub', { virtualNetwork: `${HUB}/virtualNetworks/vnet-hub/subnets/x` })).toThrow(
      'platform/azure/zone/Link-sub: prop "virtualNetwork": "/subscriptions/3f2b8c1e-5d47-4a9e-9c61-2b7e0d4f8a90/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/x" ' +
        'is invalid: must be a VirtualNetwork construct or its ARM resource ID',
    );
    zone.linkVirtualNetwork('hub', { virtualNetwork: `${HUB}/virtualNetworks/vnet-hub` });
    expect(() => zone.linkVirtualNetwork('hub', { virtualNetwork: `${HUB}/virtualNetworks/vnet-hub` })).toThrow('platform/azure/zone: prop "name": "hub" is used by another virtual network link');
  });

  test('the ASO samples\' shape', () => {
    const { app, folder } = setup('default');
    const zSample = exampleDocs(`${SAMPLES}/v1api20240601/v1api20240601_privatednszone.yaml`)[0] as any;
    const lSample = exampleDocs(`${SAMPLES}/v1api20240601/v1api20240601_privatednszonesvirtualnetworklink.yaml`)[0] as any;
    const rg = new ResourceGroup(folder, 'rg', { name: zSample.spec.owner.name, location: 'westcentralus' });
    const vnet = new VirtualNetwork(folder, 'vnet', { name: lSample.spec.virtualNetwork.reference.name, resourceGroup: rg, addressSpace: ['10.0.0.0/16'] });
    const zone = new PrivateDnsZone(folder, 'zone', { name: zSample.metadata.name, resourceGroup: rg });
    zone.linkVirtualNetwork('vnetlink', { virtualNetwork: vnet, kubernetesName: lSample.metadata.name });
    const objs = Testing.objects(app);
    const z = Testing.find(objs, 'PrivateDnsZone', zSample.metadata.name);
    expect(z.apiVersion).toBe(zSample.apiVersion);
    expect(z.spec).toEqual(zSample.spec);
    const l = Testing.find(objs, 'PrivateDnsZonesVirtualNetworkLink', lSample.metadata.name);
    expect(l.apiVersion).toBe(lSample.apiVersion);
    expect(l.spec).toMatchObject(lSample.spec);
  });
});

describe('PrivateEndpoint', () => {
  test('account.addPrivateEndpoint: blob by default, in the subnet\'s region, record in the zone; the account may disable public access', () => {
    const { app, folder, rg, endpoints, zone } = net();
    const account = new StorageAccount(folder, 'st', { name: 'stapp', resourceGroup: rg, publicNetworkAccess: false });
    const pe = account.addPrivateEndpoint({ subnet: endpoints, privateDnsZone: zone('blob', PrivateDnsZoneNames.BLOB) });
    expect(pe.node.path).toBe('platform/azure/st/PrivateEndpoint-blob');
    expect(account.privateEndpoints).toEqual([pe]);
    expect(removalPolicyOf(pe.apiObject)).toBe(RemovalPolicy.DESTROY);
    const objs = Testing.objects(app);
    expect(Testing.find(objs, 'PrivateEndpoint', 'pe-stapp-blob')).toEqual({
      apiVersion: 'network.azure.com/v1api20240301',
      kind: 'PrivateEndpoint',
      metadata: { name: 'pe-stapp-blob', namespace: 'apps', annotations: MANAGE },
      spec: {
        owner: { name: 'rg-app' },
        location: 'westeurope',
        subnet: { reference: { group: 'network.azure.com', kind: 'VirtualNetworksSubnet', name: 'vnet-app-endpoints' } },
        privateLinkServiceConnections: [{ name: 'pe-stapp-blob', groupIds: ['blob'], privateLinkServiceReference: { group: 'storage.azure.com', kind: 'StorageAccount', name: 'stapp' } }],
      },
    });
    expect(Testing.find(objs, 'PrivateEndpointsPrivateDnsZoneGroup', 'pe-stapp-blob-dns')).toEqual({
      apiVersion: 'network.azure.com/v1api20240301',
      kind: 'PrivateEndpointsPrivateDnsZoneGroup',
      metadata: { name: 'pe-stapp-blob-dns', namespace: 'apps', annotations: MANAGE },
      spec: {
        azureName: 'default',
        owner: { name: 'pe-stapp-blob' },
        privateDnsZoneConfigs: [{ name: 'privatelink-blob-core-windows-net', privateDnsZoneReference: { group: 'network.azure.com', kind: 'PrivateDnsZone', name: 'privatelink.blob.core.windows.net' } }],
      },
    });
    expect(Testing.find(objs, 'StorageAccount', 'stapp').spec.publicNetworkAccess).toBe('Disabled');
  });

  test('other storage services, ARM IDs for subnet and zone, explicit names, DNS managed elsewhere', () => {
    const { app, folder, rg } = net();
    const account = new StorageAccount(folder, 'st', { name: 'stapp', resourceGroup: rg });
    account.addPrivateEndpoint({
      service: StorageService.FILE, subnet: `${HUB}/virtualNetworks/vnet-hub/subnets/pe`, privateDnsZone: `${HUB}/privateDnsZones/privatelink.file.core.windows.net`,
      name: 'PE_Files', kubernetesName: 'pe-files', location: 'northeurope', removalPolicy: RemovalPolicy.RETAIN, tags: { team: 'a' },
    });
    account.addPrivateEndpoint({ service: StorageService.QUEUE, subnet: `${HUB}/virtualNetworks/vnet-hub/subnets/pe`, dnsManagedElsewhere: true });
    const objs = Testing.objects(app);
    const files = Testing.find(objs, 'PrivateEndpoint', 'pe-files');
    expect(files.spec).toMatchObject({ azureName: 'PE_Files', location: 'northeurope', subnet: { reference: { armId: `${HUB}/virtualNetworks/vnet-hub/subnets/pe` } }, tags: { team: 'a' } });
    expect(files.metadata.annotations!['kustomize.toolkit.fluxcd.io/prune']).toBe('disabled');
    expect(Testing.find(objs, 'PrivateEndpointsPrivateDnsZoneGroup', 'pe-files-dns').spec.privateDnsZoneConfigs)
      .toEqual([{ name: 'privatelink-file-core-windows-net', privateDnsZoneReference: { armId: `${HUB}/privateDnsZones/privatelink.file.core.windows.net` } }]);
    expect(Testing.find(objs, 'PrivateEndpoint', 'pe-stapp-queue').spec.privateLinkServiceConnections[0].groupIds).toEqual(['queue']);
    expect(objs.filter((o) => o.kind === 'PrivateEndpointsPrivateDnsZoneGroup').map((o) => o.metadata.name)).toEqual(['pe-files-dns']);
  });

  test('a PrivateEndpoint to any resource by ARM ID', () => {
    const { app, folder, rg, endpoints, zone } = net();
    new PrivateEndpoint(folder, 'pe', {
      name: 'pe-other', resourceGroup: rg, subnet: endpoints, groupId: 'vault',
      target: `/subscriptions/${SUB}/resourceGroups/rg-x/providers/Microsoft.KeyVault/vaults/kv-x`, privateDnsZone: zone('kv', PrivateDnsZoneNames.KEY_VAULT),
    });
    expect(Testing.find(Testing.objects(app), 'PrivateEndpoint', 'pe-other').spec.privateLinkServiceConnections).toEqual([
      { name: 'pe-other', groupIds: ['vault'], privateLinkServiceReference: { armId: `/subscriptions/${SUB}/resourceGroups/rg-x/providers/Microsoft.KeyVault/vaults/kv-x` } },
    ]);
  });

  test('key vault: addPrivateEndpoint (group vault)', () => {
    const { app, folder, rg, endpoints, zone } = net();
    const vault = new KeyVault(folder, 'kv', { name: 'kv-app', resourceGroup: rg, tenantId: TENANT, publicNetworkAccess: false });
    vault.addPrivateEndpoint({ subnet: endpoints, privateDnsZone: zone('kv-zone', PrivateDnsZoneNames.KEY_VAULT) });
    const objs = Testing.objects(app);
    expect(Testing.find(objs, 'PrivateEndpoint', 'pe-kv-app-vault').spec.privateLinkServiceConnections[0])
      .toEqual({ name: 'pe-kv-app-vault', groupIds: ['vault'], privateLinkServiceReference: { group: 'keyvault.azure.com', kind: 'Vault', name: 'kv-app' } });
    expect(Testing.find(objs, 'PrivateEndpointsPrivateDnsZoneGroup', 'pe-kv-app-vault-dns').spec.privateDnsZoneConfigs[0].privateDnsZoneReference.name).toBe('privatelink.vaultcore.azure.net');
  });

  test('the ASO samples\' shape', () => {
    const { app, folder } = setup('default');
    const peSample = exampleDocs(`${SAMPLES}/v1api20240301/v1api20240301_privateendpoint.yaml`)[0] as any;
    const gSample = exampleDocs(`${SAMPLES}/v1api20240301/v1api20240301_privateendpointsprivatednszonegroup.yaml`)[0] as any;
    const rg = new ResourceGroup(folder, 'rg', { name: peSample.spec.owner.name, location: peSample.spec.location });
    const vnet = new VirtualNetwork(folder, 'vnet', { name: 'aso-sample', resourceGroup: rg, addressSpace: ['10.0.0.0/16'] });
    const subnet = vnet.subnet('subnet1', { addressPrefix: '10.0.0.0/24', kubernetesName: peSample.spec.subnet.reference.name });
    const account = new StorageAccount(folder, 'st', { name: peSample.spec.privateLinkServiceConnections[0].privateLinkServiceReference.name, resourceGroup: rg });
    const zone = new PrivateDnsZone(folder, 'zone', { name: gSample.spec.privateDnsZoneConfigs[0].privateDnsZoneReference.name, resourceGroup: rg });
    zone.linkVirtualNetwork('vnet', { virtualNetwork: vnet });
    const pe = account.addPrivateEndpoint({ subnet, privateDnsZone: zone, kubernetesName: peSample.metadata.name, name: peSample.spec.privateLinkServiceConnections[0].name });
    expect(pe.dnsZoneGroup).toBeDefined();
    const objs = Testing.objects(app);
    const ours = Testing.find(objs, 'PrivateEndpoint', peSample.metadata.name);
    expect(ours.apiVersion).toBe(peSample.apiVersion);
    expect(ours.spec).toMatchObject(peSample.spec);
    const group = Testing.find(objs, 'PrivateEndpointsPrivateDnsZoneGroup', `${peSample.metadata.name}-dns`);
    expect(group.apiVersion).toBe(gSample.apiVersion);
    expect(group.spec.owner).toEqual(gSample.spec.owner);
    expect(group.spec.privateDnsZoneConfigs[0].privateDnsZoneReference).toEqual(gSample.spec.privateDnsZoneConfigs[0].privateDnsZoneReference);
  });

  describe('errors', () => {
    test('no DNS zone (nor dnsManagedElsewhere), both, a zone of another service', () => {
      const { folder, rg, endpoints, zone } = net();
      const account = new StorageAccount(folder, 'st', { name: 'stapp', resourceGroup: rg });
      expect(() => account.addPrivateEndpoint({ subnet: endpoints })).toThrow(
        'platform/azure/st/PrivateEndpoint-blob: prop "privateDnsZone": is required: without a private DNS zone clients resolve the service\'s host name to its ' +
          'public IP, which refuses them when public access is disabled; pass a PrivateDnsZone named privatelink.blob.... linked to the clients\' virtual network ' +
          '(or its ARM resource ID), or set dnsManagedElsewhere: true when Azure Policy or custom DNS writes the records',
      );
      const blob = zone('blob', PrivateDnsZoneNames.BLOB);
      expect(() => account.addPrivateEndpoint({ subnet: endpoints, privateDnsZone: blob, dnsManagedElsewhere: true })).toThrow(
        'platform/azure/st/PrivateEndpoint-blob: prop "dnsManagedElsewhere": is true, but privateDnsZone is given: choose one',
      );
      expect(() => account.addPrivateEndpoint({ subnet: endpoints, service: StorageService.TABLE, privateDnsZone: blob })).toThrow(
        'platform/azure/st/PrivateEndpoint-table: prop "privateDnsZone": zone "privatelink.blob.core.windows.net" is not the Private Link zone of group ID "table" ' +
          '(privatelink.table....); clients would not find the endpoint\'s record',
      );
      expect(() => account.addPrivateEndpoint({ subnet: endpoints, privateDnsZone: `${HUB}/virtualNetworks/vnet-hub` })).toThrow(
        `platform/azure/st/PrivateEndpoint-blob: prop "privateDnsZone": "${HUB}/virtualNetworks/vnet-hub" is invalid: must be a PrivateDnsZone construct or the ARM resource ID of a private DNS zone`,
      );
      expect(() => account.addPrivateEndpoint({ subnet: endpoints, service: 'sql' as StorageService, dnsManagedElsewhere: true })).toThrow(
        'platform/azure/st: prop "service": "sql" is not a StorageService',
      );
      account.addPrivateEndpoint({ subnet: endpoints, privateDnsZone: blob });
      expect(() => account.addPrivateEndpoint({ subnet: endpoints, privateDnsZone: blob })).toThrow(
        'platform/azure/st: prop "privateEndpoint": already has a private endpoint for "blob"',
      );
    });

    test('a delegated subnet, a region other than the network\'s, a subnet of another namespace', () => {
      const { folder, rg, pgSubnet, endpoints } = net();
      const account = new StorageAccount(folder, 'st', { name: 'stapp', resourceGroup: rg });
      expect(() => account.addPrivateEndpoint({ subnet: pgSubnet, dnsManagedElsewhere: true })).toThrow(
        'platform/azure/st/PrivateEndpoint-blob: prop "subnet": subnet "pg" is delegated to Microsoft.DBforPostgreSQL/flexibleServers; private endpoints need a subnet without delegations',
      );
      expect(() => account.addPrivateEndpoint({ subnet: endpoints, dnsManagedElsewhere: true, location: 'northeurope' })).toThrow(
        'platform/azure/st/PrivateEndpoint-blob: prop "location": "northeurope" is not the region of subnet "endpoints" (westeurope); an endpoint is created in its virtual network\'s region',
      );
      expect(() => account.addPrivateEndpoint({ subnet: endpoints, dnsManagedElsewhere: true, namespace: 'other' })).toThrow(
        'platform/azure/st/PrivateEndpoint-blob: prop "resourceGroup": owner ResourceGroup "rg-app" (platform/azure/rg) is in namespace "apps", but ASO owners must be in the ' +
          'resource\'s namespace ("other"): create both in one namespace, or pass the owner\'s ARM resource ID',
      );
    });

    test('a storage account with public access disabled and no private endpoint is unreachable (synth error)', () => {
      const { app, folder, rg } = net();
      new StorageAccount(folder, 'st', { name: 'stapp', resourceGroup: rg, publicNetworkAccess: false });
      expect(Testing.synthProblems(app)).toEqual([
        'platform/azure/st: prop "publicNetworkAccess": the account would be unreachable: public network access is disabled and it has no private endpoint; ' +
          'add one with account.addPrivateEndpoint({ subnet, privateDnsZone }), or enable public access',
      ]);
    });
  });
});

describe('PostgreSQL private paths', () => {
  test('private endpoint: public access stays disabled, no firewall rule needed', () => {
    const { app, endpoints, zone, server } = net();
    const pg = server();
    expect(Testing.synthProblems(app)).toEqual([UNREACHABLE_PG('platform/azure/pg')]);
    const pe = pg.addPrivateEndpoint({ subnet: endpoints, privateDnsZone: zone('pgz', PrivateDnsZoneNames.POSTGRES) });
    expect(pg.privateEndpoints).toEqual([pe]);
    const objs = Testing.objects(app);
    expect(Testing.find(objs, 'FlexibleServer', 'app-pg').spec.network).toEqual({ publicNetworkAccess: 'Disabled' });
    expect(Testing.find(objs, 'PrivateEndpoint', 'pe-app-pg-postgresqlserver').spec.privateLinkServiceConnections).toEqual([
      { name: 'pe-app-pg-postgresqlserver', groupIds: ['postgresqlServer'], privateLinkServiceReference: { group: 'dbforpostgresql.azure.com', kind: 'FlexibleServer', name: 'app-pg' } },
    ]);
    expect(Testing.find(objs, 'PrivateEndpointsPrivateDnsZoneGroup', 'pe-app-pg-postgresqlserver-dns').spec.privateDnsZoneConfigs[0].privateDnsZoneReference.name)
      .toBe('privatelink.postgres.database.azure.com');
    // Firewall rules on top switch public access on (both paths).
    pg.firewallRule('office', { startIpAddress: '203.0.113.10' });
    expect(Testing.find(Testing.objects(app), 'FlexibleServer', 'app-pg').spec.network).toEqual({ publicNetworkAccess: 'Enabled' });
  });

  test('VNet integration: delegated subnet + private DNS zone construct', () => {
    const { app, folder, rg, vnet, pgSubnet, server } = net();
    const zone = new PrivateDnsZone(folder, 'pgzone', { name: 'app.private.postgres.database.azure.com', resourceGroup: rg });
    zone.linkVirtualNetwork('app', { virtualNetwork: vnet });
    server({ delegatedSubnet: pgSubnet, privateDnsZone: zone });
    expect(Testing.find(Testing.objects(app), 'FlexibleServer', 'app-pg').spec.network).toEqual({
      delegatedSubnetResourceReference: { group: 'network.azure.com', kind: 'VirtualNetworksSubnet', name: 'vnet-app-pg' },
      privateDnsZoneArmResourceReference: { group: 'network.azure.com', kind: 'PrivateDnsZone', name: 'app.private.postgres.database.azure.com' },
      publicNetworkAccess: 'Disabled',
    });
  });

  test('VNet integration: zone by ARM ID (privateDnsZone or the deprecated privateDnsZoneArmId)', () => {
    const { app, pgSubnet, server } = net();
    server({ delegatedSubnet: pgSubnet, privateDnsZone: `${HUB}/privateDnsZones/app.private.postgres.database.azure.com` });
    expect(Testing.find(Testing.objects(app), 'FlexibleServer', 'app-pg').spec.network.privateDnsZoneArmResourceReference).toEqual({ armId: `${HUB}/privateDnsZones/app.private.postgres.database.azure.com` });
    const again = net();
    again.server({ delegatedSubnet: again.pgSubnet, privateDnsZoneArmId: `${HUB}/privateDnsZones/app.private.postgres.database.azure.com` });
    expect(Testing.find(Testing.objects(again.app), 'FlexibleServer', 'app-pg').spec.network.privateDnsZoneArmResourceReference).toEqual({ armId: `${HUB}/privateDnsZones/app.private.postgres.database.azure.com` });
  });

  test.each([
    ['privateDnsZone', () => ({ privateDnsZone: `${HUB}/privateDnsZones/app.private.postgres.database.azure.com` }),
      'is only used with delegatedSubnet (VNet integration); for a private endpoint pass the zone to addPrivateEndpoint()'],
    ['privateDnsZone', (n: ReturnType<typeof net>) => ({ delegatedSubnet: n.pgSubnet, privateDnsZone: `${HUB}/privateDnsZones/privatelink.blob.core.windows.net` }),
      'zone "privatelink.blob.core.windows.net" must be named "<label>.postgres.database.azure.com" (e.g. "app-pg.private.postgres.database.azure.com") for a server in a delegated subnet'],
    ['privateDnsZoneArmId', (n: ReturnType<typeof net>) => ({ delegatedSubnet: n.pgSubnet, privateDnsZone: `${HUB}/privateDnsZones/a.postgres.database.azure.com`, privateDnsZoneArmId: `${HUB}/privateDnsZones/a.postgres.database.azure.com` }),
      'is replaced by privateDnsZone: set only privateDnsZone'],
  ])('rejects prop %p', (prop, extra, rule) => {
    const n = net();
    expect(() => n.server(extra(n))).toThrow(`platform/azure/pg: prop "${prop}": ${rule}`);
  });

  test('no private endpoint on a server in a delegated subnet', () => {
    const { endpoints, pgSubnet, server } = net();
    const pg = server({ delegatedSubnet: pgSubnet, privateDnsZone: `${HUB}/privateDnsZones/app.private.postgres.database.azure.com` });
    expect(() => pg.addPrivateEndpoint({ subnet: endpoints, dnsManagedElsewhere: true })).toThrow(
      'platform/azure/pg: prop "delegatedSubnet": a server in a delegated subnet (VNet integration) cannot have private endpoints: Azure supports them in public access mode only; remove delegatedSubnet or the endpoint',
    );
  });
});

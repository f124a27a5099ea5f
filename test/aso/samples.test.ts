// The L2 constructs, given the values of ASO's own samples (v2.18.0, /work/shared/crds/aso/examples),
// render objects of the samples' shape: every field a sample sets is rendered with the same value
// (our constructs add secure defaults on top). Differences are by design and listed per case.
import { ExistingSecret } from '../../lib';
import {
  KeyVault,
  PostgresFlexibleServer,
  PostgresTier,
  ResourceGroup,
  StorageAccount,
  StorageAccountKind,
  UserAssignedIdentity,
  VirtualNetwork,
} from '../../lib/aso';
import { exampleDocs } from '../validation/helpers';
import { Testing } from '../../lib/testing';
import { setup } from './fixtures';

const SAMPLES = 'aso/examples/azure-service-operator/v2/samples';
const sample = (rel: string): any => exampleDocs(`${SAMPLES}/${rel}`)[0];

describe('ASO samples', () => {
  test('resource group, PostgreSQL server, database, firewall rule, configuration', () => {
    const { app, folder } = setup('default');
    const rgSample = sample('resources/v1api/v1api20200601_resourcegroup.yaml');
    const rg = new ResourceGroup(folder, 'rg', { name: rgSample.metadata.name, location: rgSample.spec.location });
    const pgSample = sample('dbforpostgresql/v1api20240801/v1api20240801_flexibleserver.yaml');
    const server = new PostgresFlexibleServer(folder, 'pg', {
      name: pgSample.metadata.name,
      resourceGroup: rg,
      location: pgSample.spec.location,
      version: pgSample.spec.version,
      skuName: pgSample.spec.sku.name,
      tier: PostgresTier.GENERAL_PURPOSE,
      storageSizeGB: pgSample.spec.storage.storageSizeGB,
      administratorLogin: pgSample.spec.administratorLogin,
      administratorPassword: { secret: ExistingSecret.fromName(folder, 'pw', { name: pgSample.spec.administratorLoginPassword.name }), key: 'password' },
    });
    const dbSample = sample('dbforpostgresql/v1api20240801/v1api20240801_flexibleserversdatabase.yaml');
    server.database(dbSample.metadata.name, { charset: dbSample.spec.charset, kubernetesName: dbSample.metadata.name });
    const fwSample = sample('dbforpostgresql/v1api20240801/v1api20240801_flexibleserversfirewallrule.yaml');
    server.firewallRule(fwSample.metadata.name, { startIpAddress: fwSample.spec.startIpAddress, endIpAddress: fwSample.spec.endIpAddress, kubernetesName: fwSample.metadata.name });
    const cfgSample = sample('dbforpostgresql/v1api20240801/v1api20240801_flexibleserversconfiguration.yaml');
    server.configuration(cfgSample.spec.azureName, cfgSample.spec.value);

    const objs = Testing.objects(app);
    for (const s of [rgSample, pgSample]) {
      const ours = Testing.find(objs, s.kind, s.metadata.name);
      expect(ours.apiVersion).toBe(s.apiVersion);
      expect(ours.metadata).toMatchObject(s.metadata);
      expect(ours.spec).toMatchObject(s.spec);
    }
    // Children: our object names are explicit here; Azure names are always set (azureName).
    for (const s of [dbSample, fwSample]) {
      const ours = Testing.find(objs, s.kind, s.metadata.name);
      expect(ours.apiVersion).toBe(s.apiVersion);
      expect(ours.spec).toMatchObject(s.spec);
      expect(ours.spec.azureName).toBe(s.metadata.name);
    }
    const cfg = Testing.find(objs, 'FlexibleServersConfiguration', `${pgSample.metadata.name}-pgaudit.log`);
    expect(cfg.metadata.annotations).toEqual(cfgSample.metadata.annotations);
    expect(cfg.spec).toEqual(cfgSample.spec);
  });

  test('storage account, blob service, container', () => {
    const { app, folder } = setup('default');
    const rg = new ResourceGroup(folder, 'rg', { name: 'aso-sample-rg', location: 'westcentralus' });
    const stSample = sample('storage/v1api20230101/v1api20230101_storageaccount.yaml');
    const account = new StorageAccount(folder, 'st', { name: stSample.metadata.name, resourceGroup: rg, kind: StorageAccountKind.STORAGE_V2 });
    const cSample = sample('storage/v1api20230101/v1api20230101_storageaccountsblobservicescontainer.yaml');
    account.container(cSample.metadata.name);
    const bsSample = sample('storage/v1api20230101/v1api20230101_storageaccountsblobservice.yaml');

    const objs = Testing.objects(app);
    const st = Testing.find(objs, 'StorageAccount', stSample.metadata.name);
    expect(st.spec).toMatchObject(stSample.spec);
    // The sample leaves HTTPS-only commented out; we always set it.
    expect(st.spec.supportsHttpsTrafficOnly).toBe(true);
    // Blob service: we name it <account>-blob (the sample: samplekubestorageservice), same owner and policy.
    const bs = Testing.find(objs, 'StorageAccountsBlobService', `${stSample.metadata.name}-blob`);
    expect(bs.apiVersion).toBe(bsSample.apiVersion);
    expect(bs.spec).toMatchObject(bsSample.spec);
    expect(bs.metadata.annotations).toEqual(bsSample.metadata.annotations);
    const c = Testing.find(objs, 'StorageAccountsBlobServicesContainer', `${stSample.metadata.name}-${cSample.metadata.name}`);
    expect(c.spec).toMatchObject({ ...cSample.spec, owner: { name: bs.metadata.name } });
  });

  test('user-assigned identity exports and federated credential', () => {
    const { app, folder } = setup('default');
    const rg = new ResourceGroup(folder, 'rg', { name: 'aso-sample-rg', location: 'westcentralus' });
    const idSample = sample('managedidentity/v1api20230131/v1api20230131_userassignedidentity.yaml');
    const id = new UserAssignedIdentity(folder, 'id', { name: idSample.metadata.name, resourceGroup: rg });
    for (const k of ['clientId', 'principalId', 'tenantId'] as const) id.exports[k].use(folder, k);
    const ficSample = sample('managedidentity/v1api20230131/v1api20230131_federatedidentitycredential.yaml');
    const [, , ns, sa] = ficSample.spec.subject.split(':');
    id.federate(ficSample.metadata.name, { issuer: ficSample.spec.issuer, serviceAccount: { name: sa, namespace: ns }, kubernetesName: ficSample.metadata.name });

    const objs = Testing.objects(app);
    const ours = Testing.find(objs, 'UserAssignedIdentity', idSample.metadata.name);
    const { operatorSpec, ...rest } = idSample.spec;
    expect(ours.spec).toMatchObject(rest);
    // Same exported properties and keys; our ConfigMap is named <resource>-config (the sample: umi-cm).
    expect(Object.keys(ours.spec.operatorSpec.configMaps).sort()).toEqual(Object.keys(operatorSpec.configMaps).sort());
    for (const [prop, dest] of Object.entries<any>(operatorSpec.configMaps)) {
      expect(ours.spec.operatorSpec.configMaps[prop]).toEqual({ name: `${idSample.metadata.name}-config`, key: dest.key });
    }
    expect(Testing.find(objs, 'FederatedIdentityCredential', ficSample.metadata.name).spec).toMatchObject(ficSample.spec);
  });

  test('virtual network and subnet', () => {
    const { app, folder } = setup('default');
    const rg = new ResourceGroup(folder, 'rg', { name: 'aso-sample-rg', location: 'westcentralus' });
    const vSample = sample('network/v1api20240301/v1api20240301_virtualnetwork.yaml');
    const vnet = new VirtualNetwork(folder, 'vnet', { name: vSample.metadata.name, resourceGroup: rg, addressSpace: vSample.spec.addressSpace.addressPrefixes });
    const sSample = sample('network/v1api20240301/v1api20240301_virtualnetworkssubnet.yaml');
    vnet.subnet(sSample.metadata.name, { addressPrefix: sSample.spec.addressPrefix, kubernetesName: sSample.metadata.name });
    const objs = Testing.objects(app);
    expect(Testing.find(objs, 'VirtualNetwork', vSample.metadata.name).spec).toMatchObject(vSample.spec);
    expect(Testing.find(objs, 'VirtualNetworksSubnet', sSample.metadata.name).spec).toMatchObject(sSample.spec);
  });

  test('key vault (RBAC instead of the sample\'s access policies)', () => {
    const { app, folder } = setup('default');
    const rg = new ResourceGroup(folder, 'rg', { name: 'aso-sample-rg', location: 'westcentralus' });
    const kvSample = sample('keyvault/v1api20230701/v1api20230701_vault.yaml');
    const id = new UserAssignedIdentity(folder, 'id', { name: 'identity-settings', resourceGroup: rg });
    new KeyVault(folder, 'kv', { name: kvSample.metadata.name, resourceGroup: rg, tenantId: id.exports.tenantId });
    const ours = Testing.find(Testing.objects(app), 'Vault', kvSample.metadata.name);
    const { accessPolicies, tenantIdFromConfig, ...props } = kvSample.spec.properties;
    expect(accessPolicies.length).toBeGreaterThan(0);
    expect(ours.spec.location).toBe(kvSample.spec.location);
    expect(ours.spec.owner).toEqual(kvSample.spec.owner);
    expect(ours.spec.properties).toMatchObject(props);
    expect(ours.spec.properties.tenantIdFromConfig).toEqual({ name: 'identity-settings-config', key: tenantIdFromConfig.key });
    expect(ours.spec.properties.accessPolicies).toBeUndefined();
    expect(ours.spec.properties.enableRbacAuthorization).toBe(true);
  });
});

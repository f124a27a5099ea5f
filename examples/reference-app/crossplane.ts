// The reference app on Crossplane v2: the platform publishes `XApp` (a namespaced composite of a
// PostgreSQL flexible server + database, a storage account + blob container, and a role assignment
// giving the app's managed identity Storage Blob Data Contributor on the container, so the app
// reads and writes blobs with its workload identity, without account keys); the app team
// creates one instance and the Flask frontend reads its connection details from the Secret the
// composition composes (Crossplane v2 composites have no Crossplane-written connection secret:
// function-patch-and-transform composes `<xr name>-connection` in the XR's namespace).
import * as kplus from 'cdk8s-plus-28';
import { ResourceGroup } from '../../imports/crossplane/azure.m.upbound.io';
import { FlexibleServer, FlexibleServerDatabase } from '../../imports/crossplane/dbforpostgresql.azure.m.upbound.io';
import { Account, Container } from '../../imports/crossplane/storage.azure.m.upbound.io';
import { declarePreinstalled, GitOpsApp, Preinstalled, RemovalPolicy, Repo } from '../../lib';
import { GitRepository, Kustomization } from '../../lib/flux';
import { FLEXIBLE_SERVER_STORAGE_SIZES_GB } from '../../lib/aso';
import {
  AzureResourceGroupRef,
  BuiltInPolicy,
  addCrossplaneHealthChecks,
  CompositeResource,
  CrossplaneAzureRuntime,
  CompositeResourceDefinition,
  Composition,
  ConnectionDetails,
  Patches,
  ResourceGroupPolicyAssignment,
  RoleAssignment,
  Schema,
  Transforms,
} from '../../lib/crossplane';
import { flaskFrontend } from './flask';

export const REFERENCE_APP_CROSSPLANE_REPO_URL = 'https://github.com/contoso/reference-app-crossplane';
const SUBSCRIPTION_ID = '00000000-0000-0000-0000-000000000001';
const TENANT_ID = '00000000-0000-0000-0000-000000000002';
const PROVIDER_CLIENT_ID = '00000000-0000-0000-0000-000000000003';
// The app's user-assigned managed identity is the app team's, made outside this repo (unlike the
// ASO and kro variants, which create it): a prerequisite is its federated credential for issuer =
// the cluster's OIDC issuer and subject `system:serviceaccount:reference-app:reference-app`, or
// Entra refuses the workload identity token exchange (AADSTS70021) and every blob call fails.
const APP_CLIENT_ID = '00000000-0000-0000-0000-000000000004';
/** Placeholder (not a secret): the object (principal) id of the app's managed identity. */
export const APP_PRINCIPAL_ID = '00000000-0000-0000-0000-000000000005';
export { SUBSCRIPTION_ID as REFERENCE_APP_SUBSCRIPTION_ID };

/** The regions the app may run in (the XRD's enum and the resource group's policy). */
const APP_LOCATIONS = ['westeurope', 'northeurope', 'swedencentral'] as const;

/**
 * The platform's network for PostgreSQL, per region (made by the platform team, outside this repo):
 * a subnet of the region's AKS virtual network delegated to `Microsoft.DBforPostgreSQL/flexibleServers`,
 * and one private DNS zone linked to every such network. Each composed server is VNet-integrated in
 * its region's subnet (a server and its subnet share the region): public access stays off and the
 * Flask pods reach the server's FQDN through the zone (Azure requires the zone with a delegated
 * subnet, and its name to end in `.postgres.database.azure.com`).
 */
const POSTGRES_SUBNET_IDS: Record<(typeof APP_LOCATIONS)[number], string> = {
  westeurope: postgresSubnet('weu'),
  northeurope: postgresSubnet('neu'),
  swedencentral: postgresSubnet('sdc'),
};
const POSTGRES_DNS_ZONE_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-dns-prod/providers/Microsoft.Network/privateDnsZones/prod.private.postgres.database.azure.com`;

function postgresSubnet(region: string): string {
  return `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-aks-prod-${region}/providers/Microsoft.Network/virtualNetworks/vnet-aks-prod-${region}/subnets/snet-postgres`;
}

/** The spec of the XApp API. */
export const appSpec = Schema.object({
  location: Schema.string({ required: true, enum: APP_LOCATIONS, description: 'Azure region.' }),
  storageAccountName: Schema.string({ required: true, pattern: '^[a-z0-9]{3,24}$', description: 'Globally unique storage account name.' }),
  databaseName: Schema.string({ pattern: '^[a-z][a-z0-9_]{0,62}$', default: 'app', description: 'PostgreSQL database name.' }),
  containerName: Schema.string({ pattern: '^[a-z0-9]([a-z0-9-]{1,61}[a-z0-9])$', default: 'uploads', description: 'Blob container name.' }),
  identityPrincipalId: Schema.string({
    required: true,
    pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
    description: 'Object (principal) id of the app\'s managed identity: it gets Storage Blob Data Contributor on the blob container.',
  }),
  postgres: Schema.object({
    version: Schema.string({ enum: ['15', '16', '17'], default: '16' }),
    skuName: Schema.string({ default: 'B_Standard_B1ms' }),
    storageGb: Schema.integer({ enum: FLEXIBLE_SERVER_STORAGE_SIZES_GB, default: 32 }),
  }, { default: {} }),
});

/** The connection details the XApp composition publishes. */
export const XAPP_CONNECTION_KEYS = ['blobEndpoint', 'container', 'database', 'host', 'password', 'username'] as const;

export interface ReferenceAppCrossplane {
  readonly repo: Repo;
  readonly xrd: CompositeResourceDefinition<typeof appSpec>;
  readonly composition: Composition;
  readonly instance: CompositeResource<typeof appSpec>;
}

export function referenceAppCrossplane(app: GitOpsApp): void {
  buildReferenceAppCrossplane(app);
}

export function buildReferenceAppCrossplane(app: GitOpsApp): ReferenceAppCrossplane {
  const repo = new Repo(app, 'reference-app-crossplane', { url: REFERENCE_APP_CROSSPLANE_REPO_URL });

  // Flux entry of the management cluster: the source and one Kustomization per stage, in apply
  // order (packages -> provider configs -> XRD and composition -> the app). Crossplane itself is
  // installed by bootstrap.
  const entry = repo.folder('clusters/mgmt', { namespace: 'flux-system' });
  declarePreinstalled(entry, Preinstalled.CROSSPLANE);
  const source = new GitRepository(entry, 'source', { name: 'reference-app-crossplane', repo });

  // Crossplane runtime: providers (with workload identity), functions, credentials, activation.
  const system = repo.folder('platform/crossplane');
  const runtime = new CrossplaneAzureRuntime(system, 'runtime', {
    flux: { source, folder: entry },
    services: ['dbforpostgresql', 'storage', 'authorization'],
    clientId: PROVIDER_CLIENT_ID,
    tenantId: TENANT_ID,
    subscriptionId: SUBSCRIPTION_ID,
    activationPolicyName: 'reference-app',
  });
  const { activation } = runtime;

  // The XApp API.
  const apis = repo.folder('platform/apis');
  const xrd = new CompositeResourceDefinition(apis, 'xrd', {
    group: 'apps.contoso.com',
    kind: 'XApp',
    plural: 'xapps',
    version: 'v1alpha1',
    spec: appSpec,
    status: Schema.object({ databaseHost: Schema.string(), blobEndpoint: Schema.string(), storageAccountId: Schema.string({ description: 'ARM id of the storage account.' }) }),
  });
  const composition = new Composition(apis, 'composition', { xrd });
  composition.addPatchAndTransform({
    patchSets: {
      located: [Patches.fromComposite('spec.location', 'spec.forProvider.location')],
    },
    resources: [
      {
        name: 'resource-group',
        base: (s) => new ResourceGroup(s, 'rg', { spec: { forProvider: { location: 'westeurope' } } }),
        patches: [
          Patches.patchSet('located'),
          Patches.combineFromComposite(['metadata.namespace', 'metadata.name'], 'rg-%s-%s', 'metadata.annotations[crossplane.io/external-name]'),
        ],
      },
      {
        // The app's resource group only takes resources in the regions the API offers.
        name: 'allowed-locations',
        base: (s) => new ResourceGroupPolicyAssignment(s, 'allowed-locations', {
          policyDefinition: BuiltInPolicy.ALLOWED_LOCATIONS,
          parameters: { listOfAllowedLocations: [...APP_LOCATIONS] },
          resourceGroup: AzureResourceGroupRef.matchControllerRef(),
        }),
      },
      {
        name: 'postgres',
        base: (s) => new FlexibleServer(s, 'pg', {
          spec: {
            forProvider: {
              location: 'westeurope',
              resourceGroupNameSelector: { matchControllerRef: true },
              administratorLogin: 'pgadmin',
              autoGeneratePassword: true,
              administratorPasswordSecretRef: { name: 'set-by-patch', key: 'password' },
              // VNet integration: without it (public access off, no private endpoint) nothing reaches the server.
              publicNetworkAccessEnabled: false,
              delegatedSubnetId: POSTGRES_SUBNET_IDS.westeurope,
              privateDnsZoneId: POSTGRES_DNS_ZONE_ID,
              geoRedundantBackupEnabled: false,
              backupRetentionDays: 14,
            },
            writeConnectionSecretToRef: { name: 'set-by-patch' },
          },
        }),
        patches: [
          Patches.patchSet('located'),
          // The server is retained: named from the composite, a recreated XApp finds it again
          // (server names are global DNS names: the namespace too).
          Patches.combineFromComposite(['metadata.namespace', 'metadata.name'], 'pg-%s-%s', 'metadata.annotations[crossplane.io/external-name]'),
          Patches.fromComposite('spec.location', 'spec.forProvider.delegatedSubnetId', { transforms: [Transforms.map(POSTGRES_SUBNET_IDS)] }),
          Patches.fromComposite('metadata.name', 'spec.forProvider.administratorPasswordSecretRef.name', { transforms: [Transforms.format('%s-pg-admin')] }),
          Patches.fromComposite('metadata.name', 'spec.writeConnectionSecretToRef.name', { transforms: [Transforms.format('%s-pg')] }),
          Patches.fromComposite('spec.postgres.version', 'spec.forProvider.version'),
          Patches.fromComposite('spec.postgres.skuName', 'spec.forProvider.skuName'),
          Patches.fromComposite('spec.postgres.storageGb', 'spec.forProvider.storageMb', { transforms: [Transforms.multiply(1024)] }),
          Patches.toComposite('status.atProvider.fqdn', 'status.databaseHost'),
        ],
        connectionDetails: [
          ConnectionDetails.fromFieldPath('host', 'status.atProvider.fqdn'),
          ConnectionDetails.fromFieldPath('username', 'spec.forProvider.administratorLogin'),
          ConnectionDetails.fromConnectionSecretKey('password', 'attribute.administrator_password'),
        ],
      },
      {
        name: 'database',
        base: (s) => new FlexibleServerDatabase(s, 'db', {
          spec: { forProvider: { serverIdSelector: { matchControllerRef: true }, charset: 'UTF8', collation: 'en_US.utf8' } },
        }),
        removalPolicy: RemovalPolicy.RETAIN,
        patches: [Patches.fromComposite('spec.databaseName', 'metadata.annotations[crossplane.io/external-name]')],
        connectionDetails: [ConnectionDetails.fromFieldPath('database', 'metadata.annotations[crossplane.io/external-name]')],
      },
      {
        name: 'storage',
        base: (s) => new Account(s, 'sa', {
          spec: {
            forProvider: {
              location: 'westeurope',
              resourceGroupNameSelector: { matchControllerRef: true },
              accountTier: 'Standard',
              accountReplicationType: 'ZRS',
              minTlsVersion: 'TLS1_2',
              sharedAccessKeyEnabled: false,
              allowNestedItemsToBePublic: false,
              defaultToOauthAuthentication: true,
              httpsTrafficOnlyEnabled: true,
            },
          },
        }),
        patches: [
          Patches.patchSet('located'),
          Patches.fromComposite('spec.storageAccountName', 'metadata.annotations[crossplane.io/external-name]'),
          Patches.toComposite('status.atProvider.primaryBlobEndpoint', 'status.blobEndpoint'),
          Patches.toComposite('status.atProvider.id', 'status.storageAccountId'),
        ],
        connectionDetails: [ConnectionDetails.fromFieldPath('blobEndpoint', 'status.atProvider.primaryBlobEndpoint')],
      },
      {
        name: 'container',
        base: (s) => new Container(s, 'c', {
          spec: { forProvider: { storageAccountIdSelector: { matchControllerRef: true }, containerAccessType: 'private' } },
        }),
        removalPolicy: RemovalPolicy.RETAIN,
        patches: [Patches.fromComposite('spec.containerName', 'metadata.annotations[crossplane.io/external-name]')],
        connectionDetails: [ConnectionDetails.fromFieldPath('container', 'metadata.annotations[crossplane.io/external-name]')],
      },
      {
        // The app's identity reads and writes the container's blobs (no account keys: they are
        // disabled). The container's ARM id is only known once the storage account exists: the
        // Required policy keeps the assignment out until the composite's status has the account id.
        name: 'blob-access',
        base: (s) => RoleAssignment.grantStorageBlobDataContributor(s, 'blob-access', { subscriptionId: SUBSCRIPTION_ID }),
        patches: [
          Patches.fromComposite('spec.identityPrincipalId', 'spec.forProvider.principalId'),
          Patches.combineFromComposite(['status.storageAccountId', 'spec.containerName'], '%s/blobServices/default/containers/%s', 'spec.forProvider.scope', { fromFieldPath: 'Required' }),
        ],
      },
    ],
  });
  composition.addAutoReady();
  activation.activateFor(composition);
  const apisSync = Kustomization.forFolder(entry, 'apis', apis, { name: 'platform-apis', source, prune: true, wait: true, timeout: '5m', dependsOn: [runtime.lastStage!] });
  addCrossplaneHealthChecks(apisSync);

  // The app team's folder: the XApp instance and the Flask frontend reading its connection Secret.
  const ns = 'reference-app';
  const apps = repo.folder('apps/reference-app', { namespace: ns });
  Kustomization.forFolder(entry, 'app', apps, { name: 'reference-app', source, prune: true, wait: true, timeout: '10m', dependsOn: [apisSync] });
  new kplus.Namespace(apps, 'namespace', { metadata: { name: ns } });
  const instance = new CompositeResource(apps, 'xapp', {
    xrd,
    composition,
    name: 'reference-app',
    spec: { location: 'westeurope', storageAccountName: 'contosorefapp01', databaseName: 'refapp', identityPrincipalId: APP_PRINCIPAL_ID },
  });
  const serviceAccount = new kplus.ServiceAccount(apps, 'sa', {
    metadata: { name: 'reference-app', annotations: { 'azure.workload.identity/client-id': APP_CLIENT_ID } },
    automountToken: false,
  });
  const env: Record<string, kplus.EnvValue> = {};
  const vars: Record<string, (typeof XAPP_CONNECTION_KEYS)[number]> = {
    DB_HOST: 'host', DB_NAME: 'database', DB_USER: 'username', DB_PASSWORD: 'password', STORAGE_BLOB_ENDPOINT: 'blobEndpoint', STORAGE_CONTAINER: 'container',
  };
  for (const [name, key] of Object.entries(vars)) env[name] = instance.exports.connectionDetail(key).envValue(apps, `env.${name}`);
  env.AZURE_CLIENT_ID = kplus.EnvValue.fromValue(APP_CLIENT_ID);
  flaskFrontend(apps, { name: 'reference-app', namespace: ns, serviceAccount, env, host: 'reference-app.contoso.com' });
  return { repo, xrd, composition, instance };
}

// The reference app on kro: the platform publishes a `FilesApp` API as a ResourceGraphDefinition
// over Azure Service Operator resources (resource group, PostgreSQL flexible server + database,
// storage account + blob container, user-assigned identity federated to the app's
// ServiceAccount); the app team creates one instance, and the Flask frontend reads what the graph
// exports (a ConfigMap `<instance>-exports` kro writes from the resources' status).
//
//   clusters/app/          GitRepository + the three Flux Kustomizations below (apply order)
//   platform/kro/          the ResourceGraphDefinition (cluster-scoped)
//   apps/files/azure/      Namespace, ASO credential and DB admin password (SealedSecrets), the instance
//   apps/files/web/        ServiceAccount, Deployment, Service, Ingress
//
// Apply order: kro creates the instance CRD asynchronously after the RGD is accepted, so the
// instance cannot be applied in the same Flux build (the dry-run would fail: no such kind). The
// `files-azure` Kustomization `dependsOn` `kro-apis`, which waits for the RGD to be Ready (kro
// sets its Ready condition once the CRD is established); `files-web` waits for the instance to
// be Ready (every resource ready, exports ConfigMap written). kstatus reads neither Ready
// condition: both Kustomizations check it with CEL (`kroHealthCheckExprs`).
import { ExistingSecret, secretEnvValue } from '../../lib';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AsoCredential, FLEXIBLE_SERVER_STORAGE_SIZES_GB, PostgresFlexibleServer, ResourceGroup, StorageAccount, UserAssignedIdentity } from '../../lib/aso';
import { declarePreinstalled, GitOpsApp, Preinstalled, Repo } from '../../lib';
import { GitRepository, Kustomization } from '../../lib/flux';
import { kroHealthCheckExprs, ResourceGraphDefinition, RgdInstance, Schema } from '../../lib/kro';
import { SealedSecret } from '../../lib/sealing';
import { placeholderCiphertext, REFERENCE_APP_SUBSCRIPTION_ID } from './aso';
import { AzureBuiltInRole } from '../../lib/core/azure-roles';
import { flaskFrontend } from './flask';

export const REFERENCE_APP_KRO_REPO_URL = 'https://github.com/contoso/reference-app-kro';
const NAMESPACE = 'files';
const OIDC_ISSUER = 'https://westeurope.oic.prod-aks.azure.com/11111111-2222-3333-4444-555555555555/66666666-7777-8888-9999-000000000000/';

/** The spec of the FilesApp API. */
export const filesAppSpec = Schema.object({
  location: Schema.string({ required: true, enum: ['westeurope', 'northeurope', 'swedencentral'], description: 'Azure region.' }),
  storageAccountName: Schema.string({ required: true, pattern: '^[a-z0-9]{3,24}$', description: 'Globally unique storage account name.' }),
  credentialSecret: Schema.string({ required: true, description: 'Secret (in the instance namespace) ASO authenticates with.' }),
  adminPasswordSecret: Schema.string({ required: true, description: 'Secret (key "password") holding the PostgreSQL admin password.' }),
  oidcIssuer: Schema.string({ required: true, description: 'OIDC issuer URL of the cluster the app runs on.' }),
  clusterEgressIp: Schema.string({ required: true, description: 'Outbound IP of the cluster, allowed through the PostgreSQL firewall.' }),
  serviceAccountName: Schema.string({ default: 'files-web', description: 'ServiceAccount the app runs as (federated to the identity).' }),
  subscriptionId: Schema.string({ required: true, pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', description: 'Subscription of the credential (role definition ARM IDs contain it).' }),
  databaseName: Schema.string({ pattern: '^[a-z][a-z0-9_]{0,62}$', default: 'files' }),
  containerName: Schema.string({ pattern: '^[a-z0-9]([a-z0-9-]{1,61}[a-z0-9])$', default: 'uploads' }),
  postgres: Schema.object({
    skuName: Schema.string({ default: 'Standard_B2s' }),
    storageSizeGB: Schema.integer({ enum: FLEXIBLE_SERVER_STORAGE_SIZES_GB, default: 64 }),
  }),
});

/** Keys of the exports ConfigMap. */
export const FILES_APP_EXPORTS = ['DB_HOST', 'DB_NAME', 'DB_USER', 'STORAGE_BLOB_ENDPOINT', 'STORAGE_CONTAINER', 'AZURE_CLIENT_ID'] as const;

export interface ReferenceAppKro {
  readonly repo: Repo;
  readonly rgd: ResourceGraphDefinition<typeof filesAppSpec>;
  readonly instance: RgdInstance<typeof filesAppSpec>;
}

/** Adds the kro variant of the reference app (repo dir `reference-app-kro`) to `app`. */
export function referenceAppKro(app: GitOpsApp): void {
  buildReferenceAppKro(app);
}

export function buildReferenceAppKro(app: GitOpsApp): ReferenceAppKro {
  const repo = new Repo(app, 'reference-app-kro', { url: REFERENCE_APP_KRO_REPO_URL });

  // --- The platform's API: a ResourceGraphDefinition over ASO constructs ------------------------
  const apis = repo.folder('platform/kro');
  const rgd = new ResourceGraphDefinition(apis, 'files-app', {
    group: 'platform.contoso.com',
    kind: 'FilesApp',
    spec: filesAppSpec,
  });
  const name = rgd.instance('metadata.name');
  // Azure names of subscription-wide or global resources (resource group, PostgreSQL server: a DNS
  // name, identity, federated credential) carry the instance's namespace too: FilesApp is
  // namespaced, and two teams' instances of one name would otherwise share (ASO adopts) and
  // delete each other's resources.
  const azureBase = `${rgd.instance('metadata.namespace')}-${name}`;
  const credential = { 'metadata.annotations[serviceoperator.azure.com/credential-from]': rgd.spec('credentialSecret') };
  // Templates are the library's ASO constructs, created outside the app (placeholder names are
  // replaced by expressions); owner references between them become `${<id>.metadata.name}`.
  const t = rgd.templates;
  const rg = new ResourceGroup(t, 'rg', { name: 'placeholder', location: 'westeurope', credentialFrom: 'placeholder' });
  rgd.addResource({
    id: 'resourceGroup',
    template: rg,
    set: { ...credential, 'metadata.name': `${name}-rg`, 'spec.azureName': `rg-${azureBase}`, 'spec.location': rgd.spec('location') },
  });
  const server = new PostgresFlexibleServer(t, 'pg', {
    name: 'placeholder',
    resourceGroup: rg,
    credentialFrom: 'placeholder',
    skuName: 'Standard_B2s',
    storageSizeGB: 64,
    backupRetentionDays: 14,
    administratorLogin: 'filesadmin',
    administratorPassword: { secret: ExistingSecret.fromName(t, 'admin', { name: 'placeholder' }), key: 'password' },
    authentication: { password: true, entraId: true },
  });
  // Created before the server is added: the rule turns the server's public network access on.
  const firewall = server.firewallRule('aks-egress', { startIpAddress: '20.50.10.10' });
  const pg = rgd.addResource({
    id: 'server',
    template: server,
    set: {
      ...credential,
      'metadata.name': `${name}-pg`,
      'spec.azureName': `pg-${azureBase}`,
      'spec.location': rgd.spec('location'),
      'spec.sku.name': rgd.spec('postgres.skuName'),
      'spec.storage.storageSizeGB': rgd.spec('postgres.storageSizeGB'),
      'spec.administratorLoginPassword.name': rgd.spec('adminPasswordSecret'),
    },
    readyWhen: ['${server.status.state == "Ready"}'],
  });
  rgd.addResource({
    id: 'firewallRule',
    template: firewall,
    set: { ...credential, 'metadata.name': `${name}-aks-egress`, 'spec.startIpAddress': rgd.spec('clusterEgressIp'), 'spec.endIpAddress': rgd.spec('clusterEgressIp') },
  });
  const database = server.database('placeholder');
  rgd.addResource({ id: 'database', template: database, set: { ...credential, 'metadata.name': `${name}-db`, 'spec.azureName': rgd.spec('databaseName') } });
  const storage = new StorageAccount(t, 'st', { name: 'placeholder', resourceGroup: rg, credentialFrom: 'placeholder' });
  const sa = rgd.addResource({
    id: 'storage',
    template: storage,
    set: { ...credential, 'metadata.name': `${name}-st`, 'spec.azureName': rgd.spec('storageAccountName'), 'spec.location': rgd.spec('location') },
  });
  const container = storage.container('placeholder');
  rgd.addResource({ id: 'blobService', template: storage.blobService, set: { ...credential, 'metadata.name': `${name}-blob` } });
  rgd.addResource({ id: 'container', template: container, set: { ...credential, 'metadata.name': `${name}-uploads`, 'spec.azureName': rgd.spec('containerName') } });
  const identity = new UserAssignedIdentity(t, 'id', { name: 'placeholder', resourceGroup: rg, credentialFrom: 'placeholder' });
  const id = rgd.addResource({
    id: 'identity',
    template: identity,
    set: { ...credential, 'metadata.name': `${name}-web`, 'spec.azureName': `id-${azureBase}-web`, 'spec.location': rgd.spec('location') },
  });
  // The app reaches its blobs as the identity (the account has no shared keys): Storage Blob Data
  // Contributor on the account, to the identity's principal once ASO reports it.
  rgd.addResource({
    id: 'blobAccess',
    template: {
      apiVersion: 'authorization.azure.com/v1api20220401',
      kind: 'RoleAssignment',
      metadata: { name: 'placeholder' },
      spec: { owner: { group: 'storage.azure.com', kind: 'StorageAccount', name: 'placeholder' }, principalId: 'placeholder', principalType: 'ServicePrincipal', roleDefinitionReference: { armId: 'placeholder' } },
    },
    set: {
      ...credential,
      'metadata.name': `${name}-blob-access`,
      'spec.owner.name': rgd.ref(sa, 'metadata.name'),
      'spec.principalId': rgd.ref(id, 'status.principalId'),
      'spec.roleDefinitionReference.armId': `/subscriptions/${rgd.spec('subscriptionId')}/providers/Microsoft.Authorization/roleDefinitions/${AzureBuiltInRole.STORAGE_BLOB_DATA_CONTRIBUTOR}`,
    },
  });
  const federation = identity.federate('placeholder', { issuer: OIDC_ISSUER, serviceAccount: { name: 'placeholder', namespace: 'placeholder' } });
  rgd.addResource({
    id: 'federation',
    template: federation,
    set: {
      ...credential,
      'metadata.name': `${name}-web`,
      'spec.azureName': `${azureBase}-web`,
      'spec.issuer': rgd.spec('oidcIssuer'),
      'spec.subject': `system:serviceaccount:${rgd.instance('metadata.namespace')}:${rgd.spec('serviceAccountName')}`,
    },
  });
  // What the app reads: a ConfigMap `<instance>-exports` written by kro from the resources' status.
  rgd.exportToConfigMap({
    DB_HOST: rgd.ref(pg, 'status.fullyQualifiedDomainName'),
    DB_NAME: rgd.spec('databaseName'),
    DB_USER: rgd.ref(pg, 'spec.administratorLogin'),
    STORAGE_BLOB_ENDPOINT: rgd.ref(sa, 'status.primaryEndpoints.blob'),
    STORAGE_CONTAINER: rgd.spec('containerName'),
    AZURE_CLIENT_ID: rgd.ref(id, 'status.clientId'),
  });
  rgd.addStatus('databaseHost', rgd.ref(pg, 'status.fullyQualifiedDomainName'));
  rgd.addStatus('blobEndpoint', rgd.ref(sa, 'status.primaryEndpoints.blob'));

  // --- The app team: credential, password and the instance ---------------------------------------
  const azure = repo.folder('apps/files/azure', { namespace: NAMESPACE });
  new kplus.Namespace(azure, 'Namespace', { metadata: { name: NAMESPACE } });
  const asoCredential = new AsoCredential(azure, 'Credential', {
    name: 'aso-credential-files',
    encryptedData: Object.fromEntries(
      ['AZURE_SUBSCRIPTION_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'USE_WORKLOAD_IDENTITY_AUTH'].map((k) => [k, placeholderCiphertext(`kro/aso-credential-files/${k}`)]),
    ),
  });
  const dbAdmin = SealedSecret.fromEncryptedData(azure, 'DbAdminPassword', {
    name: 'files-db-admin',
    encryptedData: { password: placeholderCiphertext('kro/files-db-admin/password') },
  });
  const instance = new RgdInstance(azure, 'FilesApp', {
    rgd,
    name: 'files',
    spec: {
      location: 'westeurope',
      storageAccountName: 'stfileskroweu',
      credentialSecret: asoCredential.secretName,
      adminPasswordSecret: dbAdmin.secretName,
      oidcIssuer: OIDC_ISSUER,
      serviceAccountName: 'files-web',
      clusterEgressIp: '20.50.10.10',
      subscriptionId: REFERENCE_APP_SUBSCRIPTION_ID,
    },
  });

  // --- The web frontend, reading the graph's exports ---------------------------------------------
  const web = repo.folder('apps/files/web', { namespace: NAMESPACE });
  const serviceAccount = new kplus.ServiceAccount(web, 'ServiceAccount', { metadata: { name: 'files-web', namespace: NAMESPACE }, automountToken: false });
  const frontend = new Construct(web, 'Frontend');
  const env: Record<string, kplus.EnvValue> = {};
  for (const key of FILES_APP_EXPORTS) env[key] = instance.exports.value(key).envValue(frontend, `env.${key}`);
  env.DB_PASSWORD = secretEnvValue(frontend, dbAdmin, 'password');
  env.DB_SSLMODE = kplus.EnvValue.fromValue('require');
  flaskFrontend(frontend, { name: 'files-web', namespace: NAMESPACE, serviceAccount, env, host: 'files-kro.contoso.com' });

  // --- Flux: one Kustomization per folder, in apply order ----------------------------------------
  const entry = repo.folder('clusters/app', { namespace: 'flux-system' });
  declarePreinstalled(entry, Preinstalled.KRO, Preinstalled.SEALED_SECRETS);
  const source = new GitRepository(entry, 'source', { name: 'reference-app-kro', repo });
  const kroApis = Kustomization.forFolder(entry, 'kro-apis', apis, {
    name: 'kro-apis', source, prune: true, interval: '1h', timeout: '5m',
    // The RGD is Ready once kro has accepted it and its instance CRD is established. kstatus does
    // not read kro's Ready condition: the CEL check does.
    wait: true,
    healthCheckExprs: kroHealthCheckExprs(),
  });
  const filesAzure = Kustomization.forFolder(entry, 'files-azure', azure, {
    name: 'files-azure', source, prune: true, interval: '10m', timeout: '30m', dependsOn: [kroApis],
    // Ready when kro reports every resource of the graph ready (Azure provisioning takes minutes).
    wait: true,
    healthCheckExprs: kroHealthCheckExprs(rgd),
  });
  Kustomization.forFolder(entry, 'files-web', web, { name: 'files-web', source, prune: true, interval: '10m', timeout: '5m', dependsOn: [filesAzure], wait: true });
  return { repo, rgd, instance };
}

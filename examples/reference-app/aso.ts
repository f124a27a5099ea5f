// The reference app, Azure Service Operator variant: a Flask frontend that stores file metadata in
// Azure Database for PostgreSQL and the files in Blob storage, and reads its own secrets from a key
// vault. Everything lives in one repo ("reference-app") applied by Flux to the app's cluster, where
// ASO runs:
//
//   apps/files/         Namespace "files"
//   apps/files/azure/   ASO credential (SealedSecret), resource group, PostgreSQL server + database,
//                       storage account + container, key vault, user-assigned identity federated to
//                       the app's ServiceAccount, the DB admin password (SealedSecret), the private
//                       path (private DNS zones linked to the cluster's virtual network, private
//                       endpoints of the server, the account and the vault) and the identity's role
//                       assignments
//   apps/files/web/     ServiceAccount, Deployment, Service, Ingress
//
// Data paths are private: PostgreSQL, the storage account and the vault have public network access
// disabled and are reached through private endpoints in the cluster's virtual network. Access is by
// reference, without keys: the identity gets "Storage Blob Data Contributor" on the container and
// "Key Vault Secrets User" on the vault (ASO RoleAssignments; Shared Key stays disabled).
// The Deployment's environment comes from what ASO exports (server FQDN, blob endpoint, vault URI,
// identity client ID) and from the SealedSecret-produced password Secret: no secret value is in Git.
import { secretEnvValue } from '../../lib';
import { createHash } from 'crypto';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AsoCredential,
  AsoCredentialScope,
  KeyVault,
  PostgresFlexibleServer,
  PrivateDnsZone,
  PrivateDnsZoneNames,
  ResourceGroup,
  StorageAccount,
  UserAssignedIdentity,
} from '../../lib/aso';
import { GitOpsApp, Repo } from '../../lib';
import { SealedSecret } from '../../lib/sealing';
import { flaskFrontend } from './flask';

export const REFERENCE_APP_REPO_URL = 'https://github.com/contoso/reference-app';
const NAMESPACE = 'files';
/** The OIDC issuer of the cluster the app runs on (`az aks show --query oidcIssuerProfile.issuerUrl`). */
const OIDC_ISSUER = 'https://westeurope.oic.prod-aks.azure.com/11111111-2222-3333-4444-555555555555/66666666-7777-8888-9999-000000000000/';
/** The subscription the team's ASO credential acts in (its AZURE_SUBSCRIPTION_ID; an identifier, not a secret). */
export const REFERENCE_APP_SUBSCRIPTION_ID = '3f2b8c1e-5d47-4a9e-9c61-2b7e0d4f8a90';
/** The virtual network the app's cluster runs in (owned by the platform team). */
const CLUSTER_VNET_ID = `/subscriptions/${REFERENCE_APP_SUBSCRIPTION_ID}/resourceGroups/rg-aks-prod-weu/providers/Microsoft.Network/virtualNetworks/vnet-aks-prod-weu`;
/** The subnet of that network the platform team set aside for private endpoints. */
const ENDPOINTS_SUBNET_ID = `${CLUSTER_VNET_ID}/subnets/snet-private-endpoints`;

/**
 * Stand-in for kubeseal output, deterministic, of its shape (a 2-byte length 512, a 512-byte RSA
 * block, a 48-byte AES-GCM value: what the synth's secret scan checks; the controller cannot
 * decrypt it). Replace each value by
 * `echo -n <value> | kubeseal --raw --namespace <namespace> --name <secret> --from-file=/dev/stdin`.
 */
export function placeholderCiphertext(label: string): string {
  let out = Buffer.from([0x02, 0x00]);
  for (let i = 0; out.length < 2 + 512 + 48; i++) out = Buffer.concat([out, createHash('sha256').update(`${label}/${i}`).digest()]);
  return out.subarray(0, 2 + 512 + 48).toString('base64');
}

/** Adds the ASO variant of the reference app (repo dir `reference-app`) to `app`. */
export function referenceAppAso(app: GitOpsApp): void {
  const repo = new Repo(app, 'reference-app', { url: REFERENCE_APP_REPO_URL });
  const root = repo.folder('apps/files', { namespace: NAMESPACE });
  new kplus.Namespace(root, 'Namespace', { metadata: { name: NAMESPACE } });

  // --- Azure resources, reconciled by ASO with the team's own credential -----------------------
  const azure = repo.folder('apps/files/azure', { namespace: NAMESPACE });
  const credential = new AsoCredential(azure, 'Credential', {
    name: 'aso-credential-files',
    encryptedData: Object.fromEntries(
      ['AZURE_SUBSCRIPTION_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'USE_WORKLOAD_IDENTITY_AUTH'].map((k) => [k, placeholderCiphertext(`aso-credential-files/${k}`)]),
    ),
    // Role assignments name role definitions by ARM ID, which contains the subscription. The
    // credential's identity needs, besides creating the resource group in the subscription:
    // Microsoft.Authorization/roleAssignments/write on the resource group (e.g. "Role Based Access
    // Control Administrator") for the role assignments, and, on the AKS cluster's network in its
    // own resource group, Microsoft.Network/virtualNetworks/subnets/join/action on the subnet (the
    // private endpoints) and Microsoft.Network/virtualNetworks/join/action on the VNet (the private
    // DNS zone links), e.g. "Network Contributor" on both; without them Azure answers
    // LinkedAuthorizationFailed and ASO keeps retrying (learn.microsoft.com azure/private-link/rbac-permissions).
    subscriptionId: REFERENCE_APP_SUBSCRIPTION_ID,
  });
  const team = new AsoCredentialScope(azure, 'Files', { namespace: NAMESPACE, credential });

  const rg = new ResourceGroup(team, 'ResourceGroup', {
    name: 'rg-files-prod-weu',
    location: 'westeurope',
    tags: { app: 'files', environment: 'prod' },
  });

  const dbAdmin = SealedSecret.fromEncryptedData(team, 'DbAdminPassword', {
    name: 'files-db-admin',
    encryptedData: { password: placeholderCiphertext('files-db-admin/password') },
  });
  // --- Private path: one private DNS zone per service, linked to the cluster's virtual network --
  // (Azure links one zone of a given name per virtual network: on a cluster shared by several
  // apps, the platform team owns these zones and apps pass their ARM resource IDs instead.)
  const zone = (id: string, name: string) => {
    const z = new PrivateDnsZone(team, id, { name, resourceGroup: rg });
    z.linkVirtualNetwork('vnet-aks-prod-weu', { virtualNetwork: CLUSTER_VNET_ID });
    return z;
  };
  const postgresZone = zone('PostgresZone', PrivateDnsZoneNames.POSTGRES);
  const blobZone = zone('BlobZone', PrivateDnsZoneNames.BLOB);
  const vaultZone = zone('VaultZone', PrivateDnsZoneNames.KEY_VAULT);

  const server = new PostgresFlexibleServer(team, 'Postgres', {
    name: 'files-pg-prod-weu',
    resourceGroup: rg,
    skuName: 'Standard_B2s',
    storageSizeGB: 64,
    backupRetentionDays: 14,
    administratorLogin: 'filesadmin',
    administratorPassword: { secret: dbAdmin, key: 'password' },
    authentication: { password: true, entraId: true },
  });
  const database = server.database('files');
  // No firewall rule: public network access stays disabled, the cluster reaches the server here.
  server.addPrivateEndpoint({ subnet: ENDPOINTS_SUBNET_ID, privateDnsZone: postgresZone });

  const storage = new StorageAccount(team, 'Storage', { name: 'stfilesprodweu', resourceGroup: rg, publicNetworkAccess: false });
  storage.addPrivateEndpoint({ subnet: ENDPOINTS_SUBNET_ID, privateDnsZone: blobZone });
  const container = storage.container('uploads');

  const identity = new UserAssignedIdentity(team, 'Identity', { name: 'id-files-web', resourceGroup: rg });

  const vault = new KeyVault(team, 'Vault', {
    name: 'kv-files-prod-weu',
    resourceGroup: rg,
    tenantId: identity.exports.tenantId,
    publicNetworkAccess: false,
  });
  vault.addPrivateEndpoint({ subnet: ENDPOINTS_SUBNET_ID, privateDnsZone: vaultZone });

  // --- Access by reference: the identity, never a key --------------------------------------------
  container.grantBlobDataContributor(identity); // only the "uploads" container
  vault.grantSecretsUser(identity);

  // --- The web frontend --------------------------------------------------------------------------
  const web = repo.folder('apps/files/web', { namespace: NAMESPACE });
  const serviceAccount = new kplus.ServiceAccount(web, 'ServiceAccount', {
    metadata: { name: 'files-web', namespace: NAMESPACE },
    automountToken: false,
  });
  identity.federate('files-web', { issuer: OIDC_ISSUER, serviceAccount });

  const frontend = new Construct(web, 'Frontend');
  flaskFrontend(frontend, {
    name: 'files-web',
    namespace: NAMESPACE,
    serviceAccount,
    host: 'files.contoso.com',
    env: {
      DB_HOST: server.exports.fqdn.envValue(frontend),
      DB_NAME: kplus.EnvValue.fromValue(database.azureName),
      DB_USER: kplus.EnvValue.fromValue(server.administratorLogin!),
      DB_PASSWORD: secretEnvValue(frontend, dbAdmin, 'password'),
      DB_SSLMODE: kplus.EnvValue.fromValue('require'),
      STORAGE_BLOB_ENDPOINT: storage.exports.blobEndpoint.envValue(frontend),
      STORAGE_CONTAINER: kplus.EnvValue.fromValue(container.azureName),
      KEY_VAULT_URI: vault.exports.vaultUri.envValue(frontend),
      AZURE_CLIENT_ID: identity.exports.clientId.envValue(frontend),
      AZURE_TENANT_ID: identity.exports.tenantId.envValue(frontend),
    },
  });
}

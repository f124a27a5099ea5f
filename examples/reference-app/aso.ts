// The reference app, Azure Service Operator variant: a Flask frontend that stores file metadata in
// Azure Database for PostgreSQL and the files in Blob storage. Everything lives in one repo
// ("reference-app") applied by Flux to the app's cluster, where ASO runs:
//
//   apps/files/         Namespace "files"
//   apps/files/azure/   ASO credential (SealedSecret), resource group, PostgreSQL server + database,
//                       storage account + container, user-assigned identity federated to the app's
//                       ServiceAccount, the DB admin password (SealedSecret)
//   apps/files/web/     ServiceAccount, Deployment, Service, Ingress
//
// The Deployment's environment comes from what ASO exports (server FQDN, blob endpoint, identity
// client ID) and from the SealedSecret-produced password Secret: no secret value is in Git.
// Granting the identity "Storage Blob Data Contributor" on the account needs an ASO RoleAssignment
// (authorization.azure.com), whose CRD this project does not bundle yet: the platform team grants it.
import { createHash } from 'crypto';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AsoCredential,
  AsoCredentialScope,
  PostgresFlexibleServer,
  ResourceGroup,
  SealedSecretSource,
  secretEnvValue,
  StorageAccount,
  UserAssignedIdentity,
} from '../../lib/aso';
import { GitOpsApp, Repo } from '../../lib';
import { flaskFrontend } from './flask';

export const REFERENCE_APP_REPO_URL = 'https://github.com/contoso/reference-app';
const NAMESPACE = 'files';
/** The OIDC issuer of the cluster the app runs on (`az aks show --query oidcIssuerProfile.issuerUrl`). */
const OIDC_ISSUER = 'https://westeurope.oic.prod-aks.azure.com/11111111-2222-3333-4444-555555555555/66666666-7777-8888-9999-000000000000/';

/**
 * Stand-in for kubeseal output (deterministic base64 of the right length). Replace each value by
 * `echo -n <value> | kubeseal --raw --namespace files --name <secret> --from-file=/dev/stdin`.
 */
export function placeholderCiphertext(label: string): string {
  let out = Buffer.alloc(0);
  for (let i = 0; out.length < 512; i++) out = Buffer.concat([out, createHash('sha256').update(`${label}/${i}`).digest()]);
  return out.toString('base64');
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
  });
  const team = new AsoCredentialScope(azure, 'Files', { namespace: NAMESPACE, credential });

  const rg = new ResourceGroup(team, 'ResourceGroup', {
    name: 'rg-files-prod-weu',
    location: 'westeurope',
    tags: { app: 'files', environment: 'prod' },
  });

  const dbAdmin = new SealedSecretSource(team, 'DbAdminPassword', {
    name: 'files-db-admin',
    encryptedData: { password: placeholderCiphertext('files-db-admin/password') },
  });
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
  // The cluster's egress IP (its NAT gateway / load balancer outbound IP); turns public access on.
  server.firewallRule('aks-egress', { startIpAddress: '20.50.10.10' });

  const storage = new StorageAccount(team, 'Storage', { name: 'stfilesprodweu', resourceGroup: rg });
  const container = storage.container('uploads');

  const identity = new UserAssignedIdentity(team, 'Identity', { name: 'id-files-web', resourceGroup: rg });

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
      AZURE_CLIENT_ID: identity.exports.clientId.envValue(frontend),
      AZURE_TENANT_ID: identity.exports.tenantId.envValue(frontend),
    },
  });
}

// Fuzz targets of the Azure Service Operator constructs (including the AKS ManagedCluster/AgentPool).
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { AzureBuiltInRole } from '../../../lib/core/azure-roles';
import { addProvided } from '../../../lib/core/references';
import { RemovalPolicy } from '../../../lib/core/removal-policy';
import {
  AgentPool,
  AksNetworkDataplane,
  AksNetworkPlugin,
  AksNetworkPolicy,
  AksNodeOsUpgradeChannel,
  AksNodePoolMode,
  AksNodePoolProps,
  AksOsDiskType,
  AksOsSku,
  AksOsType,
  AksOutboundType,
  AksSkuTier,
  AksUpgradeChannel,
  AsoCredential,
  AsoCredentialScope,
  IResourceGroup,
  KeyVault,
  KeyVaultSku,
  ManagedCluster,
  PostgresFlexibleServer,
  PostgresHighAvailability,
  PostgresTier,
  PostgresVersion,
  Principal,
  PrincipalType,
  PrivateDnsZone,
  PrivateDnsZoneNames,
  PrivateEndpoint,
  ResourceGroup,
  RoleAssignment,
  StorageAccessTier,
  StorageAccount,
  StorageAccountKind,
  StorageAccountSku,
  StorageService,
  UserAssignedIdentity,
  VirtualNetwork,
} from '../../../lib/aso';
import { FuzzContext, FuzzTarget, target } from '../harness';
import { chance, cidr, dnsLabel, guid, ipv4, k8sName, location, mostly, oddString, opt, smallInt, stringMap } from './common';
import { SEALED_CIPHERTEXT } from '../../support/ciphertext';

const CIPHER = SEALED_CIPHERTEXT;
const SUB = '00000000-0000-0000-0000-000000000000';
const GUID_A = '72f988bf-86f1-41af-91ab-2d7cd011db47';

const enumOf = <T extends string>(e: Record<string, T>) => fc.constantFrom(...Object.values(e));
const namespace = () => opt(fc.oneof({ weight: 6, arbitrary: fc.constantFrom('apps', 'data') }, { weight: 1, arbitrary: k8sName() }), 4);
const removalPolicy = () => opt(enumOf(RemovalPolicy), 3);
const tags = () => opt(fc.oneof(
  { weight: 4, arbitrary: stringMap(fc.constantFrom('env', 'cost-center', 'owner'), dnsLabel) },
  { weight: 1, arbitrary: stringMap(fc.constantFrom('a/b', '<x>', '', 'ok'), fc.oneof(oddString, fc.constant('v'.repeat(257)))) },
), 3);

/** Azure names: mostly within the family's usual rules, plus uppercase, "_", ".", "()", long and short ones. */
function azureName(valid: fc.Arbitrary<string>, azureOnly?: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 12, arbitrary: valid },
    { weight: azureOnly ? 2 : 0, arbitrary: azureOnly ?? valid },
    { weight: 1, arbitrary: fc.constantFrom('a', 'ab', 'a'.repeat(24), 'a'.repeat(25), 'a'.repeat(63), 'a'.repeat(64), 'a'.repeat(90), 'a'.repeat(91), 'A-b_c.d', 'rg(1)', 'x--y', 'end.', '-start', 'end-') },
    { weight: 1, arbitrary: oddString },
  );
}

/** The owner: a ResourceGroup construct (same or other namespace) or an ARM id (valid or not). */
const ownerSpec = () => fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('construct' as const), namespace: opt(namespace(), 4) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('armId' as const), id: fc.constantFrom(`/subscriptions/${SUB}/resourceGroups/rg-x`, '/subscriptions/x/resourceGroups/rg', 'rg-x') }) },
);
type OwnerSpec = typeof ownerSpec extends () => fc.Arbitrary<infer T> ? T : never;

function owner(ctx: FuzzContext, o: OwnerSpec, defaultNs?: string): IResourceGroup | string {
  if (o.kind === 'armId') return o.id;
  return new ResourceGroup(ctx.folder, 'rg', { name: 'rg-fuzz', location: 'westeurope', namespace: o.namespace ?? defaultNs });
}

const credentialFrom = () => opt(fc.oneof(fc.constant('aso-credential'), k8sName()), 5);

const resourceGroupSpec = fc.record({
  name: azureName(fc.stringMatching(/^[a-z0-9][-a-z0-9]{0,14}[a-z0-9]$/), fc.stringMatching(/^[-\w.()]{0,20}[-\w()]$/)), kubernetesName: opt(k8sName(), 4), location: location(), tags: tags(),
  namespace: namespace(), removalPolicy: removalPolicy(), credentialFrom: credentialFrom(),
});

const storageSpec = fc.record({
  name: azureName(fc.stringMatching(/^[a-z0-9]{3,24}$/)), kubernetesName: opt(k8sName(), 5), owner: ownerSpec(), namespace: namespace(), location: opt(location(), 4),
  kind: opt(enumOf(StorageAccountKind), 3), sku: opt(enumOf(StorageAccountSku), 3), accessTier: opt(enumOf(StorageAccessTier), 4),
  allowSharedKeyAccess: opt(fc.boolean()), publicNetworkAccess: opt(fc.boolean()), hierarchicalNamespace: opt(fc.boolean()),
  blobServiceOptions: opt(fc.record({ deleteRetentionDays: opt(smallInt(0, 365)), containerDeleteRetentionDays: opt(smallInt(0, 365)), versioning: opt(fc.boolean()) }), 3),
  containers: fc.array(azureName(fc.stringMatching(/^[a-z0-9]([a-z0-9-]{1,10}[a-z0-9])$/)), { maxLength: 3 }),
  useEndpoint: fc.boolean(), useKey: mostly(15), tags: tags(), removalPolicy: removalPolicy(),
});

const keyVaultSpec = fc.record({
  name: azureName(fc.stringMatching(/^[a-z][a-z0-9]{1,10}[a-z0-9]$/), fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9]{1,10}[a-zA-Z0-9]$/)), kubernetesName: opt(k8sName(), 4), owner: ownerSpec(), namespace: namespace(), location: opt(location(), 4),
  tenant: fc.oneof({ weight: 4, arbitrary: guid() }, { weight: 1, arbitrary: fc.record({ fromIdentityIn: namespace() }) }),
  sku: opt(enumOf(KeyVaultSku), 3), softDeleteRetentionDays: opt(smallInt(7, 90), 3), purgeProtection: opt(fc.boolean(), 3),
  publicNetworkAccess: opt(fc.boolean()), tags: tags(), removalPolicy: removalPolicy(),
});

const postgresSpec = fc.record({
  name: azureName(fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,10}[a-z0-9]$/)), kubernetesName: opt(k8sName(), 5), owner: ownerSpec(), namespace: namespace(), location: opt(location(), 4),
  version: opt(fc.constantFrom('11', '12', '13', '14', '15', '16') as fc.Arbitrary<PostgresVersion>, 3),
  skuName: opt(fc.constantFrom('Standard_B1ms', 'Standard_B2s', 'Standard_D2ds_v5', 'Standard_E4ds_v5', 'B1ms', 'Standard_', 'Standard_M8ms'), 5),
  tier: opt(enumOf(PostgresTier), 6), storageSizeGB: opt(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(32, 64, 128, 1024, 32767) }, { weight: 1, arbitrary: smallInt(1, 40000) }), 3),
  storageAutoGrow: opt(fc.boolean(), 3), backupRetentionDays: opt(smallInt(7, 35), 3), geoRedundantBackup: opt(fc.boolean(), 3),
  highAvailability: opt(enumOf(PostgresHighAvailability), 6), availabilityZone: opt(fc.constantFrom('1', '2', '3', '4', ''), 4),
  authentication: opt(fc.record({ password: opt(mostly(80)), entraId: opt(fc.boolean()), tenantId: opt(guid(), 3) }), 4),
  administratorLogin: fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom('filesadmin', 'app_owner') },
    { weight: 1, arbitrary: fc.constantFrom('admin', 'pg_x', '1abc', 'azure_superuser', 'a'.repeat(64)) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  ),
  passwordKey: fc.oneof({ weight: 12, arbitrary: fc.constant('password') }, { weight: 1, arbitrary: oddString }, { weight: 1, arbitrary: fc.constant(undefined) }),
  delegated: opt(fc.record({ namespace: namespace(), delegate: mostly(80) }), 4),
  privateDnsZoneArmId: opt(fc.constantFrom(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/x.postgres.database.azure.com`, 'zone'), 5),
  databases: fc.array(fc.record({ name: azureName(fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/)), charset: opt(fc.constantFrom('UTF8', 'utf-8', '')), collation: opt(fc.constantFrom('en_US.utf8', 'C', '1x')) }), { maxLength: 2 }),
  firewallRules: fc.array(fc.record({ name: azureName(fc.stringMatching(/^[-\w]{1,12}$/)), start: ipv4(), end: opt(ipv4()) }), { maxLength: 2 }),
  configurations: fc.array(fc.record({ name: fc.oneof(fc.constantFrom('pgaudit.log', 'max_connections', 'Bad Name'), oddString), value: fc.constantFrom('on', '100', '') }), { maxLength: 2 }),
  useFqdn: fc.boolean(), tags: tags(), removalPolicy: removalPolicy(),
});

const identitySpec = fc.record({
  name: azureName(fc.stringMatching(/^[a-z0-9][-a-z0-9]{1,10}[a-z0-9]$/), fc.stringMatching(/^[a-zA-Z0-9][-\w]{2,12}$/)), kubernetesName: opt(k8sName(), 4), owner: ownerSpec(), namespace: namespace(), location: opt(location(), 4),
  federations: fc.array(fc.record({
    name: azureName(fc.stringMatching(/^[a-zA-Z0-9][-\w]{2,12}$/)),
    issuer: fc.oneof(fc.constantFrom('https://oidc.prod-aks.azure.com/00000000-0000-0000-0000-000000000000/', 'https://issuer.example.com', 'http://issuer.example.com', 'issuer', '')),
    serviceAccount: fc.oneof(
      { weight: 4, arbitrary: fc.record({ name: k8sName(), namespace: fc.oneof(fc.constant('apps'), k8sName()) }) },
      { weight: 1, arbitrary: fc.record({ plus: fc.constant(true as const), name: k8sName() }) },
    ),
    audiences: opt(fc.array(fc.constantFrom('api://AzureADTokenExchange', ''), { maxLength: 2 }), 4),
  }), { maxLength: 2 }),
  useClientId: fc.boolean(), tags: tags(), removalPolicy: removalPolicy(),
});

const vnetSpec = fc.record({
  name: azureName(fc.stringMatching(/^[a-z0-9][-a-z0-9]{0,10}[a-z0-9]$/), fc.stringMatching(/^[a-zA-Z0-9][-\w.]{0,10}\w$/)), kubernetesName: opt(k8sName(), 4), owner: ownerSpec(), namespace: namespace(), location: opt(location(), 4),
  addressSpace: fc.oneof({ weight: 3, arbitrary: fc.constant(['10.0.0.0/16'] as string[]) }, { weight: 2, arbitrary: fc.array(cidr(), { minLength: 0, maxLength: 3 }) }), dnsServers: opt(fc.array(ipv4(), { maxLength: 2 }), 4),
  subnets: fc.array(fc.record({
    name: azureName(fc.stringMatching(/^[a-zA-Z0-9][-\w.]{0,8}\w$/)),
    addressPrefix: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 3 }).map((i) => `10.0.${i}.0/24`) }, { weight: 2, arbitrary: cidr() }),
    delegations: opt(fc.array(fc.constantFrom('Microsoft.DBforPostgreSQL/flexibleServers', 'Microsoft.Web/serverFarms', 'postgres'), { maxLength: 2 }), 3),
    serviceEndpoints: opt(fc.array(fc.constantFrom('Microsoft.Storage', 'Microsoft.KeyVault', ''), { maxLength: 2 }), 3),
    defaultOutboundAccess: opt(fc.boolean(), 3),
  }), { maxLength: 3 }),
  tags: tags(), removalPolicy: removalPolicy(),
});

const credentialSpec = fc.record({
  name: opt(k8sName(), 3), namespace: namespace(),
  keys: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom<string[]>(['AZURE_SUBSCRIPTION_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET'], ['AZURE_SUBSCRIPTION_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'USE_WORKLOAD_IDENTITY_AUTH']) },
    { weight: 1, arbitrary: fc.subarray<string>(['AZURE_SUBSCRIPTION_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'USE_WORKLOAD_IDENTITY_AUTH', 'OTHER']) },
  ),
  plaintextKey: opt(fc.constantFrom('AZURE_CLIENT_SECRET', 'AZURE_CLIENT_ID'), 4),
});

/** AKS node pools (shared with the CAPI targets). */
export const poolSpec = fc.record({
  name: fc.oneof({ weight: 8, arbitrary: fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/) }, { weight: 1, arbitrary: fc.constantFrom('a'.repeat(12), 'a'.repeat(13), 'Pool', '1pool', 'win1234', '') }),
  mode: opt(enumOf(AksNodePoolMode), 2), vmSize: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('Standard_D4s_v5', 'Standard_B2s') }, { weight: 1, arbitrary: fc.constantFrom('', 'Standard D4', 'x') }),
  osType: opt(enumOf(AksOsType), 5), count: opt(smallInt(0, 10), 3), autoscaling: opt(fc.record({ min: smallInt(0, 5), max: smallInt(1, 10) }), 4),
  zones: opt(fc.array(fc.constantFrom('1', '2', '3', '4'), { maxLength: 3 }), 3), osDiskType: opt(enumOf(AksOsDiskType), 4),
  osDiskSizeGb: opt(smallInt(30, 2048), 4), osSku: opt(enumOf(AksOsSku), 4), maxPods: opt(smallInt(10, 250), 4),
  labels: opt(stringMap(fc.constantFrom('workload', 'team'), fc.oneof(dnsLabel, oddString)), 4),
  taints: opt(fc.array(fc.constantFrom('dedicated=gpu:NoSchedule', 'gpu:NoExecute', 'dedicated=gpu', 'a=b:Maybe'), { maxLength: 2 }), 4),
  vnetSubnetId: opt(fc.constantFrom(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s`, 'subnet-1'), 5),
});

/** Kubernetes versions: v<major>.<minor>.<patch> and near misses. */
export const k8sVersion = () => fc.oneof({ weight: 6, arbitrary: fc.constantFrom('v1.33.2', 'v1.32.0', 'v1.31.10') }, { weight: 1, arbitrary: fc.constantFrom('1.33.2', 'v1.33', 'v1.33.02', 'latest', '') });

const clusterSpec = fc.record({
  name: k8sName(), namespace: namespace(), resourceGroupName: fc.oneof(fc.constant('rg-aks'), k8sName()), provideRg: mostly(85),
  location: location(), kubernetesVersion: opt(k8sVersion(), 3), dnsPrefix: opt(fc.oneof({ weight: 6, arbitrary: dnsLabel }, { weight: 1, arbitrary: oddString }, { weight: 1, arbitrary: fc.constantFrom('a'.repeat(54), 'a'.repeat(55)) }), 4),
  skuTier: opt(enumOf(AksSkuTier), 3),
  network: opt(fc.record({
    plugin: opt(enumOf(AksNetworkPlugin), 3), overlay: opt(fc.boolean(), 3), dataplane: opt(enumOf(AksNetworkDataplane), 3), policy: opt(enumOf(AksNetworkPolicy), 3),
    podCidr: opt(cidr(), 3), serviceCidr: opt(cidr(), 3), dnsServiceIp: opt(fc.oneof(fc.constantFrom('10.0.0.10', '10.96.0.10'), ipv4()), 3),
    outboundType: opt(enumOf(AksOutboundType), 3),
    vnetSubnetId: opt(fc.constantFrom(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s`, 'subnet'), 5),
  }), 2),
  entraId: opt(fc.boolean(), 3), azureRbac: opt(fc.boolean(), 3), adminGroupObjectIds: opt(fc.array(guid(), { maxLength: 2 }), 3), tenantId: opt(guid(), 4),
  disableLocalAccounts: opt(fc.boolean(), 3), oidcIssuer: opt(fc.boolean(), 3), workloadIdentity: opt(fc.boolean(), 3),
  upgradeChannel: opt(enumOf(AksUpgradeChannel), 3), nodeOsUpgradeChannel: opt(enumOf(AksNodeOsUpgradeChannel), 3), azurePolicy: opt(fc.boolean(), 3),
  apiServerAccess: opt(fc.record({ authorizedIpRanges: opt(fc.array(fc.oneof(cidr(), ipv4()), { maxLength: 2 })), managementIpRanges: opt(fc.array(ipv4(), { maxLength: 1 })), privateCluster: opt(fc.boolean()) }), 3),
  tags: tags(), nodePools: fc.array(poolSpec, { maxLength: 3 }), systemFirst: mostly(80), credentialFrom: opt(k8sName(), 4), removalPolicy: removalPolicy(),
  useOidc: mostly(30),
});


const TEAM_SUB = '3f2b8c1e-5d47-4a9e-9c61-2b7e0d4f8a90';

/** A team scope (namespace apps, credential by name) with a resource group, storage account (+ container), key vault and identity. */
function accessFixture(ctx: FuzzContext, subscriptionId: string | undefined) {
  const scope = new AsoCredentialScope(ctx.folder, 'team', { namespace: 'apps', credential: 'aso-credential-apps', subscriptionId });
  const rg = new ResourceGroup(scope, 'rg', { name: 'rg-app', location: 'westeurope' });
  const account = new StorageAccount(scope, 'st', { name: 'stapp', resourceGroup: rg });
  const container = account.container('uploads');
  const vault = new KeyVault(scope, 'kv', { name: 'kv-app', resourceGroup: rg, tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' });
  const identity = new UserAssignedIdentity(scope, 'id', { name: 'id-app', resourceGroup: rg });
  return { scope, rg, account, container, vault, identity };
}

const roleSpec = fc.record({
  scopeSubscription: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(TEAM_SUB, '3F2B8C1E-5D47-4A9E-9C61-2B7E0D4F8A90') }, { weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constant('not-a-sub') }),
  target: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('rg', 'account', 'container', 'vault', 'identity') },
    { weight: 2, arbitrary: fc.constantFrom(`/subscriptions/${TEAM_SUB}`, `/subscriptions/${TEAM_SUB}/resourceGroups/rg-x`, `/subscriptions/${TEAM_SUB}/resourceGroups/rg-x/providers/Microsoft.Storage/storageAccounts/st`) },
    { weight: 1, arbitrary: fc.constantFrom('/subscriptions/x/resourceGroups/rg', 'rg-x', '', `/subscriptions/${TEAM_SUB}/resourceGroups`) },
  ),
  principal: fc.oneof(
    { weight: 5, arbitrary: fc.constant('identity') },
    { weight: 1, arbitrary: fc.constant('identityOtherNamespace') },
    { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('servicePrincipal', 'group', 'user') as fc.Arbitrary<'group'>, id: guid() }) },
    { weight: 1, arbitrary: fc.constantFrom('badType', 'noId') },
  ),
  role: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...Object.values(AzureBuiltInRole)) },
    { weight: 2, arbitrary: fc.constantFrom(`/subscriptions/${TEAM_SUB}/providers/Microsoft.Authorization/roleDefinitions/${AzureBuiltInRole.READER}`, 'ACDD72A7-3385-48EF-BD42-F606FBA81AE7', '11111111-2222-3333-4444-555555555555') },
    { weight: 1, arbitrary: fc.constantFrom('Reader', '', '/providers/Microsoft.Authorization/roleDefinitions/x') },
  ),
  via: fc.constantFrom('construct', 'grant', 'grant', 'grantNamed'),
  twice: chance(10),
  subscriptionId: opt(fc.constantFrom(TEAM_SUB, '00000000-0000-0000-0000-000000000002', 'sub'), 4),
  kubernetesName: opt(k8sName(), 4), description: opt(fc.oneof(fc.constant('access for the app'), oddString), 4),
  removalPolicy: removalPolicy(), azureName: opt(guid(), 5),
});

const endpointSpec = fc.record({
  host: fc.constantFrom('storage', 'vault', 'direct'),
  subnet: fc.oneof(
    { weight: 6, arbitrary: fc.constant('construct') },
    { weight: 2, arbitrary: fc.constantFrom(`/subscriptions/${TEAM_SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pe`, 'delegated') },
    { weight: 1, arbitrary: fc.constantFrom('subnet-pe', '', `/subscriptions/${TEAM_SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet`) },
  ),
  zone: fc.oneof(
    { weight: 6, arbitrary: fc.constant('matching') },
    { weight: 2, arbitrary: fc.constantFrom('none', 'elsewhere', 'armId', 'both') },
    { weight: 1, arbitrary: fc.constantFrom('wrong', 'badArmId') },
  ),
  service: opt(fc.constantFrom(...Object.values(StorageService)), 3),
  groupId: fc.oneof({ weight: 5, arbitrary: fc.constantFrom('blob', 'vault', 'sqlServer') }, { weight: 1, arbitrary: fc.constantFrom('', 'blob storage', '1x') }),
  name: opt(azureName(fc.stringMatching(/^[a-z][-a-z0-9]{1,20}[a-z0-9]$/)), 3), kubernetesName: opt(k8sName(), 5),
  location: opt(location(), 4), tags: tags(), removalPolicy: removalPolicy(), otherNamespace: chance(8),
});

const dnsZoneSpec = fc.record({
  name: fc.oneof(
    { weight: 14, arbitrary: fc.constantFrom(...Object.values(PrivateDnsZoneNames), 'contoso.internal') },
    { weight: 1, arbitrary: fc.constantFrom('a', 'localhost', 'x..y', '-a.com', 'A.B.COM', `${'a'.repeat(64)}.com`, 'under_score.com') },
    { weight: 1, arbitrary: oddString },
  ),
  kubernetesName: opt(k8sName(), 4), owner: ownerSpec(), tags: tags(), removalPolicy: removalPolicy(),
  links: fc.array(fc.record({
    name: azureName(fc.stringMatching(/^[a-z][-a-z0-9]{0,10}[a-z0-9]$/), fc.stringMatching(/^[A-Za-z0-9][-\w.]{0,10}\w$/)),
    virtualNetwork: fc.oneof(
      { weight: 4, arbitrary: fc.constant('construct') },
      { weight: 2, arbitrary: fc.constantFrom(`/subscriptions/${TEAM_SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub`, 'otherNamespace') },
      { weight: 1, arbitrary: fc.constantFrom('vnet-hub', '') },
    ),
    registrationEnabled: opt(fc.boolean(), 3), resolutionPolicy: opt(fc.constantFrom('Default', 'NxDomainRedirect', 'Fallback') as fc.Arbitrary<'Default'>, 3),
    kubernetesName: opt(k8sName(), 6), tags: tags(),
  }), { maxLength: 3 }),
});

export type PoolSpec = typeof poolSpec extends fc.Arbitrary<infer T> ? T : never;
const pool = (p: PoolSpec): AksNodePoolProps => p;

export const ASO_TARGETS: FuzzTarget[] = [
  target({
    name: 'ResourceGroup', family: 'aso', arbitrary: resourceGroupSpec,
    build: (ctx, s) => void new ResourceGroup(ctx.folder, 'rg', s),
  }),
  target({
    name: 'StorageAccount', family: 'aso', arbitrary: storageSpec,
    build: (ctx, s) => {
      const st = new StorageAccount(ctx.folder, 'st', { ...s, resourceGroup: owner(ctx, s.owner, s.namespace) });
      for (const c of s.containers) st.container(c);
      const app = new kplus.Deployment(ctx.folder, 'app', { containers: [{ image: 'nginx', securityContext: { ensureNonRoot: false } }] });
      if (s.useEndpoint) app.containers[0].env.addVariable('BLOB', st.exports.blobEndpoint.envValue(app));
      if (s.useKey) app.containers[0].env.addVariable('KEY', st.exports.key1.envValue(app));
    },
  }),
  target({
    name: 'KeyVault', family: 'aso', arbitrary: keyVaultSpec,
    build: (ctx, s) => {
      const tenantId = typeof s.tenant === 'string'
        ? s.tenant
        : new UserAssignedIdentity(ctx.folder, 'id', { name: 'id-fuzz', namespace: s.tenant.fromIdentityIn, resourceGroup: `/subscriptions/${SUB}/resourceGroups/rg-id`, location: 'westeurope' }).exports.tenantId;
      new KeyVault(ctx.folder, 'kv', { ...s, tenantId, resourceGroup: owner(ctx, s.owner, s.namespace) });
    },
  }),
  target({
    name: 'PostgresFlexibleServer', family: 'aso', arbitrary: postgresSpec,
    build: (ctx, s) => {
      let delegatedSubnet;
      if (s.delegated) {
        const vnet = new VirtualNetwork(ctx.folder, 'vnet', { name: 'vnet-fuzz', namespace: s.delegated.namespace, resourceGroup: `/subscriptions/${SUB}/resourceGroups/rg-net`, location: 'westeurope', addressSpace: ['10.0.0.0/16'] });
        delegatedSubnet = vnet.subnet('pg', { namespace: s.delegated.namespace, addressPrefix: '10.0.1.0/24', delegations: s.delegated.delegate ? ['Microsoft.DBforPostgreSQL/flexibleServers'] : [] });
      }
      const { passwordKey, owner: o, delegated, databases, firewallRules, configurations, useFqdn, ...props } = s;
      void delegated;
      const server = new PostgresFlexibleServer(ctx.folder, 'pg', {
        ...props, resourceGroup: owner(ctx, o, s.namespace), delegatedSubnet,
        administratorPassword: passwordKey !== undefined ? { secret: 'pg-admin', key: passwordKey } : undefined,
      });
      for (const d of databases) server.database(d.name, { charset: d.charset, collation: d.collation });
      for (const f of firewallRules) server.firewallRule(f.name, { startIpAddress: f.start, endIpAddress: f.end });
      for (const c of configurations) server.configuration(c.name, c.value);
      if (useFqdn) server.exports.fqdn.use(ctx.folder, 'env');
    },
  }),
  target({
    name: 'UserAssignedIdentity', family: 'aso', arbitrary: identitySpec,
    build: (ctx, s) => {
      const id = new UserAssignedIdentity(ctx.folder, 'id', { ...s, resourceGroup: owner(ctx, s.owner, s.namespace) });
      s.federations.forEach((f, i) => {
        const serviceAccount = 'plus' in f.serviceAccount
          ? new kplus.ServiceAccount(ctx.folder, `sa${i}`, { metadata: { name: f.serviceAccount.name } })
          : f.serviceAccount;
        id.federate(f.name, { issuer: f.issuer, serviceAccount, audiences: f.audiences });
      });
      if (s.useClientId) id.exports.clientId.use(ctx.folder, 'env');
    },
  }),
  target({
    name: 'VirtualNetwork', family: 'aso', arbitrary: vnetSpec,
    build: (ctx, s) => {
      const vnet = new VirtualNetwork(ctx.folder, 'vnet', { ...s, resourceGroup: owner(ctx, s.owner, s.namespace) });
      for (const sub of s.subnets) vnet.subnet(sub.name, { ...sub, namespace: s.namespace });
    },
  }),
  target({
    name: 'RoleAssignment', family: 'aso', arbitrary: roleSpec,
    build: (ctx, s) => {
      const f = accessFixture(ctx, s.scopeSubscription);
      const other = new UserAssignedIdentity(ctx.folder, 'other-id', { name: 'id-other', namespace: 'data', resourceGroup: `/subscriptions/${TEAM_SUB}/resourceGroups/rg-data`, location: 'westeurope' });
      const p = s.principal;
      const principal: any = p === 'identity' ? f.identity : p === 'identityOtherNamespace' ? other
        : p === 'badType' ? { principalId: GUID_A, principalType: 'Robot', principalName: 'robot' } : p === 'noId' ? { principalType: PrincipalType.USER, principalName: 'x' }
          : Principal[p.kind](p.id);
      const options = { subscriptionId: s.subscriptionId, kubernetesName: s.kubernetesName, description: s.description, removalPolicy: s.removalPolicy };
      const resource = typeof s.target === 'string' && s.target in f ? (f as any)[s.target] : undefined;
      const times = s.twice ? 2 : 1;
      for (let i = 0; i < times; i++) {
        if (s.via === 'construct' || !resource) {
          new RoleAssignment(f.scope, `ra${i}`, { ...options, scope: resource ?? s.target, principal, role: s.role, azureName: s.azureName });
        } else if (s.via === 'grantNamed' && (s.target === 'account' || s.target === 'container')) {
          resource.grantBlobDataReader(principal, options);
        } else if (s.via === 'grantNamed' && s.target === 'vault') {
          resource.grantSecretsUser(principal, options);
        } else {
          resource.grant(principal, s.role, options);
        }
      }
    },
  }),
  target({
    name: 'PrivateEndpoint', family: 'aso', arbitrary: endpointSpec,
    build: (ctx, s) => {
      const rg = new ResourceGroup(ctx.folder, 'rg', { name: 'rg-app', location: 'westeurope' });
      const vnet = new VirtualNetwork(ctx.folder, 'vnet', { name: 'vnet-app', resourceGroup: s.otherNamespace ? `/subscriptions/${TEAM_SUB}/resourceGroups/rg-net` : rg, location: 'westeurope', addressSpace: ['10.0.0.0/16'], namespace: s.otherNamespace ? 'data' : undefined });
      const subnet = s.subnet === 'construct' ? vnet.subnet('endpoints', { addressPrefix: '10.0.1.0/24', namespace: s.otherNamespace ? 'data' : undefined })
        : s.subnet === 'delegated' ? vnet.subnet('pg', { addressPrefix: '10.0.2.0/24', delegations: ['Microsoft.DBforPostgreSQL/flexibleServers'] }) : s.subnet;
      const zoneName = s.host === 'vault' || (s.host === 'direct' && s.groupId === 'vault') ? PrivateDnsZoneNames.KEY_VAULT
        : `privatelink.${s.host === 'storage' ? (s.service ?? 'blob') : s.groupId}.core.windows.net`;
      const zoneOf = (name: string) => new PrivateDnsZone(ctx.folder, 'zone', { name, resourceGroup: rg });
      const privateDnsZone = s.zone === 'matching' || s.zone === 'both' ? zoneOf(zoneName) : s.zone === 'wrong' ? zoneOf('contoso.internal')
        : s.zone === 'armId' ? `/subscriptions/${TEAM_SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/${zoneName}` : s.zone === 'badArmId' ? zoneName : undefined;
      const dnsManagedElsewhere = s.zone === 'elsewhere' || s.zone === 'both' ? true : undefined;
      const options = { subnet, privateDnsZone, dnsManagedElsewhere, name: s.name, kubernetesName: s.kubernetesName, location: s.location, tags: s.tags, removalPolicy: s.removalPolicy };
      if (s.host === 'storage') {
        const account = new StorageAccount(ctx.folder, 'st', { name: 'stapp', resourceGroup: rg, publicNetworkAccess: false });
        account.addPrivateEndpoint({ ...options, service: s.service });
      } else if (s.host === 'vault') {
        const vault = new KeyVault(ctx.folder, 'kv', { name: 'kv-app', resourceGroup: rg, tenantId: GUID_A, publicNetworkAccess: false });
        vault.addPrivateEndpoint(options);
      } else {
        new PrivateEndpoint(ctx.folder, 'pe', {
          ...options, name: s.name ?? 'pe-sql', resourceGroup: rg, groupId: s.groupId,
          target: `/subscriptions/${TEAM_SUB}/resourceGroups/rg-sql/providers/Microsoft.Sql/servers/sql-app`,
        });
      }
    },
  }),
  target({
    name: 'PrivateDnsZone', family: 'aso', arbitrary: dnsZoneSpec,
    build: (ctx, s) => {
      const resourceGroup = owner(ctx, s.owner);
      const zone = new PrivateDnsZone(ctx.folder, 'zone', { name: s.name, kubernetesName: s.kubernetesName, resourceGroup, tags: s.tags, removalPolicy: s.removalPolicy });
      const ns = typeof resourceGroup === 'string' ? undefined : (s.owner as { namespace?: string }).namespace;
      const vnet = new VirtualNetwork(ctx.folder, 'vnet', { name: 'vnet-app', namespace: ns, resourceGroup: `/subscriptions/${TEAM_SUB}/resourceGroups/rg-net`, location: 'westeurope', addressSpace: ['10.0.0.0/16'] });
      const otherVnet = new VirtualNetwork(ctx.folder, 'vnet-other', { name: 'vnet-other', namespace: 'data', resourceGroup: `/subscriptions/${TEAM_SUB}/resourceGroups/rg-net`, location: 'westeurope', addressSpace: ['10.1.0.0/16'] });
      for (const l of s.links) {
        const { virtualNetwork, name, ...rest } = l;
        zone.linkVirtualNetwork(name, { ...rest, virtualNetwork: virtualNetwork === 'construct' ? vnet : virtualNetwork === 'otherNamespace' ? otherVnet : virtualNetwork });
      }
    },
  }),
  target({
    name: 'AsoCredential', family: 'aso', arbitrary: credentialSpec,
    build: (ctx, s) => {
      const encryptedData = Object.fromEntries(s.keys.map((k) => [k, k === s.plaintextKey ? 'not-encrypted' : CIPHER]));
      new AsoCredential(ctx.folder, 'cred', { name: s.name, namespace: s.namespace, encryptedData });
    },
  }),
  target({
    name: 'ManagedCluster', family: 'aso', arbitrary: clusterSpec,
    build: (ctx, s) => {
      if (s.provideRg) addProvided(ctx.folder, { apiGroup: 'resources.azure.com', kind: 'ResourceGroup', name: s.resourceGroupName, namespace: s.namespace ?? 'apps' });
      const pools = s.nodePools.map(pool);
      if (s.systemFirst) pools.unshift({ name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5' });
      const aks = new ManagedCluster(ctx.folder, 'aks', { ...s, nodePools: pools });
      if (s.useOidc && aks.exports.oidcIssuer) aks.exports.oidcIssuer.use(ctx.folder, 'issuer');
    },
  }),
  target({
    name: 'AgentPool', family: 'aso',
    arbitrary: fc.record({ pool: poolSpec, kubernetesVersion: opt(k8sVersion(), 3), kubernetesName: opt(k8sName(), 4), credentialFrom: opt(k8sName(), 4), removalPolicy: removalPolicy() }),
    build: (ctx, s) => {
      addProvided(ctx.folder, { apiGroup: 'resources.azure.com', kind: 'ResourceGroup', name: 'rg-aks', namespace: 'apps' });
      const cluster = new ManagedCluster(ctx.folder, 'aks', { name: 'aks-dev', resourceGroupName: 'rg-aks', location: 'westeurope', nodePools: [{ name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5' }] });
      new AgentPool(ctx.folder, 'pool', { ...pool(s.pool), cluster, kubernetesVersion: s.kubernetesVersion, kubernetesName: s.kubernetesName, credentialFrom: s.credentialFrom, removalPolicy: s.removalPolicy });
    },
  }),
];

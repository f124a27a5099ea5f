// Bad inputs of the Azure Service Operator constructs (including the AKS ManagedCluster/AgentPool).
import { ExistingSecret } from '../../../lib';
import { DNS_LABEL, DNS_SUBDOMAIN } from '../../../lib/core/errors';
import {
  AgentPool,
  AksNetworkPlugin,
  AksNodePoolMode,
  AksNodePoolProps,
  AksOsType,
  AsoCredential,
  AsoCredentialScope,
  KeyVault,
  ManagedCluster,
  ManagedClusterProps,
  PostgresFlexibleServer,
  PostgresFlexibleServerProps,
  PostgresHighAvailability,
  PostgresTier,
  ResourceGroup,
  StorageAccount,
  StorageAccountSku,
  UserAssignedIdentity,
  VirtualNetwork,
} from '../../../lib/aso';
import { CorpusCase, CorpusContext } from '../harness';
import { SEALED_CIPHERTEXT } from '../../support/ciphertext';

const UNRESOLVED = 'which is not an object of the app; create it, or declare an existing one with the kind\'s fromName(...) import';
/** A string that passes the SealedSecret ciphertext check. */
const CIPHER = SEALED_CIPHERTEXT;
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

function rg(ctx: CorpusContext, props: Partial<ConstructorParameters<typeof ResourceGroup>[2]> = {}): ResourceGroup {
  return new ResourceGroup(ctx.folder, 'rg', { name: 'rg-files', location: 'westeurope', ...props });
}

function pg(ctx: CorpusContext, props: Partial<PostgresFlexibleServerProps> = {}): PostgresFlexibleServer {
  return new PostgresFlexibleServer(ctx.folder, 'pg', {
    name: 'files-pg', resourceGroup: rg(ctx), administratorLogin: 'filesadmin', administratorPassword: { secret: 'files-pg-admin', key: 'password' }, ...props,
  });
}

const SYSTEM: AksNodePoolProps = { name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5' };
const USER: AksNodePoolProps = { name: 'user', vmSize: 'Standard_D4s_v5' };

function aks(ctx: CorpusContext, props: Partial<ManagedClusterProps> = {}): ManagedCluster {
  rg(ctx, { name: 'rg-aks' });
  return new ManagedCluster(ctx.folder, 'aks', { name: 'aks-dev', resourceGroupName: 'rg-aks', location: 'westeurope', nodePools: [SYSTEM], ...props });
}

const poolCase = (id: string, title: string, prop: string, rule: string, nodePools: AksNodePoolProps[]): CorpusCase => ({
  id, title, category: 'pools', stage: 'construct', path: 'platform/apps/aks', prop, rule, build: (ctx) => aks(ctx, { nodePools }),
});

export const ASO_CASES: CorpusCase[] = [
  // Azure naming rules
  {
    id: 'aso-storage-name-hyphen', title: 'storage account name with "-"', category: 'azure-naming', stage: 'construct',
    path: 'platform/apps/st', prop: 'name', rule: '"st-files" is invalid: must be 3-24 lowercase letters and digits',
    build: (ctx) => new StorageAccount(ctx.folder, 'st', { name: 'st-files', resourceGroup: rg(ctx) }),
  },
  {
    id: 'aso-storage-name-too-short', title: 'storage account name of 2 characters', category: 'azure-naming', stage: 'construct',
    path: 'platform/apps/st', prop: 'name', rule: '"st" is invalid: must be 3-24 lowercase letters and digits',
    build: (ctx) => new StorageAccount(ctx.folder, 'st', { name: 'st', resourceGroup: rg(ctx) }),
  },
  {
    id: 'aso-storage-name-too-long', title: 'storage account name of 25 characters', category: 'azure-naming', stage: 'construct',
    path: 'platform/apps/st', prop: 'name', rule: `"${'s'.repeat(25)}" is invalid: must be 3-24 lowercase letters and digits`,
    build: (ctx) => new StorageAccount(ctx.folder, 'st', { name: 's'.repeat(25), resourceGroup: rg(ctx) }),
  },
  {
    id: 'aso-key-vault-double-hyphen', title: 'key vault name with consecutive hyphens', category: 'azure-naming', stage: 'construct',
    path: 'platform/apps/kv', prop: 'name',
    rule: '"kv--files" is invalid: must be 3-24 letters, digits and hyphens, starting with a letter, ending with a letter or digit, without consecutive hyphens',
    build: (ctx) => new KeyVault(ctx.folder, 'kv', { name: 'kv--files', resourceGroup: rg(ctx), tenantId: TENANT }),
  },
  {
    id: 'aso-resource-group-trailing-period', title: 'resource group name ending with "."', category: 'azure-naming', stage: 'construct',
    path: 'platform/apps/rg', prop: 'name',
    rule: '"rg-files." is invalid: must be 1-90 letters, digits, underscores, hyphens, periods and parentheses, not ending with a period',
    build: (ctx) => rg(ctx, { name: 'rg-files.' }),
  },
  {
    id: 'aso-resource-group-needs-kubernetes-name', title: 'Azure name that is not a Kubernetes name, without kubernetesName', category: 'azure-naming', stage: 'construct',
    path: 'platform/apps/rg', prop: 'kubernetesName',
    rule: `is required because the Azure name "RG_Files" is not a valid Kubernetes object name; set it to ${DNS_SUBDOMAIN.description}`,
    build: (ctx) => rg(ctx, { name: 'RG_Files' }),
  },
  {
    id: 'aso-postgres-server-uppercase', title: 'PostgreSQL server name with uppercase letters', category: 'azure-naming', stage: 'construct',
    path: 'platform/apps/pg', prop: 'name', rule: '"Files-PG" is invalid: must be 3-63 lowercase letters, digits and hyphens, not starting or ending with a hyphen',
    build: (ctx) => pg(ctx, { name: 'Files-PG' }),
  },
  {
    id: 'aso-postgres-system-database', title: 'database named like a system database', category: 'azure-naming', stage: 'construct',
    path: 'platform/apps/pg/Database-postgres', prop: 'name', rule: '"postgres" is a system database',
    build: (ctx) => pg(ctx).database('postgres'),
  },
  {
    id: 'aso-blob-container-uppercase', title: 'blob container name with uppercase letters', category: 'azure-naming', stage: 'construct',
    path: 'platform/apps/st', prop: 'name',
    rule: '"Uploads" is invalid: must be a container name: 3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, without consecutive hyphens',
    build: (ctx) => new StorageAccount(ctx.folder, 'st', { name: 'stfiles', resourceGroup: rg(ctx) }).container('Uploads'),
  },
  {
    id: 'aso-location-display-name', title: 'location given as a display name', category: 'azure-naming', stage: 'construct',
    path: 'platform/apps/rg', prop: 'location', rule: '"West Europe" is invalid: must be an Azure region name such as "westeurope" (lowercase letters and digits)',
    build: (ctx) => rg(ctx, { location: 'West Europe' }),
  },
  {
    id: 'aso-tag-name-slash', title: 'tag name with "/"', category: 'azure-naming', stage: 'construct',
    path: 'platform/apps/rg', prop: 'tags.cost/center', rule: 'tag names must be 1-512 characters without <, >, %, &, \\, ? or /',
    build: (ctx) => rg(ctx, { tags: { 'cost/center': '42' } }),
  },
  {
    id: 'aso-postgres-reserved-login', title: 'reserved administrator login', category: 'names', stage: 'construct',
    path: 'platform/apps/pg', prop: 'administratorLogin', rule: '"azure_superuser" is reserved by Azure',
    build: (ctx) => pg(ctx, { administratorLogin: 'azure_superuser' }),
  },
  {
    id: 'aso-managed-cluster-name-uppercase', title: 'ManagedCluster name with uppercase letters', category: 'names', stage: 'construct',
    path: 'platform/apps/aks', prop: 'name', rule: `"AKS-Dev" is invalid: must be ${DNS_LABEL.description}`,
    build: (ctx) => aks(ctx, { name: 'AKS-Dev' }),
  },
  // CIDRs
  {
    id: 'aso-vnet-overlapping-address-space', title: 'overlapping VNet address spaces', category: 'cidrs', stage: 'construct',
    path: 'platform/apps/vnet', prop: 'addressSpace[1]', rule: '"10.0.128.0/17" overlaps "10.0.0.0/16"',
    build: (ctx) => new VirtualNetwork(ctx.folder, 'vnet', { name: 'vnet-apps', resourceGroup: rg(ctx), addressSpace: ['10.0.0.0/16', '10.0.128.0/17'] }),
  },
  {
    id: 'aso-vnet-host-bits', title: 'VNet CIDR with host bits set', category: 'cidrs', stage: 'construct',
    path: 'platform/apps/vnet', prop: 'addressSpace[0]', rule: '"10.0.0.1/16" has host bits set; the network address is 10.0.0.0/16',
    build: (ctx) => new VirtualNetwork(ctx.folder, 'vnet', { name: 'vnet-apps', resourceGroup: rg(ctx), addressSpace: ['10.0.0.1/16'] }),
  },
  {
    id: 'aso-vnet-prefix-too-long', title: 'VNet CIDR /30 (Azure needs /29 at most)', category: 'cidrs', stage: 'construct',
    path: 'platform/apps/vnet', prop: 'addressSpace[0]', rule: '"10.0.0.0/30": the prefix length must be between /8 and /29',
    build: (ctx) => new VirtualNetwork(ctx.folder, 'vnet', { name: 'vnet-apps', resourceGroup: rg(ctx), addressSpace: ['10.0.0.0/30'] }),
  },
  {
    id: 'aso-subnet-outside-vnet', title: 'subnet outside the VNet address space', category: 'cidrs', stage: 'construct',
    path: 'platform/apps/vnet/Subnet-aks', prop: 'addressPrefix', rule: '"10.1.0.0/24" is not inside the address space of vnet-apps (10.0.0.0/16)',
    build: (ctx) => new VirtualNetwork(ctx.folder, 'vnet', { name: 'vnet-apps', resourceGroup: rg(ctx), addressSpace: ['10.0.0.0/16'] }).subnet('aks', { addressPrefix: '10.1.0.0/24' }),
  },
  {
    id: 'aso-subnets-overlap', title: 'two overlapping subnets', category: 'cidrs', stage: 'construct',
    path: 'platform/apps/vnet/Subnet-b', prop: 'addressPrefix', rule: '"10.0.1.0/25" overlaps subnet "a" (10.0.1.0/24, platform/apps/vnet/Subnet-a)',
    build: (ctx) => {
      const vnet = new VirtualNetwork(ctx.folder, 'vnet', { name: 'vnet-apps', resourceGroup: rg(ctx), addressSpace: ['10.0.0.0/16'] });
      vnet.subnet('a', { addressPrefix: '10.0.1.0/24' });
      vnet.subnet('b', { addressPrefix: '10.0.1.0/25' });
    },
  },
  {
    id: 'aso-aks-service-cidr-overlaps-pods', title: 'AKS service CIDR overlapping the pod CIDR', category: 'cidrs', stage: 'construct',
    path: 'platform/apps/aks', prop: 'network.serviceCidr', rule: '"10.244.0.0/16" overlaps podCidr "10.244.0.0/14"',
    build: (ctx) => aks(ctx, { network: { podCidr: '10.244.0.0/14', serviceCidr: '10.244.0.0/16', dnsServiceIp: '10.244.0.10' } }),
  },
  {
    id: 'aso-aks-dns-ip-outside-service-cidr', title: 'AKS DNS service IP outside the service CIDR', category: 'cidrs', stage: 'construct',
    path: 'platform/apps/aks', prop: 'network.dnsServiceIp', rule: '"10.1.0.10" must be inside serviceCidr "10.0.0.0/16" and not its first address',
    build: (ctx) => aks(ctx, { network: { serviceCidr: '10.0.0.0/16', dnsServiceIp: '10.1.0.10' } }),
  },
  {
    id: 'aso-aks-pod-cidr-flat-cni', title: 'pod CIDR with flat Azure CNI (no overlay)', category: 'cidrs', stage: 'construct',
    path: 'platform/apps/aks', prop: 'network.podCidr', rule: 'only used with overlay or kubenet networking (flat Azure CNI takes pod IPs from the subnet)',
    build: (ctx) => aks(ctx, { network: { plugin: AksNetworkPlugin.AZURE, overlay: false, podCidr: '10.244.0.0/16' } }),
  },
  {
    id: 'aso-aks-authorized-range-host-bits', title: 'API server authorized range with host bits set', category: 'cidrs', stage: 'construct',
    path: 'platform/apps/aks', prop: 'apiServerAccess.authorizedIpRanges[0]', rule: '"10.0.0.1/8" is invalid: must be an IPv4 address or CIDR without host bits',
    build: (ctx) => aks(ctx, { apiServerAccess: { authorizedIpRanges: ['10.0.0.1/8'] } }),
  },
  // node pools
  poolCase('aso-aks-no-pools', 'ManagedCluster without node pools', 'nodePools',
    'must list at least one node pool, and one of them must be a System pool (mode: AksNodePoolMode.SYSTEM)', []),
  poolCase('aso-aks-no-system-pool', 'node pools without a System pool', 'nodePools',
    'must contain at least one System pool (mode: AksNodePoolMode.SYSTEM): AKS needs one for system pods', [USER]),
  poolCase('aso-aks-pool-name-13', 'Linux pool name of 13 characters', 'nodePools[0].name',
    '"systempool123" is invalid: must be 1-12 lowercase letters and digits, starting with a letter (Linux pool)', [{ ...SYSTEM, name: 'systempool123' }]),
  poolCase('aso-aks-windows-pool-name-7', 'Windows pool name of 7 characters', 'nodePools[1].name',
    '"winpool" is invalid: must be 1-6 lowercase letters and digits, starting with a letter (Windows pool)', [SYSTEM, { ...USER, name: 'winpool', osType: AksOsType.WINDOWS }]),
  poolCase('aso-aks-duplicate-pool', 'two node pools with one name', 'nodePools[2].name', '"user" is used by another node pool', [SYSTEM, USER, USER]),
  poolCase('aso-aks-count-and-autoscaling', 'node pool with both count and autoscaling', 'nodePools[0].count', 'set either count or autoscaling, not both',
    [{ ...SYSTEM, count: 3, autoscaling: { min: 1, max: 5 } }]),
  poolCase('aso-aks-autoscaling-max-below-min', 'autoscaling max below min', 'nodePools[1].autoscaling.max', '2 is invalid: must be an integer from 3 to 1000',
    [SYSTEM, { ...USER, autoscaling: { min: 3, max: 2 } }]),
  poolCase('aso-aks-system-pool-zero', 'System pool with 0 nodes', 'nodePools[0].count', '0 is invalid: must be an integer from 1 to 1000', [{ ...SYSTEM, count: 0 }]),
  poolCase('aso-aks-windows-system-pool', 'Windows System pool', 'nodePools[0].mode', 'a System pool must run Linux (Windows pools can only be User pools)',
    [{ ...SYSTEM, name: 'win', osType: AksOsType.WINDOWS }]),
  poolCase('aso-aks-taint-without-effect', 'taint without an effect', 'nodePools[1].taints[0]',
    '"dedicated=gpu" is invalid: must be key=value:Effect (Effect: NoSchedule, PreferNoSchedule or NoExecute)', [SYSTEM, { ...USER, taints: ['dedicated=gpu'] }]),
  poolCase('aso-aks-repeated-zone', 'availability zone listed twice', 'nodePools[0].zones', 'must not repeat a zone', [{ ...SYSTEM, zones: ['1', '1'] }]),
  poolCase('aso-aks-max-pods-too-high', 'maxPods above 250', 'nodePools[0].maxPods', '300 is invalid: must be an integer from 10 to 250', [{ ...SYSTEM, maxPods: 300 }]),
  // versions
  {
    id: 'aso-aks-version-without-v', title: 'Kubernetes version without the "v" and patch', category: 'versions', stage: 'construct',
    path: 'platform/apps/aks', prop: 'kubernetesVersion', rule: '"1.33" is invalid: must be v<major>.<minor>.<patch>, e.g. v1.33.2',
    build: (ctx) => aks(ctx, { kubernetesVersion: '1.33' }),
  },
  {
    id: 'aso-agent-pool-version-no-patch', title: 'agent pool version without patch', category: 'versions', stage: 'construct',
    path: 'platform/apps/gpu', prop: 'kubernetesVersion', rule: '"v1.33" is invalid: must be v<major>.<minor>.<patch>, e.g. v1.33.2',
    build: (ctx) => new AgentPool(ctx.folder, 'gpu', { cluster: aks(ctx), name: 'gpu', vmSize: 'Standard_NC6s_v3', kubernetesVersion: 'v1.33' }),
  },
  {
    id: 'aso-postgres-version-17', title: 'PostgreSQL version the API does not offer', category: 'versions', stage: 'construct',
    path: 'platform/apps/pg', prop: 'version', rule: '"17" is not a PostgreSQL version of this API (11-16)',
    build: (ctx) => pg(ctx, { version: '17' as never }),
  },
  // counts
  {
    id: 'aso-postgres-storage-size', title: 'PostgreSQL storage size that is not a tier size', category: 'counts', stage: 'construct',
    path: 'platform/apps/pg', prop: 'storageSizeGB', rule: '100 is not a storage size of flexible servers (32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767)',
    build: (ctx) => pg(ctx, { storageSizeGB: 100 }),
  },
  {
    id: 'aso-postgres-backup-retention', title: 'backup retention of 3 days', category: 'counts', stage: 'construct',
    path: 'platform/apps/pg', prop: 'backupRetentionDays', rule: '3 must be a whole number of days between 7 and 35',
    build: (ctx) => pg(ctx, { backupRetentionDays: 3 }),
  },
  {
    id: 'aso-key-vault-retention', title: 'soft-delete retention of 100 days', category: 'counts', stage: 'construct',
    path: 'platform/apps/kv', prop: 'softDeleteRetentionDays', rule: '100 must be a whole number of days between 7 and 90',
    build: (ctx) => new KeyVault(ctx.folder, 'kv', { name: 'kv-files', resourceGroup: rg(ctx), tenantId: TENANT, softDeleteRetentionDays: 100 }),
  },
  {
    id: 'aso-blob-delete-retention', title: 'blob delete retention of 400 days', category: 'counts', stage: 'construct',
    path: 'platform/apps/st/BlobService', prop: 'deleteRetentionDays', rule: '400 must be a whole number of days between 0 (off) and 365',
    build: (ctx) => new StorageAccount(ctx.folder, 'st', { name: 'stfiles', resourceGroup: rg(ctx), blobServiceOptions: { deleteRetentionDays: 400 } }).container('uploads'),
  },
  // combinations
  {
    id: 'aso-postgres-ha-burstable', title: 'zone-redundant HA in the Burstable tier', category: 'combinations', stage: 'construct',
    path: 'platform/apps/pg', prop: 'highAvailability', rule: 'ZoneRedundant is not available in the Burstable tier; use GeneralPurpose or MemoryOptimized',
    build: (ctx) => pg(ctx, { highAvailability: PostgresHighAvailability.ZONE_REDUNDANT }),
  },
  {
    id: 'aso-postgres-tier-sku-mismatch', title: 'tier that does not match the SKU', category: 'combinations', stage: 'construct',
    path: 'platform/apps/pg', prop: 'tier', rule: '"GeneralPurpose" does not match SKU "Standard_B2s" (tier Burstable); set tier to Burstable, or leave it out',
    build: (ctx) => pg(ctx, { skuName: 'Standard_B2s', tier: PostgresTier.GENERAL_PURPOSE }),
  },
  {
    id: 'aso-storage-premium-sku-v2', title: 'Premium SKU on a StorageV2 account', category: 'combinations', stage: 'construct',
    path: 'platform/apps/st', prop: 'sku', rule: 'Premium_LRS cannot be used with kind StorageV2 (Premium SKUs need BlockBlobStorage or FileStorage)',
    build: (ctx) => new StorageAccount(ctx.folder, 'st', { name: 'stfiles', resourceGroup: rg(ctx), sku: StorageAccountSku.PREMIUM_LRS }),
  },
  {
    id: 'aso-postgres-delegated-with-firewall', title: 'firewall rule on a server in a delegated subnet (late validation)', category: 'combinations', stage: 'synth',
    path: 'platform/apps/pg', prop: 'delegatedSubnet', rule: 'a server in a delegated subnet (private access) cannot have firewall rules; remove them or the subnet',
    build: (ctx) => {
      const group = rg(ctx);
      const vnet = new VirtualNetwork(ctx.folder, 'vnet', { name: 'vnet-apps', resourceGroup: group, addressSpace: ['10.0.0.0/16'] });
      const subnet = vnet.subnet('pg', { addressPrefix: '10.0.1.0/24', delegations: ['Microsoft.DBforPostgreSQL/flexibleServers'] });
      const server = new PostgresFlexibleServer(ctx.folder, 'pg', {
        name: 'files-pg', resourceGroup: group,
        administratorLogin: 'filesadmin', administratorPassword: { secret: 'files-pg-admin', key: 'password' }, delegatedSubnet: subnet,
      });
      server.firewallRule('office', { startIpAddress: '203.0.113.10' });
    },
  },
  {
    id: 'aso-firewall-end-before-start', title: 'firewall rule range ending before it starts', category: 'combinations', stage: 'construct',
    path: 'platform/apps/pg/FirewallRule-office', prop: 'endIpAddress', rule: '"203.0.113.1" is before startIpAddress "203.0.113.10"',
    build: (ctx) => pg(ctx).firewallRule('office', { startIpAddress: '203.0.113.10', endIpAddress: '203.0.113.1' }),
  },
  {
    id: 'aso-aks-rbac-without-entra', title: 'Azure RBAC without Entra ID', category: 'combinations', stage: 'construct',
    path: 'platform/apps/aks', prop: 'azureRbac', rule: 'Azure RBAC requires entraId: true',
    build: (ctx) => aks(ctx, { entraId: false, azureRbac: true }),
  },
  {
    id: 'aso-federation-http-issuer', title: 'OIDC issuer over plain http', category: 'urls', stage: 'construct',
    path: 'platform/apps/id/Federation-web', prop: 'issuer', rule: '"http://oidc.example.com/tenant" is invalid: must be an https:// OIDC issuer URL',
    build: (ctx) => new UserAssignedIdentity(ctx.folder, 'id', { name: 'id-files', resourceGroup: rg(ctx) })
      .federate('web', { issuer: 'http://oidc.example.com/tenant', serviceAccount: { name: 'web', namespace: 'apps' } }),
  },
  // cross-namespace owners and references
  {
    id: 'aso-owner-other-namespace', title: 'storage account owned by a resource group of another namespace', category: 'cross-namespace', stage: 'construct',
    path: 'platform/apps/st', prop: 'resourceGroup',
    rule: 'owner ResourceGroup "rg-files" (platform/apps/rg) is in namespace "apps", but ASO owners must be in the resource\'s namespace ("data"): ' +
      'create both in one namespace, or pass the owner\'s ARM resource ID',
    build: (ctx) => new StorageAccount(ctx.folder, 'st', { name: 'stfiles', namespace: 'data', resourceGroup: rg(ctx) }),
  },
  {
    id: 'aso-delegated-subnet-other-namespace', title: 'server in a subnet of another namespace', category: 'cross-namespace', stage: 'construct',
    path: 'platform/apps/pg', prop: 'delegatedSubnet',
    rule: 'subnet "vnet-apps-pg" (platform/apps/vnet/Subnet-pg) is in namespace "network", but ASO references must be in the server\'s namespace ("apps")',
    build: (ctx) => {
      const netRg = new ResourceGroup(ctx.folder, 'net-rg', { name: 'rg-net', location: 'westeurope', namespace: 'network' });
      const vnet = new VirtualNetwork(ctx.folder, 'vnet', { name: 'vnet-apps', namespace: 'network', resourceGroup: netRg, addressSpace: ['10.0.0.0/16'] });
      // (vnet.subnet() puts the subnet in the VNet's namespace)
      pg(ctx, { delegatedSubnet: vnet.subnet('pg', { addressPrefix: '10.0.1.0/24', delegations: ['Microsoft.DBforPostgreSQL/flexibleServers'] }) });
    },
  },
  {
    id: 'aso-credential-scope-other-namespace', title: 'credential Secret outside the scope namespace', category: 'cross-namespace', stage: 'construct',
    path: 'platform/apps/team-a', prop: 'credential',
    rule: 'Secret "aso-credential" (platform/apps/cred) is in namespace "apps", but ASO reads credentials from the resource\'s namespace ("team-a")',
    build: (ctx) => new AsoCredentialScope(ctx.folder, 'team-a', { namespace: 'team-a', credential: ExistingSecret.fromName(ctx.folder, 'cred', { name: 'aso-credential' }) }),
  },
  {
    id: 'aso-key-vault-tenant-other-namespace', title: 'vault tenant ID read from a ConfigMap of another namespace', category: 'cross-namespace', stage: 'construct',
    path: 'platform/apps/kv', prop: 'tenantId',
    rule: 'reads ConfigMap identity/id-files-config, but ASO tenantIdFromConfig reads a ConfigMap in the vault\'s namespace ("apps")',
    build: (ctx) => {
      const idRg = new ResourceGroup(ctx.folder, 'id-rg', { name: 'rg-id', location: 'westeurope', namespace: 'identity' });
      const id = new UserAssignedIdentity(ctx.folder, 'id', { name: 'id-files', namespace: 'identity', resourceGroup: idRg });
      new KeyVault(ctx.folder, 'kv', { name: 'kv-files', resourceGroup: rg(ctx), tenantId: id.exports.tenantId });
    },
  },
  // inline secrets
  {
    id: 'aso-postgres-inline-password', title: 'administrator password given as a string', category: 'inline-secrets', stage: 'construct',
    path: 'platform/apps/pg', prop: 'administratorPassword', rule: 'must reference a key of an existing Secret ({ secret, key }); an inline password would be written to Git',
    build: (ctx) => pg(ctx, { administratorPassword: 'hunter2' as never }),
  },
  {
    id: 'aso-credential-plaintext', title: 'ASO credential with a plaintext value instead of kubeseal output', category: 'inline-secrets', stage: 'construct',
    path: 'platform/apps/cred', prop: 'encryptedData.AZURE_CLIENT_SECRET',
    rule: 'is not SealedSecret ciphertext (not base64; kubeseal writes base64 of a 2-byte length, the RSA-OAEP session key and the AES-GCM value): the controller could not decrypt it; never put a plaintext value here',
    build: (ctx) => new AsoCredential(ctx.folder, 'cred', {
      encryptedData: { AZURE_SUBSCRIPTION_ID: CIPHER, AZURE_TENANT_ID: CIPHER, AZURE_CLIENT_ID: CIPHER, AZURE_CLIENT_SECRET: 'p@ssw0rd!' },
    }),
  },
  {
    id: 'aso-credential-missing-keys', title: 'ASO credential without tenant and client ids', category: 'inline-secrets', stage: 'construct',
    path: 'platform/apps/cred', prop: 'encryptedData',
    rule: 'is missing AZURE_TENANT_ID, AZURE_CLIENT_ID (an ASO credential needs AZURE_SUBSCRIPTION_ID, AZURE_TENANT_ID, AZURE_CLIENT_ID)',
    build: (ctx) => new AsoCredential(ctx.folder, 'cred', { encryptedData: { AZURE_SUBSCRIPTION_ID: CIPHER, AZURE_CLIENT_SECRET: CIPHER } }),
  },
  {
    id: 'aso-storage-key-export-shared-key-off', title: 'storage key export while Shared Key access is off', category: 'inline-secrets', stage: 'construct',
    path: 'platform/apps/st', prop: 'allowSharedKeyAccess',
    rule: 'exports.key1 is used, but Shared Key access is off; set allowSharedKeyAccess: true or use Entra ID (workload identity)',
    build: (ctx) => {
      const st = new StorageAccount(ctx.folder, 'st', { name: 'stfiles', resourceGroup: rg(ctx) });
      st.exports.key1.use(ctx.folder, 'env');
    },
  },
  // missing references
  {
    id: 'aso-aks-resource-group-missing', title: 'ManagedCluster in a resource group nobody creates', category: 'missing-references', stage: 'synth',
    path: 'platform/apps/aks', prop: 'resourceGroupName', rule: `refers to ResourceGroup/apps/rg-missing (resources.azure.com), ${UNRESOLVED}`,
    build: (ctx) => new ManagedCluster(ctx.folder, 'aks', { name: 'aks-dev', resourceGroupName: 'rg-missing', location: 'westeurope', nodePools: [SYSTEM] }),
  },
  {
    id: 'aso-imported-rg-other-cluster', title: 'owner imported with fromName in a folder applied to another cluster', category: 'missing-references', stage: 'synth',
    path: 'platform/apps/st', prop: 'resourceGroup', rule: `refers to ResourceGroup/apps/rg-shared (resources.azure.com), ${UNRESOLVED}`,
    build: (ctx) => {
      const other = ctx.repo.folder('other', { cluster: 'aks-prod', namespace: 'apps' });
      const shared = ResourceGroup.fromName(other, 'shared', { name: 'rg-shared', location: 'westeurope' });
      new StorageAccount(ctx.folder, 'st', { name: 'stfiles', resourceGroup: shared });
    },
  },
];

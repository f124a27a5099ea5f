// Fuzz targets of the Cluster API / CAPZ constructs.
import { Duration } from 'cdk8s';
import * as fc from 'fast-check';
import { addProvided } from '../../../lib/core/references';
import { RemovalPolicy } from '../../../lib/core/removal-policy';
import { AksNodePoolMode, AksNodePoolProps, AksNetworkPlugin, AksNetworkPolicy } from '../../../lib/aso';
import {
  AksCluster,
  AksClusterClass,
  AzureClusterIdentity,
  AzureClusterIdentityType,
  ClusterResourceSet,
  ClusterResourceSetStrategy,
  Fleet,
  MachineHealthCheck,
  SelfManagedAzureCluster,
  TopologyCluster,
} from '../../../lib/capi';
import { GitRepository } from '../../../lib/flux';
import { FuzzContext, FuzzTarget, target } from '../harness';
import { k8sVersion, poolSpec } from './aso';
import { cidr, dnsLabel, guid, k8sName, location, mostly, oddString, opt, smallInt, stringMap } from './common';
import { KUBECONFIG_ACCESS_OUTSIDE } from '../../support/kubeconfig-access';

/** The control plane VMs' user-assigned identity (the cloud provider's, with a WorkloadIdentity AzureClusterIdentity). */
const VM_IDENTITY = 'azure:///subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cloud-provider';

const GUID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const SYSTEM: AksNodePoolProps = { name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5' };
const enumOf = <T extends string>(e: Record<string, T>) => fc.constantFrom(...Object.values(e));
const namespace = () => opt(fc.oneof({ weight: 6, arbitrary: fc.constantFrom('apps', 'fleet') }, { weight: 1, arbitrary: k8sName() }), 4);
const labels = () => opt(fc.oneof({ weight: 4, arbitrary: stringMap(fc.constantFrom('team', 'env'), dnsLabel) }, { weight: 1, arbitrary: stringMap(fc.constantFrom('team', 'a b'), oddString) }), 3);

function identity(ctx: FuzzContext): AzureClusterIdentity {
  return new AzureClusterIdentity(ctx.folder, 'identity', { name: 'cluster-identity', clientId: GUID, tenantId: GUID });
}

function selfManaged(ctx: FuzzContext): SelfManagedAzureCluster {
  return new SelfManagedAzureCluster(ctx.folder, 'vm', {
    name: 'vm-1', location: 'westeurope', kubernetesVersion: 'v1.33.1', subscriptionId: GUID, identity: identity(ctx),
    controlPlane: { vmSize: 'Standard_D4s_v5', userAssignedIdentityProviderId: VM_IDENTITY }, machineDeployments: [{ name: 'md-0', vmSize: 'Standard_D4s_v5' }],
  });
}

const aksClusterSpec = fc.record({
  name: k8sName(), namespace: namespace(), kubernetesVersion: k8sVersion(), location: location(), credentialFrom: opt(k8sName(), 4),
  resourceGroup: opt(fc.record({ name: opt(fc.oneof(dnsLabel, fc.constantFrom('RG_Prod', 'rg.', 'a'.repeat(91)), oddString)), existing: opt(fc.boolean()) }), 3),
  nodePools: fc.array(poolSpec, { maxLength: 2 }), systemFirst: mostly(85), extraPool: opt(poolSpec, 4),
  network: opt(fc.record({ plugin: opt(enumOf(AksNetworkPlugin), 4), policy: opt(enumOf(AksNetworkPolicy), 4), podCidr: opt(cidr(), 3), serviceCidr: opt(cidr(), 3), dnsServiceIp: opt(fc.constantFrom('10.0.0.10', '10.96.0.10', 'x'), 3) }), 3),
  entraId: opt(fc.boolean(), 4), azureRbac: opt(fc.boolean(), 4), disableLocalAccounts: opt(fc.boolean(), 4), oidcIssuer: opt(fc.boolean(), 4), workloadIdentity: opt(fc.boolean(), 4),
  apiServerAccess: opt(fc.record({ authorizedIpRanges: opt(fc.array(cidr(), { maxLength: 2 })), managementIpRanges: opt(fc.array(cidr(), { maxLength: 1 })), privateCluster: opt(fc.boolean()) }), 3),
  removalPolicy: opt(enumOf(RemovalPolicy), 3), labels: labels(), environment: opt(fc.oneof(dnsLabel, oddString), 4), useOidc: mostly(30),
  // Escape hatch: values are the caller's responsibility (validated at synth); only the path is fuzzed.
  override: opt(fc.constantFrom({ path: 'spec.sku.tier', value: 'Standard' }, { path: 'spec.tags.team', value: 'shop' }, { path: 'spec..x', value: 'x' }, { path: '', value: 'x' }), 5),
});

const selfManagedSpec = fc.record({
  name: k8sName(), namespace: namespace(), location: location(), kubernetesVersion: k8sVersion(), subscriptionId: guid(),
  resourceGroup: opt(fc.oneof(dnsLabel, fc.constantFrom('RG_Prod', 'rg.')), 4), vnetName: opt(fc.oneof(dnsLabel, oddString), 4), podCidr: opt(cidr(), 3),
  controlPlane: fc.record({ count: opt(smallInt(1, 7), 2), vmSize: fc.constantFrom('Standard_D4s_v5', 'Standard_B2s', ''), osDiskSizeGb: opt(smallInt(30, 2048), 3), etcdDiskSizeGb: opt(smallInt(8, 256), 3), userAssignedIdentityProviderId: fc.constantFrom(VM_IDENTITY, VM_IDENTITY, VM_IDENTITY, 'not-an-id') }),
  machineDeployments: fc.array(fc.record({ name: k8sName(), vmSize: fc.constantFrom('Standard_D4s_v5', ''), count: opt(smallInt(0, 10), 2), osDiskSizeGb: opt(smallInt(30, 2048), 3) }), { maxLength: 3 }),
  sshPublicKey: opt(fc.constantFrom('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host', 'not a key', ''), 3),
  serviceAccountIssuer: opt(fc.constantFrom('https://oidc.example.com', 'http://x', ''), 4), removalPolicy: opt(enumOf(RemovalPolicy), 3), labels: labels(),
});

const identitySpec = fc.record({
  name: k8sName(), namespace: namespace(), type: opt(enumOf(AzureClusterIdentityType), 2), clientId: guid(), tenantId: guid(),
  clientSecret: opt(fc.record({ name: k8sName(), namespace: namespace() }), 2), provideSecret: mostly(80),
  allowedNamespaces: opt(fc.record({ all: opt(fc.boolean()), list: opt(fc.array(k8sName(), { maxLength: 2 })), matchLabels: opt(stringMap()) }), 3),
});

const mhcSpec = fc.record({
  name: opt(k8sName(), 3), matchLabels: opt(stringMap(), 4),
  conditions: opt(fc.array(fc.record({ type: fc.constantFrom('Ready', 'DiskPressure', 'Ready', ''), status: fc.constantFrom('True', 'False', 'Unknown') as fc.Arbitrary<'True'>, seconds: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 3600 }) }, { weight: 1, arbitrary: fc.constant(0.5) }) }), { maxLength: 2 }), 3),
  nodeStartupSeconds: opt(fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 7200 }) }, { weight: 1, arbitrary: fc.constant(0.5) }), 3),
  maxUnhealthy: opt(fc.oneof(smallInt(0, 10), fc.constantFrom('40%', '100%', '101%', '0%', '-1%', '50', 'x')), 2),
});

const crsSpec = fc.record({
  name: k8sName(), namespace: namespace(), clusterSelector: fc.oneof({ weight: 4, arbitrary: stringMap(fc.constantFrom('cni', 'env'), dnsLabel) }, { weight: 1, arbitrary: stringMap(fc.constantFrom('a b', 'cni'), oddString) }),
  resources: opt(fc.array(fc.record({ kind: fc.constantFrom('ConfigMap', 'Secret') as fc.Arbitrary<'ConfigMap'>, name: k8sName() }), { maxLength: 2 }), 2),
  provide: mostly(80), strategy: opt(enumOf(ClusterResourceSetStrategy), 3),
  manifests: opt(fc.record({ name: k8sName(), count: fc.integer({ min: 0, max: 2 }) }), 2),
});

const classSpec = fc.record({
  name: k8sName(), location: opt(location(), 2),
  machinePoolClasses: fc.array(fc.record({ class: k8sName(), pool: poolSpec }), { maxLength: 2 }), systemClass: mostly(85),
  credentialFrom: opt(k8sName(), 4),
});

const topologySpec = fc.record({
  cls: classSpec, name: k8sName(), kubernetesVersion: k8sVersion(), variables: opt(fc.record({ location: opt(fc.oneof(location(), fc.constant(3 as unknown as string))) }), 2),
  machinePools: opt(fc.array(fc.record({ class: fc.oneof(fc.constant('system'), k8sName()), name: k8sName(), replicas: opt(smallInt(0, 5)) }), { maxLength: 2 }), 2),
  labels: labels(), byReference: mostly(15),
});

const fleetSpec = fc.record({
  defaults: fc.record({ kubernetesVersion: fc.oneof({ weight: 5, arbitrary: k8sVersion() }, { weight: 1, arbitrary: fc.constant(undefined) }), location: opt(location(), 2), labels: labels() }),
  environments: opt(fc.dictionary(fc.constantFrom('dev', 'prod', 'Prod'), fc.record({ location: opt(location()), kubernetesVersion: opt(k8sVersion()) }), { maxKeys: 2 }), 2),
  clusters: fc.array(fc.record({ name: k8sName(), environment: opt(fc.constantFrom('dev', 'prod', 'qa'), 2), kubernetesVersion: opt(k8sVersion(), 4), labels: labels() }), { maxLength: 3 }),
  stages: opt(fc.array(fc.oneof(fc.constantFrom('infrastructure', 'apps'), k8sName()), { maxLength: 3 }), 4),
  managementPath: opt(fc.constantFrom('clusters/mgmt/fleet', 'fleet', 'Fleet/X', ''), 4),
});

export const CAPI_TARGETS: FuzzTarget[] = [
  target({
    name: 'AksCluster', family: 'capi', arbitrary: aksClusterSpec,
    build: (ctx, s) => {
      const pools: AksNodePoolProps[] = [...(s.systemFirst ? [SYSTEM] : []), ...s.nodePools];
      const { nodePools, systemFirst, extraPool, useOidc, override, ...props } = s;
      void nodePools; void systemFirst;
      const c = new AksCluster(ctx.folder, 'aks', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE, ...props, nodePools: pools });
      if (extraPool) c.addNodePool(extraPool);
      if (override) c.addManagedClusterOverride(override.path, override.value);
      if (useOidc && c.exports.oidcIssuer) c.exports.oidcIssuer.use(ctx.folder, 'issuer');
    },
  }),
  target({
    name: 'SelfManagedAzureCluster', family: 'capi', arbitrary: selfManagedSpec,
    build: (ctx, s) => void new SelfManagedAzureCluster(ctx.folder, 'vm', { ...s, identity: identity(ctx) }),
  }),
  target({
    name: 'AzureClusterIdentity', family: 'capi', arbitrary: identitySpec,
    build: (ctx, s) => {
      if (s.clientSecret && s.provideSecret) addProvided(ctx.folder, { apiGroup: '', kind: 'Secret', name: s.clientSecret.name, namespace: s.clientSecret.namespace ?? s.namespace ?? 'apps' });
      const { provideSecret, ...props } = s;
      void provideSecret;
      new AzureClusterIdentity(ctx.folder, 'id', props);
    },
  }),
  target({
    name: 'MachineHealthCheck', family: 'capi', arbitrary: mhcSpec,
    build: (ctx, s) => void new MachineHealthCheck(ctx.folder, 'mhc', {
      cluster: selfManaged(ctx), name: s.name, matchLabels: s.matchLabels, maxUnhealthy: s.maxUnhealthy,
      unhealthyNodeConditions: s.conditions?.map((c) => ({ type: c.type, status: c.status, timeout: Duration.seconds(c.seconds) })),
      nodeStartupTimeout: s.nodeStartupSeconds !== undefined ? Duration.seconds(s.nodeStartupSeconds) : undefined,
    }),
  }),
  target({
    name: 'ClusterResourceSet', family: 'capi', arbitrary: crsSpec,
    build: (ctx, s) => {
      if (s.provide) for (const r of s.resources ?? []) addProvided(ctx.folder, { apiGroup: '', kind: r.kind, name: r.name, namespace: s.namespace ?? 'apps' });
      const crs = new ClusterResourceSet(ctx.folder, 'crs', { name: s.name, namespace: s.namespace, clusterSelector: s.clusterSelector, resources: s.resources, strategy: s.strategy });
      if (s.manifests) crs.addManifests(s.manifests.name, Array.from({ length: s.manifests.count }, (_, i) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns-${i}` } })));
    },
  }),
  target({
    name: 'AksClusterClass+TopologyCluster', family: 'capi', arbitrary: topologySpec,
    build: (ctx, s) => {
      const classes = [...(s.cls.systemClass ? [{ class: 'system', pool: SYSTEM }] : []), ...s.cls.machinePoolClasses];
      const cls = new AksClusterClass(ctx.folder, 'class', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE, name: s.cls.name, location: s.cls.location, credentialFrom: s.cls.credentialFrom, machinePoolClasses: classes });
      new TopologyCluster(ctx.folder, 'cluster', {
        name: s.name, clusterClass: s.byReference ? { name: cls.name } : cls, kubernetesVersion: s.kubernetesVersion,
        variables: s.variables, machinePools: s.machinePools, labels: s.labels,
      });
    },
  }),
  target({
    name: 'Fleet', family: 'capi', arbitrary: fleetSpec,
    build: (ctx, s) => {
      const cls = new AksClusterClass(ctx.repo.folder('clusters/mgmt/classes', { namespace: 'fleet' }), 'class', { kubeconfigAccess: KUBECONFIG_ACCESS_OUTSIDE,
        name: 'aks', location: 'westeurope', apiServerAccess: { privateCluster: true },
        machinePoolClasses: [{ class: 'system', pool: SYSTEM }, { class: 'worker', pool: { name: 'worker', vmSize: 'Standard_D4s_v5' } }],
      });
      const source = GitRepository.fromName(ctx.folder, 'src', { name: 'flux-system', namespace: 'flux-system' });
      new Fleet(ctx.folder, 'fleet', { repo: ctx.repo, clusterClass: cls, source, defaults: s.defaults, environments: s.environments, clusters: s.clusters, stages: s.stages, managementPath: s.managementPath });
    },
  }),
];

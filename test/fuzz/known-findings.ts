// Construct bugs the fuzz found, each with the exact counterexample. The fuzz counts a failure
// matching an entry as "known" instead of failing (and prints the count), and fuzz.test.ts checks
// that every counterexample still fails exactly this way: fix the construct, then delete the entry.
import { KnownFinding } from './harness';

export const KNOWN_FINDINGS: readonly KnownFinding[] = [
  {
    id: 'labels-unchecked',
    targets: ['GitRepository', 'OCIRepository', 'HelmRepository', 'Kustomization', 'HelmRelease', 'NotificationProvider', 'Alert',
      'AksCluster', 'SelfManagedAzureCluster', 'AksClusterClass+TopologyCluster', 'Fleet'],
    description:
      'Flux constructs (FluxObjectProps.labels, lib/flux/common.ts fluxMetadata) and the CAPI clusters (AksCluster, SelfManagedAzureCluster, ' +
      'TopologyCluster, Fleet: prop "labels"): label keys and values are not checked in the constructor; an ' +
      'invalid label ({ team: ":" }) reaches synth and fails metadata validation there, instead of a PropError naming prop "labels.team".',
    counterexample: { target: 'GitRepository', spec: { name: 'a', labels: { team: ':' }, url: 'https://github.com/stefanprodan/podinfo', provideSecret: false } },
    message: /: metadata\.labels(\.|\[)[^:]*: invalid label (value|key)/,
  },
  {
    id: 'name-with-colon-in-construct-path',
    targets: ['SystemsSync', 'Tenant', 'StorageAccount', 'PostgresFlexibleServer', 'UserAssignedIdentity', 'VirtualNetwork'],
    description:
      'Child helpers use the (unchecked) name in the construct id: SystemsSync (team name), StorageAccount.container(), ' +
      'PostgresFlexibleServer.database()/firewallRule()/configuration(), UserAssignedIdentity.federate(), VirtualNetwork.subnet(), and Tenant ' +
      '(clusterRole, in the id of the TenantClusterRole it defines: Tenant accepts "a:" as an RBAC name, TenantClusterRole then rejects it as not a DNS ' +
      'subdomain, under the path "platform/fuzz/TenantClusterRole-a:"). A name with ":" ' +
      'ends up in the construct path, so the PropError reads "platform/fuzz/st/Container-:: prop \"name\": ..." and no longer parses as ' +
      '<path>: prop "<prop>": <rule>. Fix: validate the name before creating the child (or sanitize the id).',
    counterexample: { target: 'StorageAccount', spec: { name: 'aa0', owner: { kind: 'construct' }, containers: [':'], useEndpoint: false, useKey: false } },
    message: /^platform\/fuzz\/[^:"]*:[^"]*: prop "/,
  },
  {
    id: 'child-kubernetes-name-invalid',
    targets: ['VirtualNetwork', 'PostgresFlexibleServer'],
    description:
      'lib/aso/naming.ts childKubernetesName: a valid Azure child name containing "." next to "-" or "_" (subnet "0.-a", server parameter ' +
      '"pgaudit._x") yields metadata.name "<parent>-0.-a", which is not an RFC 1123 subdomain; the constructor accepts it and synth fails ' +
      'metadata validation. Fix: normalize "-."/".-"/".." runs in childKubernetesName (or require kubernetesName).',
    counterexample: {
      target: 'VirtualNetwork',
      spec: { name: '0a', owner: { kind: 'construct' }, location: 'westeurope', addressSpace: ['10.0.0.0/16'], subnets: [{ name: '0.-a', addressPrefix: '10.0.0.0/24' }], removalPolicy: 'retain' },
    },
    message: /: metadata\.name: must be a lowercase RFC 1123 subdomain/,
  },
  {
    id: 'systems-sync-empty-team-name',
    targets: ['SystemsSync'],
    description:
      'SystemsSync: a team with name "" makes `new Tenant(this, team.name, ...)` throw the constructs error "Only root constructs may have an empty ID" ' +
      '(no construct path, no prop) before Tenant validates the name. Fix: check teams[i].name (DNS label) before using it as the construct id.',
    counterexample: { target: 'SystemsSync', spec: { teams: [{ name: '', url: 'https://github.com/stefanprodan/podinfo', provideAll: false }] } },
    message: /^Only root constructs may have an empty ID$/,
  },
  {
    id: 'aks-override-invalid-path',
    targets: ['AksCluster'],
    description:
      'AksCluster.addManagedClusterOverride("spec..x", v) throws the plain Error "addOverride: invalid path \"spec..x\"" ' +
      '(lib/aso/aks/overrides.ts) without the construct path or a prop name. Fix: throw propError(this, "addManagedClusterOverride.path", ...).',
    counterexample: {
      target: 'AksCluster',
      spec: { name: 'a', kubernetesVersion: 'v1.33.2', location: 'westeurope', nodePools: [], systemFirst: true, useOidc: false, override: { path: 'spec..x', value: 'Standard' } },
    },
    message: /^addOverride: invalid path /,
  },
  {
    id: 'mhc-conditions-unchecked',
    targets: ['MachineHealthCheck'],
    description:
      'MachineHealthCheck: unhealthyNodeConditions is not checked: [] renders spec.checks.unhealthyNodeConditions: [] (the CAPI v1beta2 CRD ' +
      'requires minItems 1) and a condition with type "" violates minLength 1: synth fails with a schema violation instead of a prop error. ' +
      'Fix: reject an empty list and empty types (prop "unhealthyNodeConditions[i].type").',
    counterexample: { target: 'MachineHealthCheck', spec: { conditions: [], maxUnhealthy: 0 } },
    message: /MachineHealthCheck\/\S+: spec\.checks\.unhealthyNodeConditions(\[\d+\]\.type)?: must (have|be) at least 1 /,
  },
  {
    id: 'topology-variable-undefined',
    targets: ['AksClusterClass+TopologyCluster', 'Fleet'],
    description:
      'TopologyCluster (and Fleet, which passes variables through): a variable whose value is undefined ({ location: undefined }, a valid ' +
      'Record<string, unknown>) renders { name: "location" } without value; the Cluster CRD requires value: synth fails with a schema ' +
      'violation. Fix: drop undefined variables (or reject them with a prop error naming variables.<name>).',
    counterexample: {
      target: 'AksClusterClass+TopologyCluster',
      spec: { cls: { name: 'a', location: 'westeurope', machinePoolClasses: [], systemClass: true }, name: 'a', kubernetesVersion: 'v1.33.2', variables: { location: undefined }, byReference: false },
    },
    message: /Cluster\/\S+: spec\.topology\.variables\[\d+\]\.value: required field missing/,
  },
  {
    id: 'fleet-management-path-unchecked',
    targets: ['Fleet'],
    description:
      'Fleet: managementPath (and the cluster names appended to it) are not checked before repo.folder() is called, so an invalid path ' +
      '("Fleet/X") fails with the Folder\'s plain Error naming the new folder ("platform/Fleet--X--a: prop \"path\": ...") instead of a PropError ' +
      'naming the Fleet and its prop "managementPath" (or "clusters[i].name").',
    counterexample: { target: 'Fleet', spec: { defaults: { kubernetesVersion: 'v1.33.2' }, clusters: [{ name: 'a' }], stages: ['a'], managementPath: 'Fleet/X' } },
    message: /: prop "path": "[^"]*" is not a valid folder path/,
  },
  {
    id: 'usage-namespace-unchecked',
    targets: ['Usage'],
    description:
      'Crossplane Usage: prop "namespace" is not checked in the constructor; an invalid namespace ("-a") reaches synth and fails metadata ' +
      'validation (metadata.namespace) instead of a PropError. Fix: checkString(this, "namespace", props.namespace, DNS_LABEL).',
    counterexample: {
      target: 'Usage',
      spec: { name: 'a', namespace: '-a', reason: 'protected', of: { apiVersion: 'dbforpostgresql.azure.m.upbound.io/v1beta1', kind: 'FlexibleServer', name: 'a' } },
    },
    message: /Usage\/.*?: metadata\.namespace: must be /,
  },
  {
    id: 'self-managed-disk-size-unchecked',
    targets: ['SelfManagedAzureCluster'],
    description:
      'SelfManagedAzureCluster: controlPlane.osDiskSizeGb / etcdDiskSizeGb (and machineDeployments[i].osDiskSizeGb) are not checked; a ' +
      'non-integer (1.5) reaches synth and fails the AzureMachineTemplate schema (diskSizeGB: integer) instead of a prop error.',
    counterexample: {
      target: 'SelfManagedAzureCluster',
      spec: {
        name: 'a', namespace: 'apps', location: 'westeurope', kubernetesVersion: 'v1.33.2', subscriptionId: '00000000-0000-1000-8000-000000000000',
        controlPlane: { vmSize: 'Standard_D4s_v5', etcdDiskSizeGb: 1.5 }, machineDeployments: [{ name: 'a', vmSize: 'Standard_D4s_v5' }],
      },
    },
    message: /AzureMachineTemplate\/\S+: spec\.template\.spec\.(osDisk\.diskSizeGB|dataDisks\[\d+\]\.diskSizeGB): must be/,
  },
  {
    id: 'duplicate-child-name',
    targets: ['StorageAccount', 'PostgresFlexibleServer', 'UserAssignedIdentity', 'VirtualNetwork', 'SelfManagedAzureCluster'],
    description:
      'Two children of one name: StorageAccount.container(n) twice, PostgresFlexibleServer.database()/firewallRule()/configuration() twice, ' +
      'UserAssignedIdentity.federate() twice, VirtualNetwork.subnet() twice, and SelfManagedAzureCluster machineDeployments with one name: the ' +
      'constructs library throws "There is already a Construct with name \'Container-x\' in StorageAccount [st]" (no construct path, no prop). ' +
      'Fix: check for the duplicate first and throw a PropError ("name": "x" is used by another container / machineDeployments[i].name).',
    counterexample: {
      target: 'StorageAccount',
      spec: { name: 'a00', owner: { kind: 'construct' }, location: 'westeurope', containers: ['uploads', 'uploads'], useEndpoint: false, useKey: false },
    },
    message: /^There is already a Construct with name /,
  },
  {
    id: 'fleet-duplicate-stage',
    targets: ['Fleet'],
    description:
      'Fleet: stages are not checked for duplicates; stages: ["infrastructure", "infrastructure"] makes repo.folder() throw the plain Error ' +
      '"platform: folder \"infrastructure/a\" already exists; pass its props on first use only" (repo path, no Fleet path or prop). ' +
      'Fix: reject a repeated stage with propError(this, "stages[i]", ...).',
    counterexample: { target: 'Fleet', spec: { defaults: { kubernetesVersion: 'v1.33.2' }, clusters: [{ name: 'a' }], stages: ['infrastructure', 'infrastructure'] } },
    message: /^platform: folder "[^"]*" already exists; pass its props on first use only$/,
  },
  {
    id: 'blob-service-name-too-long',
    targets: ['StorageAccount'],
    description:
      'StorageAccount.blobService: the BlobService is named "<account metadata.name>-blob"; with a kubernetesName of 249-253 characters (valid) the ' +
      'name exceeds 253 characters and synth fails metadata validation of StorageAccountsBlobService. Fix: cap kubernetesName at 248 characters ' +
      '(prop error) or shorten the child name.',
    counterexample: { target: 'StorageAccount', spec: { name: '0a0', kubernetesName: 'a'.repeat(253), owner: { kind: 'construct' }, containers: ['00a'], useEndpoint: false, useKey: false } },
    message: /StorageAccountsBlobService\/\S+: metadata\.name: must be no more than 253 characters/,
  },
  {
    id: 'cidr-prefix-leading-zero',
    targets: ['ManagedCluster', 'AksCluster'],
    description:
      'lib/aso/aks/cidr.ts parseIpv4Cidr accepts a prefix length with a leading zero ("10.0.0.0/08"); the ASO ManagedCluster CRD pattern for ' +
      'networkProfile.serviceCidr/podCidr (and apiServerAccessProfile.authorizedIPRanges) rejects it: synth fails with a schema violation. ' +
      'Fix: require /^(0|[1-9][0-9]?)$/ for the prefix length.',
    counterexample: {
      target: 'ManagedCluster',
      spec: { name: 'a', resourceGroupName: 'a', provideRg: true, location: 'westeurope', network: { serviceCidr: '10.0.0.0/08', dnsServiceIp: '10.0.0.10' }, nodePools: [], systemFirst: true, useOidc: false },
    },
    message: /(networkProfile\.(podCidr|serviceCidr)|authorizedIPRanges\[\d+\]|cidrBlocks\[\d+\]): does not match pattern/,
  },
  {
    id: 'topology-pool-class-unchecked',
    targets: ['AksClusterClass+TopologyCluster', 'Fleet'],
    description:
      'TopologyCluster with a ClusterClass given by reference ({ name }): machinePools[i].class is not checked at all, so class "" is accepted ' +
      'and synth fails the Cluster CRD (spec.topology.workers.machinePools[0].class: minLength 1). Fix: checkString(machinePools[i].class, DNS_LABEL) ' +
      'whatever the class is.',
    counterexample: {
      target: 'AksClusterClass+TopologyCluster',
      spec: {
        cls: { name: 'a', machinePoolClasses: [], systemClass: true }, name: 'a', kubernetesVersion: 'v1.33.2', variables: { location: 'westeurope' },
        machinePools: [{ class: '', name: 'a', replicas: 0 }], byReference: true,
      },
    },
    message: /Cluster\/\S+: spec\.topology\.workers\.machinePools\[\d+\]\.class: /,
  },
];

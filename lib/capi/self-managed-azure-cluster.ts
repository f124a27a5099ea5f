import { createHash } from 'crypto';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { KubeadmConfigTemplate } from '../../imports/capi/bootstrap.cluster.x-k8s.io';
import { Cluster, MachineDeployment } from '../../imports/capi/cluster.x-k8s.io';
import { KubeadmControlPlane } from '../../imports/capi/controlplane.cluster.x-k8s.io';
import { AzureCluster, AzureMachineTemplate } from '../../imports/capz/infrastructure.cluster.x-k8s.io';
import { tryParseCidr } from '../aso/cidr';
import { ARM_RESOURCE_ID } from '../aso/naming';
import { checkKubernetesVersion } from '../aso/aks/managed-cluster-spec';
import { checkLabels, checkString, DNS_LABEL, propError } from '../core/errors';
import { addReference } from '../core/references';
import { RemovalPolicy } from '../core/removal-policy';
import { AzureClusterIdentity, AzureClusterIdentityType } from './azure-cluster-identity';
import { CapiCluster, checkClusterName, resolveNamespace } from './capi-cluster';
import { BOOTSTRAP_GROUP, CLUSTER_NAME_LABEL, CONTROLPLANE_GROUP, INFRA_GROUP } from './constants';

/** The kubeadm control plane of a {@link SelfManagedAzureCluster}. */
export interface SelfManagedControlPlaneProps {
  /**
   * Number of control-plane machines: odd (etcd quorum).
   * @default 3
   */
  readonly count?: number;
  /** VM size, e.g. `Standard_D4s_v5`. */
  readonly vmSize: string;
  /**
   * OS disk size in GB (1-4095).
   * @default 128
   */
  readonly osDiskSizeGb?: number;
  /**
   * Size of the etcd data disk in GB (1-32767).
   * @default 256
   */
  readonly etcdDiskSizeGb?: number;
  /**
   * Provider ID of the user-assigned identity the cloud provider runs as
   * (`azure:///subscriptions/.../userAssignedIdentities/<name>`), with rights on the cluster's
   * resource group. Required with a `WorkloadIdentity` AzureClusterIdentity: CAPZ writes the cloud
   * provider's `azure.json` from the cluster's identity otherwise, and a workload identity has no
   * client secret to put there (`GetCloudProviderSecret`, controllers/helpers.go), so
   * cloud-provider-azure cannot authenticate and the nodes stay uninitialized (CAPZ's default
   * flavor gives the control plane's AzureMachineTemplate a user-assigned identity).
   * @default - none (the VMs get no user-assigned identity; an error with a WorkloadIdentity identity)
   */
  readonly userAssignedIdentityProviderId?: string;
}

/** A group of worker machines (a MachineDeployment). */
export interface SelfManagedMachineDeploymentProps {
  /** Name suffix (the MachineDeployment is `<cluster>-<name>`), a DNS label unique in the cluster, e.g. `md-0`. */
  readonly name: string;
  /** VM size. */
  readonly vmSize: string;
  /**
   * Number of machines.
   * @default 2
   */
  readonly count?: number;
  /**
   * OS disk size in GB (1-4095).
   * @default 128
   */
  readonly osDiskSizeGb?: number;
  /**
   * Provider ID of a user-assigned identity for the workers' VMs (their `azure.json`). The cloud
   * controller manager runs on the control plane; the cloud node manager on the workers reads
   * the node from the instance metadata, as in CAPZ's default flavor, whose workers have none.
   * @default - none
   */
  readonly userAssignedIdentityProviderId?: string;
}

/** Props of a {@link SelfManagedAzureCluster}. */
export interface SelfManagedAzureClusterProps {
  /** Cluster name (a DNS label). */
  readonly name: string;
  /**
   * Namespace of the cluster's objects.
   * @default - the folder's namespace, else `default`
   */
  readonly namespace?: string;
  /** Azure region. */
  readonly location: string;
  /** Kubernetes version, `v<major>.<minor>.<patch>`. */
  readonly kubernetesVersion: string;
  /** Azure subscription ID (a GUID). */
  readonly subscriptionId: string;
  /** The identity CAPZ uses for this cluster (`identityRef`). */
  readonly identity: AzureClusterIdentity;
  /**
   * Resource group.
   * @default - the cluster name
   */
  readonly resourceGroup?: string;
  /**
   * VNet name.
   * @default `<cluster>-vnet`
   */
  readonly vnetName?: string;
  /**
   * Pod CIDR.
   * @default '192.168.0.0/16'
   */
  readonly podCidr?: string;
  /** The control plane. */
  readonly controlPlane: SelfManagedControlPlaneProps;
  /** Worker MachineDeployments (at least one). */
  readonly machineDeployments: SelfManagedMachineDeploymentProps[];
  /**
   * Base64 SSH public key for the machines.
   * @default '' (none)
   */
  readonly sshPublicKey?: string;
  /**
   * Service account issuer of the API server.
   * @default 'https://kubernetes.default.svc.cluster.local'
   */
  readonly serviceAccountIssuer?: string;
  /**
   * What happens to the cluster when removed from the app (Flux prune of the Cluster, AzureCluster,
   * KubeadmControlPlane and worker MachineDeployments).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Labels of the CAPI Cluster.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Environment (dev, test, prod...), written as the Cluster's label `platform.cdk8s.io/environment`.
   * @default - none
   */
  readonly environment?: string;
}

/** Azure's largest OS disk and data disk (Standard/Premium SSD), in GB. */
const MAX_OS_DISK_GB = 4095;
const MAX_DATA_DISK_GB = 32767;

/** Checks an optional disk size in GB: an integer from 1 to `max`. */
function checkDiskSize(scope: Construct, prop: string, gb: number | undefined, max: number): void {
  if (gb !== undefined && (!Number.isInteger(gb) || gb < 1 || gb > max)) throw propError(scope, prop, `${gb} is invalid: must be an integer from 1 to ${max} (GB)`);
}

/**
 * Checks a user-assigned identity's provider ID, as CAPZ takes it: `azure://` and the identity's
 * ARM ID (`/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>`).
 */
function checkIdentityProviderId(scope: Construct, prop: string, id: string): void {
  const armId = typeof id === 'string' && id.startsWith('azure://') ? id.slice('azure://'.length) : '';
  if (!ARM_RESOURCE_ID.test(armId) || !/\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i.test(armId)) {
    throw propError(scope, prop, `"${id}" is invalid: must be a user-assigned identity's provider ID, azure:///subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>`);
  }
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * The name of a machine template: `<base>-<first 8 hex digits of the SHA-256 of its spec>`. CAPZ's
 * webhook refuses any change of an `AzureMachineTemplate`'s `spec.template.spec` ("AzureMachineTemplate
 * spec.template.spec field is immutable. Please create new resource instead",
 * cluster-api-provider-azure `internal/webhooks/azuremachinetemplate_webhook.go`), which would fail
 * the server-side dry-run of the whole Flux Kustomization applying it; and a `KubeadmConfigTemplate`
 * changed in place reaches only machines created later. Cluster API's way (book: "Updating Machine
 * Infrastructure and Bootstrap Templates") is a new template and a reference to it, which rolls the
 * machines: a name following the content does that. The template the previous content named is
 * pruned with its file; Cluster API ignores a missing template of a MachineSet that is not its
 * MachineDeployment's current one (cluster-api `machineset_controller.go`
 * `reconcileExternalTemplateReference`).
 */
function templateName(base: string, spec: unknown): string {
  return `${base}-${createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 8)}`;
}

/** The Secret CAPZ writes the cloud provider configuration of an AzureMachineTemplate to (docs/book self-managed/cloud-provider-config.md: "${RESOURCE}-azure-json"). */
function azureJsonSecret(template: string): string {
  return `${template}-azure-json`;
}
const LOCAL_HOSTNAME = '{{ ds.meta_data["local_hostname"] }}';

/**
 * A self-managed Kubernetes cluster on Azure VMs (CAPZ's default flavor): a CAPI v1beta2 `Cluster`,
 * an `AzureCluster`, a `KubeadmControlPlane` with its `AzureMachineTemplate` (etcd on a data disk),
 * and per worker group a `MachineDeployment` + `AzureMachineTemplate` + `KubeadmConfigTemplate`.
 *
 * @example
 * const vm = new SelfManagedAzureCluster(folder, 'capz-vm', {
 *   name: 'capz-vm', location: 'westeurope', kubernetesVersion: 'v1.33.2',
 *   subscriptionId: '00000000-0000-0000-0000-000000000001', identity,
 *   controlPlane: { count: 3, vmSize: 'Standard_D4s_v5' },
 *   machineDeployments: [{ name: 'md-0', vmSize: 'Standard_D4s_v5', count: 3 }],
 * });
 */
export class SelfManagedAzureCluster extends CapiCluster {
  /** The CAPI Cluster. */
  public readonly apiObject: ApiObject;
  /** The KubeadmControlPlane. */
  public readonly controlPlane: ApiObject;

  public constructor(scope: Construct, id: string, props: SelfManagedAzureClusterProps) {
    super(scope, id, props.environment);
    const name = checkClusterName(this, props.name);
    const namespace = resolveNamespace(this, props.namespace);
    const version = checkKubernetesVersion(this, 'kubernetesVersion', props.kubernetesVersion);
    if (!/^[a-z][a-z0-9]*$/.test(props.location ?? '')) throw propError(this, 'location', `"${props.location}" is invalid: must be an Azure region name such as westeurope`);
    if (!GUID.test(props.subscriptionId ?? '')) throw propError(this, 'subscriptionId', `"${props.subscriptionId}" is invalid: must be a GUID`);
    // CAPZ refuses an identity whose allowedNamespaces leave the cluster's namespace out: the
    // AzureCluster stays NamespaceNotAllowedByIdentity and nothing is created in Azure.
    if (props.identity.allowsNamespace(namespace) === false) {
      throw propError(this, 'identity', `AzureClusterIdentity ${props.identity.namespace}/${props.identity.name} does not allow namespace ${namespace} (its allowedNamespaces), ` +
        'so CAPZ refuses it for this cluster (NamespaceNotAllowedByIdentity) and creates nothing; add the namespace to its allowedNamespaces.list');
    }
    const vmIdentity = props.controlPlane.userAssignedIdentityProviderId;
    if (vmIdentity !== undefined) checkIdentityProviderId(this, 'controlPlane.userAssignedIdentityProviderId', vmIdentity);
    if (vmIdentity === undefined && props.identity.type === AzureClusterIdentityType.WORKLOAD_IDENTITY) {
      throw propError(this, 'controlPlane.userAssignedIdentityProviderId',
        `is required with the WorkloadIdentity AzureClusterIdentity ${props.identity.namespace}/${props.identity.name}: CAPZ writes the cloud provider's azure.json from the cluster's identity unless the VMs have one of their own, ` +
          'and a workload identity has no client secret to put there (controllers/helpers.go GetCloudProviderSecret), so cloud-provider-azure cannot authenticate and the nodes stay uninitialized; ' +
          'give the VMs a user-assigned identity with rights on the resource group (azure:///subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>)');
    }
    const cpCount = props.controlPlane.count ?? 3;
    if (!Number.isInteger(cpCount) || cpCount < 1 || cpCount % 2 === 0) {
      throw propError(this, 'controlPlane.count', `${cpCount} is invalid: must be an odd number (1, 3, 5...) so etcd keeps quorum`);
    }
    checkDiskSize(this, 'controlPlane.osDiskSizeGb', props.controlPlane.osDiskSizeGb, MAX_OS_DISK_GB);
    checkDiskSize(this, 'controlPlane.etcdDiskSizeGb', props.controlPlane.etcdDiskSizeGb, MAX_DATA_DISK_GB);
    const podCidr = props.podCidr ?? '192.168.0.0/16';
    if (!tryParseCidr(podCidr)) throw propError(this, 'podCidr', `"${podCidr}" is invalid: must be an IPv4 CIDR without host bits`);
    if (!props.machineDeployments || props.machineDeployments.length === 0) throw propError(this, 'machineDeployments', 'must list at least one worker MachineDeployment');
    const mdNames = new Set<string>();
    props.machineDeployments.forEach((md, i) => {
      checkString(this, `machineDeployments[${i}].name`, md.name, DNS_LABEL);
      if (mdNames.has(md.name)) throw propError(this, `machineDeployments[${i}].name`, `"${md.name}" is used by another machine deployment`);
      mdNames.add(md.name);
      checkDiskSize(this, `machineDeployments[${i}].osDiskSizeGb`, md.osDiskSizeGb, MAX_OS_DISK_GB);
      if (md.count !== undefined && (!Number.isInteger(md.count) || md.count < 0)) throw propError(this, `machineDeployments[${i}].count`, `${md.count} is invalid: must be a non-negative integer`);
      if (md.userAssignedIdentityProviderId !== undefined) checkIdentityProviderId(this, `machineDeployments[${i}].userAssignedIdentityProviderId`, md.userAssignedIdentityProviderId);
    });
    checkLabels(this, 'labels', props.labels);
    const sshPublicKey = props.sshPublicKey ?? '';
    const cpName = `${name}-control-plane`;

    this.apiObject = new Cluster(this, 'Cluster', {
      metadata: { name, namespace, labels: props.labels },
      spec: {
        clusterNetwork: { pods: { cidrBlocks: [podCidr] } },
        controlPlaneRef: { apiGroup: CONTROLPLANE_GROUP, kind: 'KubeadmControlPlane', name: cpName },
        infrastructureRef: { apiGroup: INFRA_GROUP, kind: 'AzureCluster', name },
      },
    });
    const azureCluster = new AzureCluster(this, 'AzureCluster', {
      metadata: { name, namespace },
      spec: {
        identityRef: { apiVersion: `${INFRA_GROUP}/v1beta1`, kind: 'AzureClusterIdentity', name: props.identity.name, namespace: props.identity.namespace !== namespace ? props.identity.namespace : undefined },
        location: props.location,
        networkSpec: {
          subnets: [
            { name: 'control-plane-subnet', role: 'control-plane' as never },
            { name: 'node-subnet', role: 'node' as never },
          ],
          vnet: { name: props.vnetName ?? `${name}-vnet` },
        },
        resourceGroup: props.resourceGroup ?? name,
        subscriptionId: props.subscriptionId,
      },
    });
    const cpMachine = {
      dataDisks: [{ diskSizeGb: props.controlPlane.etcdDiskSizeGb ?? 256, lun: 0, nameSuffix: 'etcddisk' }],
      identity: props.controlPlane.userAssignedIdentityProviderId ? ('UserAssigned' as never) : undefined,
      osDisk: { diskSizeGb: props.controlPlane.osDiskSizeGb ?? 128, osType: 'Linux' },
      sshPublicKey,
      userAssignedIdentities: props.controlPlane.userAssignedIdentityProviderId ? [{ providerId: props.controlPlane.userAssignedIdentityProviderId }] : undefined,
      vmSize: props.controlPlane.vmSize,
    };
    const cpTemplateName = templateName(cpName, cpMachine);
    const cpTemplate = new AzureMachineTemplate(this, 'ControlPlaneTemplate', {
      metadata: { name: cpTemplateName, namespace },
      spec: { template: { spec: cpMachine } },
    });
    const externalCloud = [{ name: 'cloud-provider', value: 'external' }];
    this.controlPlane = new KubeadmControlPlane(this, 'ControlPlane', {
      metadata: { name: cpName, namespace },
      spec: {
        kubeadmConfigSpec: {
          clusterConfiguration: {
            apiServer: { extraArgs: [{ name: 'service-account-issuer', value: props.serviceAccountIssuer ?? 'https://kubernetes.default.svc.cluster.local' }] },
            controllerManager: {
              extraArgs: [
                { name: 'allocate-node-cidrs', value: 'false' },
                { name: 'cloud-provider', value: 'external' },
                { name: 'cluster-name', value: name },
              ],
            },
            etcd: { local: { dataDir: '/var/lib/etcddisk/etcd', extraArgs: [{ name: 'quota-backend-bytes', value: '8589934592' }] } },
          },
          diskSetup: {
            filesystems: [
              { device: '/dev/disk/azure/scsi1/lun0', extraOpts: ['-E', 'lazy_itable_init=1,lazy_journal_init=1'], filesystem: 'ext4', label: 'etcd_disk' },
              { device: 'ephemeral0.1', filesystem: 'ext4', label: 'ephemeral0', replaceFs: 'ntfs' },
            ],
            partitions: [{ device: '/dev/disk/azure/scsi1/lun0', layout: true, overwrite: false, tableType: 'gpt' as never }],
          },
          files: [{
            contentFrom: { secret: { key: 'control-plane-azure.json', name: azureJsonSecret(cpTemplateName) } },
            owner: 'root:root',
            path: '/etc/kubernetes/azure.json',
            permissions: '0644',
          }],
          initConfiguration: {
            nodeRegistration: { kubeletExtraArgs: externalCloud, name: LOCAL_HOSTNAME },
            timeouts: { controlPlaneComponentHealthCheckSeconds: 1200 },
          },
          joinConfiguration: { nodeRegistration: { kubeletExtraArgs: externalCloud, name: LOCAL_HOSTNAME } },
          mounts: [['LABEL=etcd_disk', '/var/lib/etcddisk']],
          verbosity: 10,
        },
        machineTemplate: { spec: { infrastructureRef: { apiGroup: INFRA_GROUP, kind: 'AzureMachineTemplate', name: cpTemplateName } } },
        replicas: cpCount,
        version,
      },
    });
    this.coverRemoval(props.removalPolicy ?? RemovalPolicy.RETAIN, this.apiObject, azureCluster, this.controlPlane);
    this.initCluster();
    addReference(this, 'controlPlaneRef', { apiGroup: CONTROLPLANE_GROUP, kind: 'KubeadmControlPlane', name: cpName, namespace });
    addReference(this, 'infrastructureRef', { apiGroup: INFRA_GROUP, kind: 'AzureCluster', name, namespace });
    addReference(this, 'identity', props.identity.toRef());
    addReference(this, 'controlPlane.machineTemplate', { apiGroup: INFRA_GROUP, kind: 'AzureMachineTemplate', name: cpTemplate.name, namespace });

    props.machineDeployments.forEach((md, i) => {
      const mdName = `${name}-${md.name}`;
      const mdIdentity = md.userAssignedIdentityProviderId;
      const machine = {
        identity: mdIdentity ? ('UserAssigned' as never) : undefined,
        osDisk: { diskSizeGb: md.osDiskSizeGb ?? 128, osType: 'Linux' },
        sshPublicKey,
        userAssignedIdentities: mdIdentity ? [{ providerId: mdIdentity }] : undefined,
        vmSize: md.vmSize,
      };
      const machineTemplate = templateName(mdName, machine);
      new AzureMachineTemplate(this, `MachineTemplate-${md.name}`, {
        metadata: { name: machineTemplate, namespace },
        spec: { template: { spec: machine } },
      });
      const bootstrap = {
        files: [{
          contentFrom: { secret: { key: 'worker-node-azure.json', name: azureJsonSecret(machineTemplate) } },
          owner: 'root:root',
          path: '/etc/kubernetes/azure.json',
          permissions: '0644',
        }],
        joinConfiguration: { nodeRegistration: { kubeletExtraArgs: externalCloud, name: LOCAL_HOSTNAME } },
      };
      const bootstrapTemplate = templateName(mdName, bootstrap);
      new KubeadmConfigTemplate(this, `KubeadmConfigTemplate-${md.name}`, {
        metadata: { name: bootstrapTemplate, namespace },
        spec: { template: { spec: bootstrap } },
      });
      const labels = { [CLUSTER_NAME_LABEL]: name, 'cluster.x-k8s.io/deployment-name': mdName };
      const deployment = new MachineDeployment(this, `MachineDeployment-${md.name}`, {
        metadata: { name: mdName, namespace },
        spec: {
          clusterName: name,
          replicas: md.count ?? 2,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              bootstrap: { configRef: { apiGroup: BOOTSTRAP_GROUP, kind: 'KubeadmConfigTemplate', name: bootstrapTemplate } },
              clusterName: name,
              infrastructureRef: { apiGroup: INFRA_GROUP, kind: 'AzureMachineTemplate', name: machineTemplate },
              version,
            },
          },
        },
      });
      // Its worker machines (VMs and their disks) go with it: under the cluster's policy. Its
      // templates are not (content-named: a retained one would stay behind at each change); a
      // retained MachineDeployment whose templates are gone keeps its machines.
      this.coverRemoval(this.removalPolicy, deployment);
      addReference(this, `machineDeployments[${i}].clusterName`, this.toRef());
      addReference(this, `machineDeployments[${i}].bootstrap`, { apiGroup: BOOTSTRAP_GROUP, kind: 'KubeadmConfigTemplate', name: bootstrapTemplate, namespace });
      addReference(this, `machineDeployments[${i}].infrastructureRef`, { apiGroup: INFRA_GROUP, kind: 'AzureMachineTemplate', name: machineTemplate, namespace });
    });
  }
}

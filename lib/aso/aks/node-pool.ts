// Node pools of the typed AKS model: props, validation and the ASO ManagedClustersAgentPool spec.
import { IConstruct } from 'constructs';
import {
  ManagedClustersAgentPoolSpec,
  ManagedClustersAgentPoolSpecMode,
  ManagedClustersAgentPoolSpecOsDiskType,
  ManagedClustersAgentPoolSpecOsSku,
  ManagedClustersAgentPoolSpecOsType,
  ManagedClustersAgentPoolSpecType,
} from '../../../imports/aso/containerservice.azure.com';
import { propError } from '../../core/errors';

/** What a node pool is for. */
export enum AksNodePoolMode {
  /** Runs system pods (CoreDNS, metrics-server...); every cluster needs at least one. Linux only. */
  SYSTEM = 'System',
  /** Runs your workloads. */
  USER = 'User',
}

/** Node operating system. */
export enum AksOsType {
  /** Linux (names 1-12 characters). */
  LINUX = 'Linux',
  /** Windows (names 1-6 characters, User pools only). */
  WINDOWS = 'Windows',
}

/** OS disk type. */
export enum AksOsDiskType {
  /** Azure managed disk. */
  MANAGED = 'Managed',
  /** Ephemeral OS disk on the VM's local storage (faster, needs a VM size with enough cache). */
  EPHEMERAL = 'Ephemeral',
}

/** Node OS SKU. */
export enum AksOsSku {
  /** Azure Linux. */
  AZURE_LINUX = 'AzureLinux',
  /** Ubuntu. */
  UBUNTU = 'Ubuntu',
  /** Ubuntu 22.04. */
  UBUNTU_2204 = 'Ubuntu2204',
  /** Windows Server 2019. */
  WINDOWS_2019 = 'Windows2019',
  /** Windows Server 2022. */
  WINDOWS_2022 = 'Windows2022',
}

/** Autoscaling bounds of a node pool (the AKS cluster autoscaler). */
export interface AksAutoscaling {
  /** Minimum node count (0-1000; at least 1 for System pools). */
  readonly min: number;
  /** Maximum node count (min-1000). */
  readonly max: number;
}

/** A node pool of an AKS cluster. */
export interface AksNodePoolProps {
  /**
   * Pool name in Azure: lowercase letters and digits starting with a letter, 1-12 characters
   * (1-6 for Windows pools).
   */
  readonly name: string;
  /**
   * System or User pool. A cluster needs at least one System pool.
   * @default AksNodePoolMode.USER
   */
  readonly mode?: AksNodePoolMode;
  /** VM size, e.g. `Standard_D4s_v5`. */
  readonly vmSize: string;
  /**
   * Node OS.
   * @default AksOsType.LINUX
   */
  readonly osType?: AksOsType;
  /**
   * Fixed node count (0-1000; at least 1 for System pools). Not with `autoscaling`.
   * @default 3 unless `autoscaling` is set
   */
  readonly count?: number;
  /**
   * Let the AKS cluster autoscaler size the pool between `min` and `max`. Not with `count`.
   * @default - fixed `count`
   */
  readonly autoscaling?: AksAutoscaling;
  /**
   * Availability zones (`1`, `2`, `3`).
   * @default - no zones (regional)
   */
  readonly zones?: string[];
  /**
   * OS disk type.
   * @default - AKS default (Ephemeral when the VM size allows, else Managed)
   */
  readonly osDiskType?: AksOsDiskType;
  /**
   * OS disk size in GB (30-2048).
   * @default - AKS default for the VM size
   */
  readonly osDiskSizeGb?: number;
  /**
   * Node OS SKU.
   * @default - AKS default (Ubuntu for Linux)
   */
  readonly osSku?: AksOsSku;
  /**
   * Maximum pods per node (10-250).
   * @default - AKS default (250 with overlay)
   */
  readonly maxPods?: number;
  /**
   * Kubernetes labels of the nodes.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Taints of the nodes, `key=value:Effect` (Effect: NoSchedule, PreferNoSchedule, NoExecute).
   * @default - none
   */
  readonly taints?: string[];
  /**
   * ARM ID of an existing subnet for this pool's nodes.
   * @default - the cluster's `network.vnetSubnetId`, else AKS-managed
   */
  readonly vnetSubnetId?: string;
}

const LINUX_NAME = /^[a-z][a-z0-9]{0,11}$/;
const WINDOWS_NAME = /^[a-z][a-z0-9]{0,5}$/;
const TAINT = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?(=[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?:(NoSchedule|PreferNoSchedule|NoExecute)$/;
const SUBNET_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i;

/** The default fixed node count of a pool. */
export const DEFAULT_NODE_COUNT = 3;

function checkInt(scope: IConstruct, prop: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw propError(scope, prop, `${v} is invalid: must be an integer from ${min} to ${max}`);
}

/** Checks an existing-subnet ARM ID. */
export function checkSubnetId(scope: IConstruct, prop: string, id: string): void {
  if (!SUBNET_ID.test(id)) {
    throw propError(scope, prop, `"${id}" is invalid: must be a subnet ARM ID (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>)`);
  }
}

/**
 * Validates one node pool (`prop` is its prop path, e.g. `nodePools[1]`). Throws a PropError
 * naming the construct path and the prop.
 */
export function validateNodePool(scope: IConstruct, prop: string, pool: AksNodePoolProps): void {
  const k = (field: string): string => (prop ? `${prop}.${field}` : field);
  const windows = pool.osType === AksOsType.WINDOWS;
  const rule = windows ? WINDOWS_NAME : LINUX_NAME;
  if (typeof pool.name !== 'string' || !rule.test(pool.name)) {
    const what = windows ? '1-6' : '1-12';
    throw propError(scope, k(`name`), `"${pool.name}" is invalid: must be ${what} lowercase letters and digits, starting with a letter (${windows ? 'Windows' : 'Linux'} pool)`);
  }
  const system = pool.mode === AksNodePoolMode.SYSTEM;
  if (system && windows) throw propError(scope, k(`mode`), 'a System pool must run Linux (Windows pools can only be User pools)');
  if (!pool.vmSize || !/^[A-Za-z0-9_]+$/.test(pool.vmSize)) throw propError(scope, k(`vmSize`), `"${pool.vmSize}" is invalid: must be an Azure VM size such as Standard_D4s_v5`);
  const minNodes = system ? 1 : 0;
  if (pool.count !== undefined && pool.autoscaling) throw propError(scope, k(`count`), 'set either count or autoscaling, not both');
  if (pool.count !== undefined) checkInt(scope, k(`count`), pool.count, minNodes, 1000);
  if (pool.autoscaling) {
    checkInt(scope, k(`autoscaling.min`), pool.autoscaling.min, minNodes, 1000);
    checkInt(scope, k(`autoscaling.max`), pool.autoscaling.max, Math.max(1, pool.autoscaling.min), 1000);
  }
  for (const [i, z] of (pool.zones ?? []).entries()) {
    if (!['1', '2', '3'].includes(z)) throw propError(scope, k(`zones[${i}]`), `"${z}" is invalid: must be "1", "2" or "3"`);
  }
  if (new Set(pool.zones ?? []).size !== (pool.zones ?? []).length) throw propError(scope, k(`zones`), 'must not repeat a zone');
  if (pool.osDiskSizeGb !== undefined) checkInt(scope, k(`osDiskSizeGb`), pool.osDiskSizeGb, 30, 2048);
  if (pool.maxPods !== undefined) checkInt(scope, k(`maxPods`), pool.maxPods, 10, 250);
  if (pool.osSku !== undefined) {
    const windowsSku = pool.osSku === AksOsSku.WINDOWS_2019 || pool.osSku === AksOsSku.WINDOWS_2022;
    if (windowsSku !== windows) throw propError(scope, k(`osSku`), `${pool.osSku} does not match osType ${pool.osType ?? AksOsType.LINUX}`);
  }
  for (const [i, t] of (pool.taints ?? []).entries()) {
    if (!TAINT.test(t)) throw propError(scope, k(`taints[${i}]`), `"${t}" is invalid: must be key=value:Effect (Effect: NoSchedule, PreferNoSchedule or NoExecute)`);
  }
  if (pool.vnetSubnetId !== undefined) checkSubnetId(scope, k(`vnetSubnetId`), pool.vnetSubnetId);
}

/**
 * Validates the node pools of a cluster: at least one, at least one System pool, unique names.
 * `prop` is the list's prop name (`nodePools`); `poolProp(i)` the prop path of pool `i`
 * (default `<prop>[i]`; `machinePoolClasses[i].pool` for a ClusterClass).
 */
export function validateNodePools(
  scope: IConstruct,
  prop: string,
  pools: readonly AksNodePoolProps[] | undefined,
  poolProp: (i: number) => string = (i) => `${prop}[${i}]`,
): void {
  if (!pools || pools.length === 0) throw propError(scope, prop, 'must list at least one node pool, and one of them must be a System pool (mode: AksNodePoolMode.SYSTEM)');
  pools.forEach((p, i) => validateNodePool(scope, poolProp(i), p));
  if (!pools.some((p) => p.mode === AksNodePoolMode.SYSTEM)) {
    throw propError(scope, prop, 'must contain at least one System pool (mode: AksNodePoolMode.SYSTEM): AKS needs one for system pods');
  }
  const seen = new Set<string>();
  pools.forEach((p, i) => {
    if (seen.has(p.name)) throw propError(scope, `${poolProp(i)}.name`, `"${p.name}" is used by another node pool`);
    seen.add(p.name);
  });
}

/** Options of {@link agentPoolSpec}. */
export interface AgentPoolSpecOptions {
  /** Kubernetes name of the owning ASO ManagedCluster. */
  readonly ownerName: string;
  /** Write `count` (standalone ASO); CAPZ sets it from the MachinePool's replicas instead. */
  readonly includeCount: boolean;
  /** Kubernetes version without the `v` (ASO `orchestratorVersion`); CAPZ sets it from the MachinePool. */
  readonly orchestratorVersion?: string;
  /** The cluster's default subnet. */
  readonly defaultSubnetId?: string;
}

/**
 * The ASO `ManagedClustersAgentPool` spec (L1 shape) of a validated node pool. Only fields with a
 * value are set, so a pool with just name/mode/vmSize matches CAPZ's aks-aso flavor.
 */
export function agentPoolSpec(pool: AksNodePoolProps, opts: AgentPoolSpecOptions): ManagedClustersAgentPoolSpec {
  const subnet = pool.vnetSubnetId ?? opts.defaultSubnetId;
  const count = pool.autoscaling ? undefined : (pool.count ?? DEFAULT_NODE_COUNT);
  return {
    azureName: pool.name,
    owner: { name: opts.ownerName },
    mode: (pool.mode ?? AksNodePoolMode.USER) as unknown as ManagedClustersAgentPoolSpecMode,
    type: ManagedClustersAgentPoolSpecType.VIRTUAL_MACHINE_SCALE_SETS,
    vmSize: pool.vmSize,
    osType: pool.osType === AksOsType.WINDOWS ? ManagedClustersAgentPoolSpecOsType.WINDOWS : undefined,
    count: opts.includeCount ? (pool.autoscaling ? pool.autoscaling.min : count) : undefined,
    enableAutoScaling: pool.autoscaling ? true : undefined,
    minCount: pool.autoscaling?.min,
    maxCount: pool.autoscaling?.max,
    availabilityZones: pool.zones && pool.zones.length > 0 ? [...pool.zones] : undefined,
    osDiskType: pool.osDiskType as unknown as ManagedClustersAgentPoolSpecOsDiskType | undefined,
    osDiskSizeGb: pool.osDiskSizeGb,
    osSku: pool.osSku as unknown as ManagedClustersAgentPoolSpecOsSku | undefined,
    maxPods: pool.maxPods,
    nodeLabels: pool.labels && Object.keys(pool.labels).length > 0 ? { ...pool.labels } : undefined,
    nodeTaints: pool.taints && pool.taints.length > 0 ? [...pool.taints] : undefined,
    orchestratorVersion: opts.orchestratorVersion,
    vnetSubnetReference: subnet ? { armId: subnet } : undefined,
  };
}

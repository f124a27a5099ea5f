import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { RoleAssignment as AsoRoleAssignment, RoleAssignmentSpecPrincipalType } from '../../imports/aso/authorization.azure.com';
import { Cluster } from '../../imports/capi/cluster.x-k8s.io';
import { embeddedAsoAnnotations } from '../aso/aks/embedded';
import { AZURE_GUID, roleDefinitionArmId } from '../core/azure-roles';
import { checkKubernetesVersion } from '../aso/aks/managed-cluster-spec';
import { checkLabels, checkString, DNS_LABEL, propError } from '../core/errors';
import { addReference } from '../core/references';
import { applyRemovalPolicy, RemovalPolicy } from '../core/removal-policy';
import { stableHash } from '../core/stable-hash';
import { AksClusterClass } from './aks-cluster-class';
import { AksAzureLocation, CapiCluster, checkClusterName, resolveNamespace } from './capi-cluster';
import { CAPI_GROUP } from './constants';

/** A machine pool of a topology cluster. */
export interface TopologyMachinePool {
  /** Machine pool class of the ClusterClass. */
  readonly class: string;
  /** Name of the pool in the topology (a DNS label, e.g. `mp-0`). */
  readonly name: string;
  /**
   * Number of nodes. Leave it unset for a class whose pool is autoscaled by AKS (see
   * {@link AksClusterClass.autoscaledPoolClasses}): the topology controller would reset the count
   * the autoscaler sets; setting it there is an error.
   * @default 1, or unset (owned by the autoscaler) for an autoscaled class
   */
  readonly replicas?: number;
}

/** A ClusterClass referenced by name (one managed elsewhere). */
export interface ClusterClassReference {
  /** ClusterClass name. */
  readonly name: string;
  /**
   * Its namespace.
   * @default - the cluster's namespace
   */
  readonly namespace?: string;
}

/** Props of a {@link TopologyCluster}. */
export interface TopologyClusterProps {
  /** Cluster name (a DNS label). */
  readonly name: string;
  /**
   * Namespace.
   * @default - the class's namespace for an AksClusterClass, else the folder's namespace, else `default`
   */
  readonly namespace?: string;
  /** The ClusterClass: an {@link AksClusterClass} of the app, or a reference. */
  readonly clusterClass: AksClusterClass | ClusterClassReference;
  /** Kubernetes version, `v<major>.<minor>.<patch>`. */
  readonly kubernetesVersion: string;
  /**
   * Values of the class's variables (e.g. `{ location: 'westeurope' }`); `undefined` and `null`
   * values are rejected (leave the variable out instead).
   * @default - none
   */
  readonly variables?: Record<string, unknown>;
  /**
   * Machine pools.
   * @default - for an AksClusterClass, one pool per machine pool class (`mp-0`, `mp-1`...) with 1 replica
   */
  readonly machinePools?: TopologyMachinePool[];
  /**
   * Labels of the Cluster (e.g. for ClusterResourceSets).
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Removal policy of the CAPI Cluster (Flux prune).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Environment (dev, test, prod...), written as the Cluster's label `platform.cdk8s.io/environment`.
   * @default - none
   */
  readonly environment?: string;
  /**
   * The Azure subscription of the cluster (its ASO credential's): the role definition of its
   * class's `kubeconfigAccess` is under it.
   * @default - the class's `kubeconfigAccess.subscriptionId`
   */
  readonly subscriptionId?: string;
}

/**
 * A CAPI v1beta2 `Cluster` with `spec.topology`: one small object per cluster, expanded by the
 * topology controller from its ClusterClass (the scale path for fleets).
 *
 * @example
 * new TopologyCluster(folder, 'shop-dev', {
 *   name: 'shop-dev', clusterClass: cls, kubernetesVersion: 'v1.33.2',
 *   variables: { location: 'westeurope' },
 *   machinePools: [{ class: 'system', name: 'system', replicas: 2 }, { class: 'worker', name: 'worker', replicas: 3 }],
 * });
 */
export class TopologyCluster extends CapiCluster {
  /** The CAPI Cluster (with `spec.topology`). */
  public readonly apiObject: ApiObject;
  /**
   * The ASO RoleAssignment giving the cluster's kubeconfig identity its role, when the class has
   * `kubeconfigAccess` (see `AksClassKubeconfigAccess`).
   */
  public readonly kubeconfigAccess?: ApiObject;
  private readonly location?: AksAzureLocation;
  private readonly userKubeconfig: boolean;

  /** ASO's export of the Entra user kubeconfig (`<name>-user-kubeconfig`) when the class disables local accounts. */
  public override get exportedSecretNames(): readonly string[] {
    return this.userKubeconfig ? [`${this.name}-user-kubeconfig`] : [];
  }

  /** Where the cluster's AKS cluster is in Azure, when its subscription is known (`subscriptionId`, or the class's `kubeconfigAccess`). */
  public override get azureLocation(): AksAzureLocation | undefined {
    return this.location;
  }

  public constructor(scope: Construct, id: string, props: TopologyClusterProps) {
    super(scope, id, props.environment);
    const name = checkClusterName(this, props.name);
    const cls = props.clusterClass;
    const aksClass = cls instanceof AksClusterClass ? cls : undefined;
    const nameProblem = aksClass?.clusterNameProblem(name);
    if (nameProblem) throw propError(this, 'name', nameProblem);
    const namespace = resolveNamespace(this, props.namespace ?? aksClass?.namespace);
    const version = checkKubernetesVersion(this, 'kubernetesVersion', props.kubernetesVersion);
    const className = aksClass ? aksClass.name : checkString(this, 'clusterClass.name', cls.name, DNS_LABEL);
    const classNamespace = aksClass ? aksClass.namespace : (cls.namespace ?? namespace);
    const pools: TopologyMachinePool[] | undefined = props.machinePools ?? aksClass?.machinePoolClassNames.map((c, i) => ({ class: c, name: `mp-${i}` }));
    if (!pools || pools.length === 0) throw propError(this, 'machinePools', 'must list at least one machine pool');
    const seen = new Set<string>();
    const byClass = new Map<string, string>();
    pools.forEach((p, i) => {
      checkString(this, `machinePools[${i}].name`, p.name, DNS_LABEL);
      if (seen.has(p.name)) throw propError(this, `machinePools[${i}].name`, `"${p.name}" is used by another machine pool`);
      seen.add(p.name);
      checkString(this, `machinePools[${i}].class`, p.class, { min: 1, max: 256, description: 'a machine pool class of the ClusterClass (1-256 characters)' });
      if (aksClass && !aksClass.machinePoolClassNames.includes(p.class)) {
        throw propError(this, `machinePools[${i}].class`, `"${p.class}" is not a machine pool class of ClusterClass ${aksClass.name} (${aksClass.machinePoolClassNames.join(', ')})`);
      }
      // The class's template names the AKS agent pool (`<cluster>-<pool>`, azureName <pool>): two
      // machine pools of one class would embed the same ManagedClustersAgentPool, which CAPZ
      // cannot own twice.
      const other = aksClass ? byClass.get(p.class) : undefined;
      if (other !== undefined) {
        throw propError(this, `machinePools[${i}].class`, `"${p.class}" is also the class of machine pool "${other}": ClusterClass ${aksClass!.name} names the AKS agent pool of a class ` +
          `(one per class), so both would be the same agent pool; use one machine pool per class, or add a machine pool class (e.g. for a new VM size) to the ClusterClass`);
      }
      byClass.set(p.class, p.name);
      if (p.replicas !== undefined && (!Number.isInteger(p.replicas) || p.replicas < 0)) throw propError(this, `machinePools[${i}].replicas`, `${p.replicas} is invalid: must be a non-negative integer`);
      if (p.replicas !== undefined && aksClass?.autoscaledPoolClasses.includes(p.class)) {
        throw propError(this, `machinePools[${i}].replicas`,
          `class "${p.class}" of ClusterClass ${aksClass.name} is autoscaled by AKS: leave replicas unset (the topology controller would reset the node count the autoscaler sets)`);
      }
    });
    const autoscaled = (p: TopologyMachinePool) => aksClass?.autoscaledPoolClasses.includes(p.class) ?? false;
    if (aksClass?.requiresLocation && props.variables?.location === undefined) {
      throw propError(this, 'variables.location', `ClusterClass ${aksClass.name} has no default location: set variables.location`);
    }
    const location = props.variables?.location;
    if (location !== undefined && (typeof location !== 'string' || !/^[a-z][a-z0-9]*$/.test(location))) {
      throw propError(this, 'variables.location', `"${String(location)}" is invalid: must be an Azure region name such as westeurope`);
    }
    for (const [k, value] of Object.entries(props.variables ?? {})) {
      if (k.length === 0 || k.length > 256) throw propError(this, 'variables', `"${k}" is not a variable name: must be 1-256 characters`);
      if (value === undefined || value === null) throw propError(this, `variables.${k}`, 'has no value: give one, or leave the variable out (the ClusterClass default applies)');
    }
    checkLabels(this, 'labels', props.labels);
    if (props.subscriptionId !== undefined && !AZURE_GUID.test(props.subscriptionId)) throw propError(this, 'subscriptionId', `"${props.subscriptionId}" is invalid: must be a subscription id (a GUID)`);
    const variables = Object.entries(props.variables ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, value]) => ({ name: k, value }));

    this.apiObject = new Cluster(this, 'Resource', {
      metadata: { name, namespace, labels: props.labels },
      spec: {
        topology: {
          classRef: { name: className, namespace: classNamespace !== namespace ? classNamespace : undefined },
          version,
          variables: variables.length > 0 ? variables : undefined,
          workers: { machinePools: pools.map((p) => ({ class: p.class, name: p.name, replicas: autoscaled(p) ? undefined : (p.replicas ?? 1) })) },
        },
      },
    });
    this.coverRemoval(props.removalPolicy ?? RemovalPolicy.RETAIN, this.apiObject);
    addReference(this, 'clusterClass', { apiGroup: CAPI_GROUP, kind: 'ClusterClass', name: className, namespace: classNamespace });
    this.initCluster();
    this.userKubeconfig = aksClass?.exportsUserKubeconfig ?? false;
    // An AksClusterClass names the resource group and the AKS cluster after the Cluster.
    const subscription = props.subscriptionId ?? aksClass?.kubeconfigAccess?.subscriptionId;
    if (aksClass && subscription !== undefined) {
      this.location = { subscriptionId: subscription.toLowerCase(), resourceGroup: name.toLowerCase(), clusterName: name.toLowerCase() };
    }
    const access = aksClass?.kubeconfigAccess;
    if (access) {
      // The cluster's credential: the class's kubeconfigAccess one, else the cluster's own.
      const own = props.variables?.credentialSecretName;
      const credential = access.credentialFrom ?? (typeof own === 'string' ? own : aksClass!.credentialName);
      const annotations = embeddedAsoAnnotations(AsoRoleAssignment.GVK.apiVersion, credential);
      // ASO derives the assignment's Azure name from the object's, and Azure refuses to change the
      // principal or role of an assignment (RoleAssignmentUpdateNotPermitted): another principal
      // or role is another object (a hash of both in its name).
      const grant = stableHash(`${access.principalId}/${access.roleDefinitionId}`).toString(16).padStart(8, '0');
      this.kubeconfigAccess = new AsoRoleAssignment(this, 'KubeconfigAccess', {
        metadata: { name: `${name}-capz-kubeconfig-access-${grant}`, namespace, ...(annotations ? { annotations } : {}) },
        spec: {
          // ASO derives a stable UUID azureName from the owner and the object name.
          owner: { group: 'containerservice.azure.com', kind: 'ManagedCluster', name },
          principalId: access.principalId,
          principalType: access.principalType as RoleAssignmentSpecPrincipalType,
          roleDefinitionReference: { armId: roleDefinitionArmId(props.subscriptionId ?? access.subscriptionId, access.roleDefinitionId) },
        },
      });
      applyRemovalPolicy(this.kubeconfigAccess, grantPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN));
    }
  }

  /** Also sets the kubeconfig access grant's (see {@link kubeconfigAccess}). */
  public override applyRemovalPolicy(policy: RemovalPolicy): void {
    super.applyRemovalPolicy(policy);
    if (this.kubeconfigAccess) applyRemovalPolicy(this.kubeconfigAccess, grantPolicy(policy));
  }
}

/** The removal policy of a cluster's kubeconfig access grant: a SKIP cluster (adopted, never changed) still gets its grant created, which ASO's skip never does. */
function grantPolicy(policy: RemovalPolicy): RemovalPolicy {
  return policy === RemovalPolicy.SKIP ? RemovalPolicy.RETAIN : policy;
}

import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ManagedCluster as AsoManagedCluster, ManagedClustersAgentPool } from '../../imports/aso/containerservice.azure.com';
import { ResourceGroup as AsoResourceGroup } from '../../imports/aso/resources.azure.com';
import { KubeadmConfigTemplate, KubeadmConfigTemplateSpecTemplateSpecFormat } from '../../imports/capi/bootstrap.cluster.x-k8s.io';
import { ClusterClass, ClusterClassSpecPatchesDefinitionsJsonPatchesOp, ClusterClassSpecVariablesSchemaOpenApiv3SchemaType } from '../../imports/capi/cluster.x-k8s.io';
import {
  AzureAsoManagedClusterTemplate,
  AzureAsoManagedControlPlaneTemplate,
  AzureAsoManagedMachinePoolTemplate,
} from '../../imports/capz/infrastructure.cluster.x-k8s.io';
import { embeddedAsoAnnotations } from '../aso/aks/embedded';
import { managedClusterSpec, resolveUpgradeChannel, validateAksSettings, VersionOwnership } from '../aso/aks/managed-cluster-spec';
import { agentPoolSpec, AksNodePoolProps, validateNodePools } from '../aso/aks/node-pool';
import { AksClusterSettings } from '../aso/aks/settings';
import { checkString, DNS_LABEL, DNS_SUBDOMAIN, propError } from '../core/errors';
import { addReference, ObjectRef } from '../core/references';
import { RemovalPolicy } from '../core/removal-policy';
import { toYaml } from '../gitops/layout';
import { resolveNamespace } from './capi-cluster';
import { autoscaledPoolAnnotations, BOOTSTRAP_GROUP, CAPI_GROUP, INFRA_GROUP } from './constants';

/** A machine pool class of an {@link AksClusterClass}: a node pool shape clusters instantiate. */
export interface AksMachinePoolClass {
  /** Class name used by topology clusters (`workers.machinePools[].class`), e.g. `default-system`. */
  readonly class: string;
  /**
   * The node pool (its `count` is ignored: the topology's `replicas` sets it). With `autoscaling`,
   * topologies leave `replicas` unset and AKS's autoscaler owns the count.
   */
  readonly pool: AksNodePoolProps;
}

/** Props of an {@link AksClusterClass}. */
export interface AksClusterClassProps extends Omit<AksClusterSettings, 'location'> {
  /** ClusterClass name (also the prefix of its templates). */
  readonly name: string;
  /**
   * Namespace of the class, its templates and the clusters using it.
   * @default - the folder's namespace, else `default`
   */
  readonly namespace?: string;
  /**
   * Default of the `location` variable; without it every cluster must set `location`.
   * @default - none (required variable)
   */
  readonly location?: string;
  /**
   * Secret with the ASO credential (`serviceoperator.azure.com/credential-from`) on every embedded resource.
   * @default - ASO's namespace or global credential
   */
  readonly credentialSecretName?: string;
  /** Machine pool classes; at least one System pool. */
  readonly machinePoolClasses: AksMachinePoolClass[];
  /**
   * Removal policy of the clusters' ResourceGroup and ManagedCluster (ASO reconcile policy in the templates).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const BUILTIN_NAME = '{{ .builtin.cluster.name }}';
const LOCATION_VAR = 'location';

/**
 * A Cluster API `ClusterClass` for AKS (CAPZ's `aks-aso-clusterclass` shape, v1beta2): the
 * AzureASOManaged* templates plus JSON patches that fill each cluster's ResourceGroup,
 * ManagedCluster (the typed model with its secure defaults) and agent pools. Each cluster is then
 * one small `TopologyCluster` object: the scale path for fleets.
 *
 * Variables: `location` (string; defaults to `props.location` when given).
 *
 * @example
 * const cls = new AksClusterClass(folder, 'aks-class', {
 *   name: 'aks-standard', location: 'westeurope', credentialSecretName: 'aso-credential',
 *   machinePoolClasses: [
 *     { class: 'system', pool: { name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5' } },
 *     { class: 'worker', pool: { name: 'worker', vmSize: 'Standard_D4s_v5', autoscaling: { min: 1, max: 5 } } },
 *   ],
 * });
 * new TopologyCluster(folder, 'shop-dev', { name: 'shop-dev', clusterClass: cls, kubernetesVersion: 'v1.33.2' });
 */
export class AksClusterClass extends Construct {
  /** Class name. */
  public readonly name: string;
  /** Namespace. */
  public readonly namespace: string;
  /** The machine pool class names. */
  public readonly machinePoolClassNames: readonly string[];
  /**
   * The machine pool classes whose pool is autoscaled by AKS: topology clusters leave their
   * `replicas` unset (the autoscaler owns the count).
   */
  public readonly autoscaledPoolClasses: readonly string[];
  /** Whether clusters must set the `location` variable. */
  public readonly requiresLocation: boolean;
  /** The ClusterClass object. */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: AksClusterClassProps) {
    super(scope, id);
    const name = (this.name = checkString(this, 'name', props.name, DNS_LABEL));
    const namespace = (this.namespace = resolveNamespace(this, props.namespace));
    // The topology pins the version (spec.topology.version → the control plane's spec.version).
    const owner: VersionOwnership = {
      pinnedVersion: 'the topology version',
      pinnedBy: 'CAPZ (spec.version, from each Cluster\'s spec.topology.version)',
      versionProp: 'the TopologyCluster\'s kubernetesVersion',
    };
    const network = validateAksSettings(this, { ...props, location: props.location ?? 'westeurope' }, owner);
    if (!props.machinePoolClasses || props.machinePoolClasses.length === 0) throw propError(this, 'machinePoolClasses', 'must list at least one machine pool class, one of them a System pool');
    validateNodePools(this, 'machinePoolClasses', props.machinePoolClasses.map((c) => c.pool), (i) => `machinePoolClasses[${i}].pool`);
    const classes = new Set<string>();
    props.machinePoolClasses.forEach((c, i) => {
      checkString(this, `machinePoolClasses[${i}].class`, c.class, DNS_LABEL);
      if (classes.has(c.class)) throw propError(this, `machinePoolClasses[${i}].class`, `"${c.class}" is used by another machine pool class`);
      classes.add(c.class);
    });
    if (props.credentialSecretName !== undefined) checkString(this, 'credentialSecretName', props.credentialSecretName, DNS_SUBDOMAIN);
    this.machinePoolClassNames = [...classes];
    this.autoscaledPoolClasses = props.machinePoolClasses.filter((c) => c.pool.autoscaling).map((c) => c.class);
    this.requiresLocation = props.location === undefined;
    const policy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const credential = props.credentialSecretName;
    const location = `{{ .${LOCATION_VAR} }}`;

    const cpTemplate = `${name}-control-plane`;
    new AzureAsoManagedControlPlaneTemplate(this, 'ControlPlaneTemplate', { metadata: { name: cpTemplate, namespace }, spec: { template: { spec: {} } } });
    new AzureAsoManagedClusterTemplate(this, 'ClusterTemplate', { metadata: { name, namespace }, spec: { template: { spec: {} } } });

    const rgAnnotations = embeddedAsoAnnotations(AsoResourceGroup.GVK.apiVersion, credential, policy);
    const rg = AsoResourceGroup.manifest({ metadata: { name: BUILTIN_NAME, ...(rgAnnotations ? { annotations: rgAnnotations } : {}) }, spec: { location } });
    const mcAnnotations = embeddedAsoAnnotations(AsoManagedCluster.GVK.apiVersion, credential, policy);
    const disableLocal = (props.entraId ?? true) && (props.disableLocalAccounts ?? true);
    const mc = AsoManagedCluster.manifest({
      metadata: { name: BUILTIN_NAME, ...(mcAnnotations ? { annotations: mcAnnotations } : {}) },
      spec: managedClusterSpec({ ...props, location }, {
        name: BUILTIN_NAME,
        resourceGroupName: BUILTIN_NAME,
        network,
        operatorSpec: disableLocal ? { secrets: { userCredentials: { name: `${BUILTIN_NAME}-user-kubeconfig`, key: 'value' } } } : undefined,
        upgradeChannel: resolveUpgradeChannel(this, props as AksClusterSettings, owner),
      }),
    });

    const infraApi = AzureAsoManagedControlPlaneTemplate.GVK.apiVersion;
    const replaceSpec = (template: Record<string, unknown>) => [{
      op: ClusterClassSpecPatchesDefinitionsJsonPatchesOp.REPLACE,
      path: '/spec/template/spec',
      valueFrom: { template: toYaml(template) },
    }];
    const patches = [
      {
        name: 'azureasomanagedcluster-spec',
        definitions: [{
          selector: { apiVersion: infraApi, kind: 'AzureASOManagedClusterTemplate', matchResources: { infrastructureCluster: true } },
          jsonPatches: replaceSpec({ resources: [rg] }),
        }],
      },
      {
        name: 'azureasomanagedcontrolplane-spec',
        definitions: [{
          selector: { apiVersion: infraApi, kind: 'AzureASOManagedControlPlaneTemplate', matchResources: { controlPlane: true } },
          jsonPatches: replaceSpec({ version: '{{ .builtin.controlPlane.version }}', resources: [mc] }),
        }],
      },
      ...props.machinePoolClasses.map((c) => {
        const poolAnnotations = embeddedAsoAnnotations(ManagedClustersAgentPool.GVK.apiVersion, credential, policy);
        const pool = ManagedClustersAgentPool.manifest({
          metadata: { name: `${BUILTIN_NAME}-${c.pool.name}`, ...(poolAnnotations ? { annotations: poolAnnotations } : {}) },
          spec: agentPoolSpec(c.pool, { ownerName: BUILTIN_NAME, includeCount: false, defaultSubnetId: props.network?.vnetSubnetId }),
        });
        return {
          name: `azureasomanagedmachinepool-${c.pool.name}-spec`,
          definitions: [{
            selector: { apiVersion: infraApi, kind: 'AzureASOManagedMachinePoolTemplate', matchResources: { machinePoolClass: { names: [c.class] } } },
            jsonPatches: replaceSpec({ resources: [pool] }),
          }],
        };
      }),
    ];

    const workers = props.machinePoolClasses.map((c) => {
      const templateName = `${name}-${c.pool.name}`;
      new AzureAsoManagedMachinePoolTemplate(this, `PoolTemplate-${c.class}`, { metadata: { name: templateName, namespace }, spec: { template: { spec: {} } } });
      // AKS nodes do not use kubeadm, but v1beta2 MachinePool classes need a bootstrap template and
      // its spec must not be empty: `format: cloud-config` is the default, i.e. a no-op.
      new KubeadmConfigTemplate(this, `BootstrapTemplate-${c.class}`, {
        metadata: { name: templateName, namespace },
        spec: { template: { spec: { format: KubeadmConfigTemplateSpecTemplateSpecFormat.CLOUD_HYPHEN_CONFIG } } },
      });
      return {
        class: c.class,
        // Autoscaled classes: the pools' MachinePools carry the autoscaler bounds, so topologies
        // leave replicas unset (see TopologyCluster) and AKS's autoscaler owns the count.
        ...(c.pool.autoscaling ? { metadata: { annotations: autoscaledPoolAnnotations(c.pool.autoscaling) } } : {}),
        bootstrap: { templateRef: { apiVersion: KubeadmConfigTemplate.GVK.apiVersion, kind: 'KubeadmConfigTemplate', name: templateName } },
        infrastructure: { templateRef: { apiVersion: infraApi, kind: 'AzureASOManagedMachinePoolTemplate', name: templateName } },
      };
    });

    this.refTemplate('controlPlane.templateRef', 'AzureASOManagedControlPlaneTemplate', cpTemplate);
    this.refTemplate('infrastructure.templateRef', 'AzureASOManagedClusterTemplate', name);
    workers.forEach((w, i) => {
      this.refTemplate(`machinePoolClasses[${i}].bootstrap`, 'KubeadmConfigTemplate', w.bootstrap.templateRef.name);
      this.refTemplate(`machinePoolClasses[${i}].infrastructure`, 'AzureASOManagedMachinePoolTemplate', w.infrastructure.templateRef.name);
    });
    this.resource = new ClusterClass(this, 'Resource', {
      metadata: { name, namespace },
      spec: {
        controlPlane: { templateRef: { apiVersion: infraApi, kind: 'AzureASOManagedControlPlaneTemplate', name: cpTemplate } },
        infrastructure: { templateRef: { apiVersion: infraApi, kind: 'AzureASOManagedClusterTemplate', name } },
        variables: [{
          name: LOCATION_VAR,
          required: props.location === undefined,
          schema: {
            openApiv3Schema: {
              type: ClusterClassSpecVariablesSchemaOpenApiv3SchemaType.STRING,
              description: 'Azure region of the cluster',
              default: props.location,
              pattern: '^[a-z][a-z0-9]*$',
            },
          },
        }],
        patches,
        workers: { machinePools: workers },
      },
    });
  }

  private refTemplate(prop: string, kind: string, name: string): void {
    addReference(this, prop, { apiGroup: kind === 'KubeadmConfigTemplate' ? BOOTSTRAP_GROUP : INFRA_GROUP, kind, name, namespace: this.namespace });
  }

  /** The ClusterClass as an {@link ObjectRef}. */
  public get ref(): ObjectRef {
    return { apiGroup: CAPI_GROUP, kind: 'ClusterClass', name: this.name, namespace: this.namespace };
  }
}

import type { ValidateFunction } from 'ajv';
import { CREDENTIAL_VARIABLE, LOCATION_VARIABLE, NODE_POOL_PATCH_PREFIX, NODE_POOL_VARIABLE } from './aks-class-names';
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
import { addReference } from '../core/references';
import { RemovalPolicy } from '../core/removal-policy';
import { PlatformResource } from '../core/resource';
import { ISecretSource, resolveSecret } from '../core/secret';
import { compileJsonSchema, mapAjvErrors, toJsonSchema } from '../core/validation/schema';
import { toYaml } from '../gitops/layout';
import { resolveNamespace } from './capi-cluster';
import { checkGrantedOutside, checkKubeconfigAccess, isGrantedOutside, kubeconfigAccessMissing, type KubeconfigAccessGrantedOutside } from './kubeconfig-access';
import { autoscaledPoolAnnotations, BOOTSTRAP_GROUP, INFRA_GROUP } from './constants';

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
   * Secret (in the class's namespace, which is the clusters') with the ASO credential
   * (`serviceoperator.azure.com/credential-from`) on every embedded resource. A string is the name
   * of a Secret managed outside the app.
   * @default - ASO's namespace or global credential
   */
  readonly credentialFrom?: ISecretSource | string;
  /** Machine pool classes; at least one System pool. */
  readonly machinePoolClasses: AksMachinePoolClass[];
  /**
   * Removal policy of the clusters' ResourceGroup, ManagedCluster and agent pools (ASO reconcile
   * policy in the templates: `RETAIN` embeds them with `detach-on-delete`, so a deleted Cluster, or
   * a machine pool leaving a cluster's topology, leaves them running in Azure, unmanaged). The
   * removal of each cluster's CAPI `Cluster` is its `TopologyCluster`'s; that of the ClusterClass
   * object itself is set with `applyRemovalPolicy`. CAPZ refuses to pause a cluster whose
   * embedded resources carry a reconcile policy of their own other than `skip` (mutators `Pause`:
   * Incompatible, a terminal error), so with `RETAIN` setting `spec.paused` and `clusterctl move`
   * (which pauses the clusters and waits for CAPZ to drop `clusterctl.cluster.x-k8s.io/block-move`)
   * fail: switch to `DESTROY` for the move (the Cluster objects stay retained by Flux), then back.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Declare the `credentialSecretName` variable: each cluster may name its own ASO credential
   * Secret (`serviceoperator.azure.com/credential-from` on its ResourceGroup, ManagedCluster and
   * agent pools), e.g. one per Azure subscription, so one class serves a fleet spanning
   * subscriptions. The value defaults to the name of `credentialFrom`.
   * @default false
   */
  readonly perClusterCredential?: boolean;
  /**
   * Declare the `nodePool` variable, set per machine pool (a topology machine pool override, e.g.
   * a Fleet row's `nodePools`): `vmSize`, and for pool classes with autoscaling `minCount` and
   * `maxCount`, for pool classes with zones `zones`. Unset fields keep the class's pool settings.
   * @default false
   */
  readonly nodePoolVariables?: boolean;
  /**
   * Give the identity CAPZ reaches each cluster with a data-plane role on it: every
   * `TopologyCluster` of the class (every `Fleet` row) gets an ASO `RoleAssignment` (see
   * {@link AksClassKubeconfigAccess}). With local accounts disabled and Azure RBAC on (the
   * defaults), `<cluster>-kubeconfig` holds an Entra ID token of the ASO credential's identity,
   * which has no rights on the cluster until it is given one: Cluster API (nodes, MachinePool
   * status) and Flux hydration through that kubeconfig are then refused (403). Required while
   * local accounts are disabled: a grant, or `{ grantedOutside: '<where the role comes from>' }`
   * when the identity has a role given outside the app (on the subscription; its group in
   * `adminGroupObjectIds`, the only way without Azure RBAC).
   * @default - none: a synth error while local accounts are disabled
   */
  readonly kubeconfigAccess?: AksClassKubeconfigAccess | KubeconfigAccessGrantedOutside;
}

/**
 * The role an {@link AksClusterClass} gives, on each cluster's AKS cluster, to the identity of the
 * ASO credential its resources use. With local accounts disabled, CAPZ writes
 * `<cluster>-kubeconfig` with an Entra ID token it requests with that credential (CAPZ
 * `AzureASOManagedControlPlaneReconciler.reconcileKubeconfig`), so Cluster API and Flux act on the
 * workload cluster as that identity. Each `TopologyCluster` of the class renders an ASO
 * `RoleAssignment` `<cluster>-capz-kubeconfig-access-<hash of principal and role>` in its namespace, owned by its ManagedCluster,
 * with the cluster's removal policy. It is a top-level object, not a resource of the control plane
 * template: CAPZ waits for every resource of `AzureASOManagedControlPlane.spec.resources` to be
 * ready before it refreshes the kubeconfig token (`reconcileNormal`), so a failing assignment there
 * would cut the cluster off within the token's hour; and CAPZ's own RBAC does not cover
 * RoleAssignments. ASO must serve `authorization.azure.com/RoleAssignment` (the ASO CAPZ installs
 * serves only the CRDs of its `--crd-pattern`: add it with `ADDITIONAL_ASO_CRDS`).
 */
export interface AksClassKubeconfigAccess {
  /**
   * Object id of the identity of the ASO credential(s) the clusters use (`credentialFrom`, each
   * cluster's `credentialSecretName`, else ASO's namespace or global credential). A fleet spanning
   * subscriptions usually has one identity with a credential Secret per subscription; a cluster
   * whose credential is another identity needs a class of its own.
   */
  readonly principalId: string;
  /**
   * The subscription of the clusters (the role definition's ARM id is under it); a cluster of
   * another subscription sets its own (`TopologyCluster` `subscriptionId`, a `Fleet` row's
   * `subscriptionId`).
   */
  readonly subscriptionId: string;
  /**
   * Kind of principal.
   * @default 'ServicePrincipal' (a managed identity or app registration)
   */
  readonly principalType?: 'ServicePrincipal' | 'Group' | 'User';
  /**
   * The role assigned on each AKS cluster.
   * @default AzureBuiltInRole.AKS_RBAC_CLUSTER_ADMIN ("Azure Kubernetes Service RBAC Cluster Admin")
   */
  readonly roleDefinitionId?: string;
  /**
   * Name of the Secret (in each cluster's namespace) with the ASO credential that creates the role
   * assignments: it needs `Microsoft.Authorization/roleAssignments/write` on the clusters (Owner,
   * User Access Administrator or Role Based Access Control Administrator), which CAPZ's own
   * identity usually lacks. It must be of the clusters' subscription (ASO refuses a credential of
   * another subscription than the resource's owner), so a `Fleet` refuses it for rows of another
   * subscription than {@link subscriptionId}.
   * @default - the cluster's credential (`credentialFrom`, or its `credentialSecretName`)
   */
  readonly credentialFrom?: string;
}

/** The {@link AksClassKubeconfigAccess} of a class, checked and normalized (GUIDs in lower case). */
export interface ResolvedKubeconfigAccess {
  readonly principalId: string;
  readonly principalType: 'ServicePrincipal' | 'Group' | 'User';
  readonly roleDefinitionId: string;
  readonly subscriptionId: string;
  readonly credentialFrom?: string;
}

/** Per machine pool settings of a cluster (the `nodePool` variable of an {@link AksClusterClass} with `nodePoolVariables`). */
export interface AksNodePoolOverride {
  /** VM size, e.g. `Standard_D8s_v5`. @default - the class's pool VM size */
  readonly vmSize?: string;
  /** Autoscaler minimum (pool classes with autoscaling only). @default - the class's */
  readonly minCount?: number;
  /** Autoscaler maximum (pool classes with autoscaling only). @default - the class's */
  readonly maxCount?: number;
  /** Availability zones (pool classes with zones only). @default - the class's */
  readonly zones?: string[];
}

/** A variable of an {@link AksClusterClass} (`spec.variables[]`), declared with {@link AksClusterClass.addVariable}. */
export interface AksClusterClassVariable {
  /** Variable name (as used in patches: `{{ .<name> }}`). */
  readonly name: string;
  /** Whether every cluster must set it. @default false */
  readonly required?: boolean;
  /**
   * Its OpenAPI v3 schema (`schema.openAPIV3Schema`), e.g. `{ type: 'string', enum: ['Standard_D4s_v5'] }`.
   * Cluster values are validated against it at synth (by `TopologyCluster` users such as `Fleet`).
   */
  readonly schema: Record<string, unknown>;
}

/**
 * A ClusterClass patch (`spec.patches[]`), as Cluster API defines it: JSON patches applied to the
 * templates a selector matches, with values from variables (`valueFrom.variable`/`valueFrom.template`).
 */
export interface AksClusterClassPatch {
  /** Patch name (unique in the class). */
  readonly name: string;
  /** Go template; the patch applies when it renders `true`. @default - always */
  readonly enabledIf?: string;
  /** The definitions (selector + jsonPatches), as in the ClusterClass API. */
  readonly definitions: Array<Record<string, unknown>>;
}

const BUILTIN_NAME = '{{ .builtin.cluster.name }}';
const CREDENTIAL_VAR = CREDENTIAL_VARIABLE;

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
 *   name: 'aks-standard', location: 'westeurope', credentialFrom: 'aso-credential',
 *   machinePoolClasses: [
 *     { class: 'system', pool: { name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5' } },
 *     { class: 'worker', pool: { name: 'worker', vmSize: 'Standard_D4s_v5', autoscaling: { min: 1, max: 5 } } },
 *   ],
 * });
 * new TopologyCluster(folder, 'shop-dev', { name: 'shop-dev', clusterClass: cls, kubernetesVersion: 'v1.33.2' });
 */
export class AksClusterClass extends PlatformResource {
  /** The ClusterClass. */
  public readonly apiObject: ApiObject;
  /** The machine pool class names. */
  public readonly machinePoolClassNames: readonly string[];
  /**
   * The machine pool classes whose pool is autoscaled by AKS: topology clusters leave their
   * `replicas` unset (the autoscaler owns the count).
   */
  public readonly autoscaledPoolClasses: readonly string[];
  /** Whether clusters must set the `location` variable. */
  public readonly requiresLocation: boolean;
  /**
   * Whether the AKS `dnsPrefix` is each cluster's name (no `dnsPrefix` prop): cluster names are
   * then limited to the 54 characters of a DNS prefix (see {@link clusterNameProblem}).
   */
  public readonly dnsPrefixIsClusterName: boolean;
  /**
   * Whether each cluster's ASO ManagedCluster exports the Entra user kubeconfig as
   * `<cluster>-user-kubeconfig` (local accounts disabled, the default).
   */
  public readonly exportsUserKubeconfig: boolean;
  /**
   * Why a cluster of this class cannot be named `name` (undefined: it can): with the cluster name as
   * the AKS `dnsPrefix`, at most 54 characters (AKS: "1-54 letters, digits and -").
   */
  public clusterNameProblem(name: string): string | undefined {
    if (!this.dnsPrefixIsClusterName || name.length <= 54) return undefined;
    return `"${name}" has ${name.length} characters: ClusterClass ${this.name} uses the cluster name as the AKS dnsPrefix, which allows at most 54; use a shorter name, or give the class a dnsPrefix`;
  }

  /** Machine pool classes with autoscaling / zones (what a `nodePool` override may set), and the autoscaler bounds of those with autoscaling. */
  public readonly machinePoolFeatures: Readonly<Record<string, { readonly autoscaling: boolean; readonly zones: boolean; readonly minCount?: number; readonly maxCount?: number }>>;
  /** Whether the class declares the `nodePool` variable ({@link AksClusterClassProps.nodePoolVariables}). */
  public readonly nodePoolVariables: boolean;
  /** Whether the class declares the `credentialSecretName` variable ({@link AksClusterClassProps.perClusterCredential}). */
  public readonly perClusterCredential: boolean;
  /** The role each cluster's kubeconfig identity gets ({@link AksClusterClassProps.kubeconfigAccess}), rendered by each `TopologyCluster` of the class. */
  public readonly kubeconfigAccess?: ResolvedKubeconfigAccess;
  /** Name of the ASO credential Secret of the clusters' resources ({@link AksClusterClassProps.credentialFrom}), when given. */
  public readonly credentialName?: string;
  /** Removal policy of the clusters' Azure resources (the templates' ASO reconcile policy, {@link AksClusterClassProps.removalPolicy}). */
  public readonly removalPolicy: RemovalPolicy;
  private readonly className: string;
  private readonly classNamespace: string;
  private readonly variableList: Array<Record<string, any>> = [];
  private readonly patchList: Array<Record<string, any>> = [];

  public constructor(scope: Construct, id: string, props: AksClusterClassProps) {
    super(scope, id);
    const name = (this.className = checkString(this, 'name', props.name, DNS_LABEL));
    const namespace = (this.classNamespace = resolveNamespace(this, props.namespace));
    // The topology pins the version (spec.topology.version → the control plane's spec.version).
    const owner: VersionOwnership = {
      pinnedVersion: 'the topology version',
      pinnedBy: 'CAPZ (spec.version, from each Cluster\'s spec.topology.version)',
      versionProp: 'the TopologyCluster\'s kubernetesVersion',
      clusterApi: true,
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
    this.machinePoolClassNames = [...classes];
    this.autoscaledPoolClasses = props.machinePoolClasses.filter((c) => c.pool.autoscaling).map((c) => c.class);
    this.requiresLocation = props.location === undefined;
    this.dnsPrefixIsClusterName = props.dnsPrefix === undefined;
    const policy = (this.removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN);
    const credential = props.credentialFrom !== undefined
      ? resolveSecret(this, 'credentialFrom', props.credentialFrom, { namespace, why: 'ASO reads Secrets from the resource\'s namespace (the clusters\' namespace)' }).name
      : undefined;
    const location = `{{ .${LOCATION_VARIABLE} }}`;

    const cpTemplate = `${name}-control-plane`;
    new AzureAsoManagedControlPlaneTemplate(this, 'ControlPlaneTemplate', { metadata: { name: cpTemplate, namespace }, spec: { template: { spec: {} } } });
    new AzureAsoManagedClusterTemplate(this, 'ClusterTemplate', { metadata: { name, namespace }, spec: { template: { spec: {} } } });

    const rgAnnotations = embeddedAsoAnnotations(AsoResourceGroup.GVK.apiVersion, credential, policy);
    const rg = AsoResourceGroup.manifest({ metadata: { name: BUILTIN_NAME, ...(rgAnnotations ? { annotations: rgAnnotations } : {}) }, spec: { location } });
    const mcAnnotations = embeddedAsoAnnotations(AsoManagedCluster.GVK.apiVersion, credential, policy);
    const disableLocal = (props.entraId ?? true) && (props.disableLocalAccounts ?? true);
    this.exportsUserKubeconfig = disableLocal;
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

    this.credentialName = credential;
    const access = props.kubeconfigAccess;
    if (isGrantedOutside(access)) checkGrantedOutside(this, 'kubeconfigAccess', access, disableLocal);
    this.kubeconfigAccess = access !== undefined && !isGrantedOutside(access) ? this.resolveKubeconfigAccess(access, disableLocal, props.azureRbac ?? true) : undefined;
    if (access === undefined && disableLocal) {
      const azureRbac = props.azureRbac ?? true;
      this.node.addValidation({ validate: () => [kubeconfigAccessMissing(azureRbac)] });
    }

    // The same for every pool class.
    const poolAnnotations = embeddedAsoAnnotations(ManagedClustersAgentPool.GVK.apiVersion, credential, policy);
    const infraApi = AzureAsoManagedControlPlaneTemplate.GVK.apiVersion;
    const replaceSpec = (template: Record<string, unknown>) => [{
      op: ClusterClassSpecPatchesDefinitionsJsonPatchesOp.REPLACE,
      path: '/spec/template/spec',
      valueFrom: { template: toYaml(template) },
    }];
    const patches: Array<Record<string, any>> = this.patchList;
    patches.push(
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
    );

    const workers = props.machinePoolClasses.map((c) => {
      const templateName = `${name}-${c.pool.name}`;
      new AzureAsoManagedMachinePoolTemplate(this, `PoolTemplate-${c.class}`, { metadata: { name: templateName, namespace }, spec: { template: { spec: {} } } });
      // AKS joins its nodes itself, but v1beta2 MachinePool classes need a bootstrap template whose
      // spec is not empty (`format: cloud-config`, the default), as in CAPZ's AKS ClusterClass
      // flavor (test/capi/equivalence.test.ts). The KubeadmConfig CABPK makes from it never reaches
      // a node (AKS pools take no bootstrap data); without a kubeadm control plane its join data
      // may never be generated. CAPZ's own AKS ClusterClass flavor runs the same way.
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
    this.perClusterCredential = props.perClusterCredential ?? false;
    this.addVariable({
      name: LOCATION_VARIABLE,
      required: props.location === undefined,
      schema: {
        type: ClusterClassSpecVariablesSchemaOpenApiv3SchemaType.STRING,
        description: 'Azure region of the cluster',
        ...(props.location !== undefined ? { default: props.location } : {}),
        pattern: '^[a-z][a-z0-9]*$',
      },
    });
    if (this.perClusterCredential) {
      this.addVariable({
        name: CREDENTIAL_VAR,
        schema: {
          type: 'string',
          description: 'ASO credential Secret (in the cluster\'s namespace) of the cluster\'s Azure resources: its subscription',
          ...(credential !== undefined ? { default: credential } : {}),
          pattern: DNS_SUBDOMAIN.pattern!.source,
          maxLength: 253,
        },
      });
      const annotation = (i: number) => ({
        op: ClusterClassSpecPatchesDefinitionsJsonPatchesOp.ADD,
        path: `/spec/template/spec/resources/${i}/metadata/annotations/serviceoperator.azure.com~1credential-from`,
        valueFrom: { variable: CREDENTIAL_VAR },
      });
      // An embedded resource without annotations gets an empty map first; one with annotations
      // (the reconcile policy of RETAIN) keeps them: an `add` of an existing member replaces it
      // (RFC 6902 section 4.1).
      const ensure = (has: unknown) => (has ? [] : [{ op: ClusterClassSpecPatchesDefinitionsJsonPatchesOp.ADD, path: '/spec/template/spec/resources/0/metadata/annotations', valueFrom: { template: '{}' } }]);
      this.addPatch({
        name: 'credential-from',
        enabledIf: `{{ if .${CREDENTIAL_VAR} }}true{{ end }}`,
        definitions: [
          { selector: { apiVersion: infraApi, kind: 'AzureASOManagedClusterTemplate', matchResources: { infrastructureCluster: true } }, jsonPatches: [...ensure(rgAnnotations), annotation(0)] },
          { selector: { apiVersion: infraApi, kind: 'AzureASOManagedControlPlaneTemplate', matchResources: { controlPlane: true } }, jsonPatches: [...ensure(mcAnnotations), annotation(0)] },
          { selector: { apiVersion: infraApi, kind: 'AzureASOManagedMachinePoolTemplate', matchResources: { machinePoolClass: { names: [...classes] } } }, jsonPatches: [...ensure(poolAnnotations), annotation(0)] },
        ],
      });
    }
    this.machinePoolFeatures = Object.fromEntries(props.machinePoolClasses.map((c) => [c.class, {
      autoscaling: !!c.pool.autoscaling,
      zones: (c.pool.zones ?? []).length > 0,
      ...(c.pool.autoscaling ? { minCount: c.pool.autoscaling.min, maxCount: c.pool.autoscaling.max } : {}),
    }]));
    this.nodePoolVariables = props.nodePoolVariables ?? false;
    if (this.nodePoolVariables) {
      this.addVariable({
        name: NODE_POOL_VARIABLE,
        schema: {
          type: 'object',
          description: 'Settings of one machine pool (set as a machine pool override); unset fields keep the class\'s',
          default: {},
          properties: {
            vmSize: { type: 'string', pattern: '^Standard_[A-Za-z0-9_]+$', maxLength: 64 },
            minCount: { type: 'integer', minimum: 0, maximum: 1000 },
            maxCount: { type: 'integer', minimum: 1, maximum: 1000 },
            zones: { type: 'array', items: { type: 'string', enum: ['1', '2', '3'] }, minItems: 1, maxItems: 3 },
          },
        },
      });
      // enabledIf only sees cluster-level values, so the per-pool values are read with templates
      // (sprig's dig, defaulting to the class's settings) instead.
      for (const c of props.machinePoolClasses) {
        const set = (field: string, value: string) => ({ op: ClusterClassSpecPatchesDefinitionsJsonPatchesOp.ADD, path: `/spec/template/spec/resources/0/spec/${field}`, valueFrom: { template: value } });
        const dig = (key: string, fallback: string) => `{{ dig "${key}" ${fallback} .${NODE_POOL_VARIABLE} | toJson }}`;
        this.addPatch({
          name: `${NODE_POOL_PATCH_PREFIX}${c.pool.name}`,
          definitions: [{
            selector: { apiVersion: infraApi, kind: 'AzureASOManagedMachinePoolTemplate', matchResources: { machinePoolClass: { names: [c.class] } } },
            jsonPatches: [
              set('vmSize', dig('vmSize', JSON.stringify(c.pool.vmSize))),
              ...(c.pool.autoscaling ? [set('minCount', dig('minCount', String(c.pool.autoscaling.min))), set('maxCount', dig('maxCount', String(c.pool.autoscaling.max)))] : []),
              ...((c.pool.zones ?? []).length > 0 ? [set('availabilityZones', dig('zones', `(list ${c.pool.zones!.map((z) => JSON.stringify(z)).join(' ')})`))] : []),
            ],
          }],
        });
      }
    }
    this.apiObject = new ClusterClass(this, 'Resource', {
      metadata: { name, namespace },
      spec: {
        controlPlane: { templateRef: { apiVersion: infraApi, kind: 'AzureASOManagedControlPlaneTemplate', name: cpTemplate } },
        infrastructure: { templateRef: { apiVersion: infraApi, kind: 'AzureASOManagedClusterTemplate', name } },
        variables: this.variableList as any,
        patches: patches as any,
        workers: { machinePools: workers },
      },
    });
  }

  /** {@link AksClusterClassProps.kubeconfigAccess} checked; throws where AksCluster.grantKubeconfigAccess does. */
  private resolveKubeconfigAccess(access: AksClassKubeconfigAccess, disableLocal: boolean, azureRbac: boolean): ResolvedKubeconfigAccess {
    const prop = 'kubeconfigAccess';
    const ids = checkKubeconfigAccess(this, prop, access, disableLocal, azureRbac);
    if (access.credentialFrom !== undefined) checkString(this, `${prop}.credentialFrom`, access.credentialFrom, DNS_SUBDOMAIN);
    return { ...ids, principalType: access.principalType ?? 'ServicePrincipal', ...(access.credentialFrom !== undefined ? { credentialFrom: access.credentialFrom } : {}) };
  }

  /**
   * Escape hatch: declares a ClusterClass variable (`spec.variables[]`) for values the typed
   * props do not cover; use it from a patch added with {@link addPatch}. Cluster values are
   * validated against `schema` by {@link validateVariables}.
   */
  public addVariable(variable: AksClusterClassVariable): void {
    checkString(this, 'addVariable.name', variable.name, { min: 1, max: 256, pattern: /^[A-Za-z][A-Za-z0-9_]*$/, description: 'a variable name (a letter, then letters, digits and "_")' });
    if (variable.name === 'builtin' || this.variableList.some((v) => v.name === variable.name)) {
      throw propError(this, 'addVariable.name', `"${variable.name}" is already a variable of ClusterClass ${this.className}`);
    }
    if (typeof variable.schema !== 'object' || variable.schema === null) throw propError(this, `addVariable(${variable.name}).schema`, 'must be an OpenAPI v3 schema object');
    this.variableList.push({ name: variable.name, required: variable.required ?? false, schema: { openApiv3Schema: variable.schema } });
    this.validators.delete(variable.name);
  }

  /**
   * Escape hatch: adds a ClusterClass patch (`spec.patches[]`), applied after the class's own
   * patches, e.g. to set a ManagedCluster field from a variable:
   * `{ name: 'sku', definitions: [{ selector: {...controlPlane: true}, jsonPatches: [{ op: 'add', path: '/spec/template/spec/resources/0/spec/sku', valueFrom: { variable: 'sku' } }] }] }`.
   * The ClusterClass is still validated against its schema at synth.
   */
  public addPatch(patch: AksClusterClassPatch): void {
    checkString(this, 'addPatch.name', patch.name, DNS_LABEL);
    if (this.patchList.some((p) => p.name === patch.name)) throw propError(this, 'addPatch.name', `"${patch.name}" is already a patch of ClusterClass ${this.className}`);
    if (!Array.isArray(patch.definitions) || patch.definitions.length === 0) throw propError(this, `addPatch(${patch.name}).definitions`, 'must list at least one definition');
    this.patchList.push({ name: patch.name, ...(patch.enabledIf !== undefined ? { enabledIf: patch.enabledIf } : {}), definitions: patch.definitions });
  }

  /** The declared variables: name → `{ required, schema }` (the openAPIV3Schema). */
  public get variables(): Readonly<Record<string, { readonly required: boolean; readonly schema: Record<string, unknown> }>> {
    return Object.fromEntries(this.variableList.map((v) => [v.name as string, { required: v.required as boolean, schema: v.schema.openApiv3Schema }]));
  }

  private readonly validators = new Map<string, ValidateFunction>();

  /**
   * Checks a cluster's variable values against the class's declared variables: unknown names,
   * missing required variables, and values not matching their openAPIV3Schema (with ajv, as the
   * app validates objects). Returns one message per problem, `variables.<name>: <reason>`.
   */
  public validateVariables(values: Record<string, unknown>): string[] {
    const problems: string[] = [];
    const declared = this.variables;
    for (const [name, v] of Object.entries(declared)) {
      if (v.required && values[name] === undefined && v.schema.default === undefined) problems.push(`variables.${name}: is required by ClusterClass ${this.name}`);
    }
    for (const [name, value] of Object.entries(values)) {
      const v = declared[name];
      if (!v) {
        problems.push(`variables.${name}: is not a variable of ClusterClass ${this.name} (${Object.keys(declared).join(', ')})`);
        continue;
      }
      let validate = this.validators.get(name);
      if (!validate) {
        validate = compileJsonSchema(toJsonSchema(v.schema, { root: true }));
        this.validators.set(name, validate);
      }
      if (validate(value)) continue;
      for (const f of mapAjvErrors(validate.errors ?? [], value)) {
        // The failing value: the variable's, or the field's inside it (`zones[0]`, `a.b`).
        const at = (f.field.match(/[^.[\]]+/g) ?? []).reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], value);
        const shown = at === undefined ? '' : `${JSON.stringify(at)} `;
        problems.push(`variables.${name}${f.field ? (f.field.startsWith('[') ? f.field : `.${f.field}`) : ''}: ${shown}${f.reason}`);
      }
    }
    return problems;
  }

  private refTemplate(prop: string, kind: string, name: string): void {
    addReference(this, prop, { apiGroup: kind === 'KubeadmConfigTemplate' ? BOOTSTRAP_GROUP : INFRA_GROUP, kind, name, namespace: this.classNamespace });
  }

  /** Namespace of the class, its templates and (by default) the clusters using it. */
  public override get namespace(): string {
    return this.classNamespace;
  }
}

import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ClusterExports, IKubeconfigCluster, KubeconfigSecret } from '../core/cluster';
import { ENVIRONMENT_LABEL, ENVIRONMENT_VALUE } from '../core/environment';
import { checkString, DNS_LABEL } from '../core/errors';
import { ExportedValue } from '../core/exported-value';
import { ObjectRef } from '../core/references';
import { applyRemovalPolicy, RemovalPolicy } from '../core/removal-policy';
import { ImportedResource, IPlatformResource, PlatformResource, ResourceImportProps } from '../core/resource';
import { allConstructs, memoForSynthPass } from '../core/synth-pass';
import { Folder } from '../gitops/folder';
import { CAPI_GROUP, CLUSTER_API_VERSION } from './constants';

/**
 * A Cluster API cluster (`AksCluster`, `SelfManagedAzureCluster`, `TopologyCluster`, or one owned
 * elsewhere: {@link CapiCluster.fromName}): its CAPI `Cluster` name and namespace, and the
 * kubeconfig Secret CAPI writes for it.
 */
export interface ICapiCluster extends IKubeconfigCluster, IPlatformResource {
  /** Namespace of the CAPI `Cluster` (and of every object of the cluster). */
  readonly namespace: string;
  /** The `<cluster>-kubeconfig` Secret (key `value`) Cluster API writes: "a Secret" ({@link ISecretSource}). */
  readonly kubeconfigSecret: KubeconfigSecret;
  /** The cluster's exports: `kubeconfig`, and `oidcIssuer` when the controller exports it. */
  readonly exports: ClusterExports;
  /** The CAPI `Cluster` as an {@link ObjectRef}. */
  toRef(): ObjectRef;
}

/** Props of {@link CapiCluster.fromName}. */
export interface CapiClusterImportProps extends ResourceImportProps {
  /**
   * The environment the cluster belongs to (dev, test, prod...).
   * @default - none
   */
  readonly environment?: string;
}

/** The {@link ObjectRef} of a CAPI `Cluster`. */
export function capiClusterRef(name: string, namespace: string): ObjectRef {
  return { apiGroup: CAPI_GROUP, kind: 'Cluster', name, namespace };
}

/**
 * Base of the Cluster API cluster constructs: the CAPI `Cluster` is the {@link apiObject}; the
 * cluster's name, namespace, kubeconfig Secret (`<name>-kubeconfig`, an `ISecretSource`) and
 * exports; the environment written as the label `platform.cdk8s.io/environment` on the Cluster;
 * {@link applyRemovalPolicy} covering every object of the cluster (clusters are retained by default).
 *
 * @example
 * // A cluster created by another app or team: hydrate it through its kubeconfig Secret.
 * const shop = CapiCluster.fromName(folder, 'shop-prod', { name: 'shop-prod', namespace: 'fleet' });
 * new RemoteClusterHydration(folder, 'shop-prod-hydration', { cluster: shop, source, stages: [...] });
 */
export abstract class CapiCluster extends PlatformResource implements ICapiCluster {
  /**
   * A CAPI `Cluster` owned elsewhere (another app, `clusterctl`): nothing is rendered; the Cluster
   * and its `<name>-kubeconfig` Secret (key `value`, Cluster API's convention) are declared as
   * provided, so it can be hydrated (Flux `RemoteClusterHydration`, `kubeConfig`) or health-checked
   * like a cluster of the app.
   */
  public static fromName(scope: Construct, id: string, props: CapiClusterImportProps): ICapiCluster {
    return new ImportedCapiCluster(scope, id, props);
  }

  /** The CAPI `Cluster`. */
  public abstract override readonly apiObject: ApiObject;
  /** The environment, if given (also the Cluster's label `platform.cdk8s.io/environment`). */
  public readonly environment?: string;
  private kubeconfig?: KubeconfigSecret;
  private clusterExports?: ClusterExports;
  private readonly covered: ApiObject[] = [];
  private policy: RemovalPolicy = RemovalPolicy.RETAIN;

  protected constructor(scope: Construct, id: string, environment: string | undefined) {
    super(scope, id);
    if (environment !== undefined) checkString(this, 'environment', environment, ENVIRONMENT_VALUE);
    this.environment = environment;
    this.node.addValidation({ validate: () => sharedAksClusterProblems(this) });
  }

  /**
   * Where the cluster's AKS cluster is in Azure, when the app knows its subscription: the
   * subscription, resource group and AKS cluster name (lowercase: Azure compares them without
   * case). Undefined for clusters that are not AKS, or whose subscription only their ASO
   * credential knows.
   */
  public get azureLocation(): AksAzureLocation | undefined {
    return undefined;
  }

  /**
   * Secrets the cluster's controllers write in its namespace besides Cluster API's
   * `<name>-kubeconfig` (ASO's `<name>-user-kubeconfig` export of an AKS cluster without local
   * accounts). Another cluster of the namespace whose kubeconfig Secret has one of these names
   * would share it with this one.
   */
  public get exportedSecretNames(): readonly string[] {
    return [];
  }

  /** The cluster name (the CAPI `Cluster` name). */
  public get clusterName(): string {
    return this.name;
  }

  /** Namespace of the CAPI `Cluster` and of every object of the cluster. */
  public override get namespace(): string {
    return this.apiObject.metadata.namespace!;
  }

  /** The `<name>-kubeconfig` Secret (key `value`) Cluster API writes on the management cluster. */
  public get kubeconfigSecret(): KubeconfigSecret {
    return this.kubeconfig!;
  }

  /** The cluster's exports: `kubeconfig`, and `oidcIssuer` when the controller exports it. */
  public get exports(): ClusterExports {
    return this.clusterExports!;
  }

  /** The removal policy of the cluster's objects. */
  public get removalPolicy(): RemovalPolicy {
    return this.policy;
  }

  /**
   * Sets what happens to the cluster when it is removed from the app, on the CAPI `Cluster` and
   * every object of the cluster (its infrastructure, control plane and pools).
   */
  public override applyRemovalPolicy(policy: RemovalPolicy): void {
    this.policy = policy;
    for (const obj of this.covered) applyRemovalPolicy(obj, policy);
  }

  /** The CAPI `Cluster` as an {@link ObjectRef}. */
  public override toRef(): ObjectRef {
    return capiClusterRef(this.name, this.namespace);
  }

  /**
   * Declares the cluster's kubeconfig Secret and exports, and writes the environment label; call it
   * once {@link apiObject} exists.
   */
  protected initCluster(oidcIssuer?: ExportedValue): void {
    this.kubeconfig = KubeconfigSecret.capi(this, 'KubeconfigSecret', { clusterName: this.name, namespace: this.namespace });
    this.clusterExports = { kubeconfig: this.kubeconfig.value, ...(oidcIssuer ? { oidcIssuer } : {}) };
    if (this.environment !== undefined) this.apiObject.metadata.addLabel(ENVIRONMENT_LABEL, this.environment);
  }

  /** Puts `objects` under the cluster's removal policy (applied now, and by {@link applyRemovalPolicy}). */
  protected coverRemoval(policy: RemovalPolicy, ...objects: ApiObject[]): void {
    this.policy = policy;
    for (const obj of objects) {
      this.covered.push(obj);
      applyRemovalPolicy(obj, policy);
    }
  }
}

/** Where a cluster's AKS cluster is in Azure ({@link CapiCluster.azureLocation}). */
export interface AksAzureLocation {
  /** The subscription id, lowercase. */
  readonly subscriptionId: string;
  /** The resource group name, lowercase. */
  readonly resourceGroup: string;
  /** The AKS cluster name, lowercase. */
  readonly clusterName: string;
}

const SHARED_AKS = Symbol('aks clusters by azure location');

/**
 * Two clusters of the app naming one AKS cluster in Azure (same subscription, resource group and
 * name; in two namespaces, Fleets or management repos). ASO adopts an Azure resource that exists
 * (ASO docs, "Adoption"), so both Clusters' control planes would manage one AKS cluster and its
 * pools, fighting over version and counts, and deleting either (a DESTROY cluster) would delete it.
 * Reported by every cluster but the first of a location.
 */
function sharedAksClusterProblems(self: CapiCluster): string[] {
  return [...sameAksProblems(self), ...kubeconfigSecretProblems(self)];
}

const EXPORTED_SECRETS = Symbol('secrets clusters export');

/**
 * A cluster whose Cluster API kubeconfig Secret (`<name>-kubeconfig`) has the name of a Secret
 * another cluster of its namespace exports (`<other>-user-kubeconfig` for a cluster named
 * `<other>-user`): CAPZ and ASO would write one Secret, each overwriting the other's kubeconfig,
 * and Flux and CAPZ would reach whichever cluster wrote last.
 */
function kubeconfigSecretProblems(self: CapiCluster): string[] {
  const exported = memoForSynthPass(EXPORTED_SECRETS, self.node.root, () => {
    const m = new Map<string, CapiCluster>();
    for (const c of allConstructs(self.node.root)) {
      // A cluster whose constructor threw (a test catching it) has no Cluster object.
      if (!(c instanceof CapiCluster) || !c.apiObject) continue;
      for (const n of c.exportedSecretNames) if (!m.has(`${c.namespace}/${n}`)) m.set(`${c.namespace}/${n}`, c);
    }
    return m;
  });
  if (!self.apiObject) return [];
  const other = exported.get(`${self.namespace}/${self.name}-kubeconfig`);
  if (!other || other === self) return [];
  return [
    `${self.apiObject.kind}/${self.namespace}/${self.name}: its kubeconfig Secret ${self.name}-kubeconfig is also the Secret ASO exports the user kubeconfig of ${other.apiObject.kind}/${other.namespace}/${other.name} to (${other.node.path}): ` +
      'CAPZ and ASO would each overwrite the other\'s kubeconfig in it, and Flux and CAPZ would reach whichever cluster wrote last; rename this cluster (a name not ending in "-user"), or put it in another namespace',
  ];
}

function sameAksProblems(self: CapiCluster): string[] {
  const byLocation = memoForSynthPass(SHARED_AKS, self.node.root, () => {
    const m = new Map<string, CapiCluster[]>();
    for (const c of allConstructs(self.node.root)) {
      if (!(c instanceof CapiCluster)) continue;
      const at = c.azureLocation;
      if (!at) continue;
      const key = `${at.subscriptionId}/${at.resourceGroup}/${at.clusterName}`;
      const list = m.get(key);
      if (list) list.push(c);
      else m.set(key, [c]);
    }
    return m;
  });
  const at = self.azureLocation;
  if (!at) return [];
  const list = byLocation.get(`${at.subscriptionId}/${at.resourceGroup}/${at.clusterName}`) ?? [];
  if (list.length < 2 || list[0] === self) return [];
  const first = list[0];
  return [
    `${self.apiObject.kind}/${self.namespace}/${self.name}: AKS cluster "${at.clusterName}" in resource group "${at.resourceGroup}" of subscription ${at.subscriptionId} is also ` +
      `the AKS cluster of ${first.apiObject.kind}/${first.namespace}/${first.name} (${first.node.path}): ASO adopts an existing Azure resource, so both Clusters would manage one AKS cluster ` +
      '(fighting over its version, pools and counts), and deleting either would delete it; give one another name or resource group',
  ];
}

/** A CAPI `Cluster` owned elsewhere ({@link CapiCluster.fromName}). */
class ImportedCapiCluster extends ImportedResource implements ICapiCluster {
  declare public readonly namespace: string;
  public readonly environment?: string;
  public readonly kubeconfigSecret: KubeconfigSecret;
  public readonly exports: ClusterExports;

  public constructor(scope: Construct, id: string, props: CapiClusterImportProps) {
    super(scope, id, { apiGroup: CAPI_GROUP, kind: 'Cluster', apiVersion: CLUSTER_API_VERSION, nameRule: DNS_LABEL, defaultNamespace: 'default' }, props);
    if (props.environment !== undefined) checkString(this, 'environment', props.environment, ENVIRONMENT_VALUE);
    this.environment = props.environment;
    this.kubeconfigSecret = KubeconfigSecret.capi(this, 'KubeconfigSecret', { clusterName: this.name, namespace: this.namespace });
    this.exports = { kubeconfig: this.kubeconfigSecret.value };
  }

  public get clusterName(): string {
    return this.name;
  }
}

/** The namespace of a cluster construct: the prop, else the folder's namespace, else `default`. */
export function resolveNamespace(scope: IConstruct, namespace: string | undefined): string {
  return checkString(scope, 'namespace', namespace ?? Folder.of(scope).namespace ?? 'default', DNS_LABEL);
}

/** Checks a cluster name (a DNS label: CAPI puts it in label values). */
export function checkClusterName(scope: IConstruct, name: string): string {
  return checkString(scope, 'name', name, DNS_LABEL);
}

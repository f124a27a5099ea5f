import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { IKubeconfigCluster } from '../core/cluster';
import { checkLabels, checkString, DNS_LABEL, propError } from '../core/errors';
import { groupOf } from '../core/validation/metadata';

/** Label this library puts on registered CAPI Clusters (carried to the Argo CD cluster Secret): the cluster name. */
export const CLUSTER_NAME_LABEL = 'platform.cdk8s.io/cluster-name';
/** Label capi2argo-cluster-operator puts on every Argo CD cluster Secret it writes. */
export const CAPI2ARGO_OWNED_LABEL = 'capi-to-argocd/owned';
/** Prefix of the capi2argo-cluster-operator marker labels: `take-along-label.capi-to-argocd.<key>: ""` copies label `<key>` of the Cluster to the Secret. */
export const TAKE_ALONG_PREFIX = 'take-along-label.capi-to-argocd.';

const REGISTERED = Symbol.for('cdk8s-platform.argocd.RegisteredCluster');

/** Whether a cluster construct was added to a {@link CapiClusterRegistration}. */
export function isRegistered(cluster: IKubeconfigCluster): boolean {
  return (cluster as unknown as Record<symbol, unknown>)[REGISTERED] === true;
}

/** Props of a {@link CapiClusterRegistration}. */
export interface CapiClusterRegistrationProps {
  /** The Cluster API clusters of the app to register (their CAPI `Cluster` objects are labelled). */
  readonly clusters: IKubeconfigCluster[];
  /**
   * Labels added to each CAPI `Cluster` and carried to its Argo CD cluster Secret, for
   * ApplicationSet cluster generators to select (e.g. `{ 'platform.cdk8s.io/fleet': 'shop' }`).
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Labels the Clusters already have that are carried to the Argo CD cluster Secret.
   * @default ['environment'] (the label a Fleet sets from the cluster's environment)
   */
  readonly carryLabels?: string[];
}

/**
 * Registers Cluster API workload clusters with Argo CD **without any credential in Git**: the
 * Argo CD cluster Secret (label `argocd.argoproj.io/secret-type: cluster`) is produced on the
 * management cluster, from the `<cluster>-kubeconfig` Secret Cluster API writes, by
 * [capi2argo-cluster-operator](https://github.com/dntosas/capi2argo-cluster-operator), which
 * you install in the management cluster (for example with an {@link Application} of its Helm
 * chart). The operator names the Secret `cluster-<name>` in Argo CD's namespace, sets `name` and
 * `server` from the kubeconfig, copies its client certificate or bearer token into `config`, and
 * copies the Cluster labels marked `take-along-label.capi-to-argocd.<key>`.
 *
 * This construct marks each cluster's CAPI `Cluster`: it adds {@link CLUSTER_NAME_LABEL} and
 * `labels`, and the take-along markers for them and for `carryLabels`, so ApplicationSet cluster
 * generators can select the clusters and template their folders; and it records the clusters as
 * registered, so Applications may name them as destinations.
 *
 * AKS with local accounts disabled: CAPZ writes `<cluster>-kubeconfig` with a bearer token of the
 * ASO credential's identity (it replaces the kubelogin exec plugin and refreshes the token before
 * it expires), which the operator copies from chart 0.2.1 on (re-read every `syncDuration`, 60s by
 * default); chart 0.1.x requires a client certificate (`ValidateClusterTLSConfig`: "missing key
 * on ArgoTLS config") and registers no such cluster. The identity needs a role on each cluster
 * (`kubeconfigAccess` of the AKS cluster or class). A kubeconfig whose user runs an exec plugin
 * has no certificate or token to copy: such clusters need an Argo CD cluster Secret with
 * `execProviderConfig` or workload identity, written by other means.
 *
 * @example
 * const registration = new CapiClusterRegistration(mgmt, 'argocd-clusters', {
 *   clusters: fleet.members.map((m) => m.cluster),
 *   labels: { 'platform.cdk8s.io/fleet': 'shop' },
 * });
 */
export class CapiClusterRegistration extends Construct {
  /** The registered clusters. */
  public readonly clusters: readonly IKubeconfigCluster[];
  /** The labels added to every registered cluster (and carried to its Secret). */
  public readonly labels: Readonly<Record<string, string>>;
  /** Every label key carried to the Argo CD cluster Secrets. */
  public readonly carriedLabels: readonly string[];
  private readonly carriedValues = new Map<IKubeconfigCluster, Record<string, string>>();

  public constructor(scope: Construct, id: string, props: CapiClusterRegistrationProps) {
    super(scope, id);
    if (!props.clusters || props.clusters.length === 0) throw propError(this, 'clusters', 'must list at least one cluster');
    checkLabels(this, 'labels', props.labels);
    if (props.labels && CLUSTER_NAME_LABEL in props.labels) throw propError(this, `labels.${CLUSTER_NAME_LABEL}`, 'is set by the registration (the cluster name)');
    const carry = props.carryLabels ?? ['environment'];
    carry.forEach((k, i) => checkLabels(this, `carryLabels[${i}]`, { [`${TAKE_ALONG_PREFIX}${k}`]: '' }));
    this.labels = { ...(props.labels ?? {}) };
    this.carriedLabels = [...new Set([CLUSTER_NAME_LABEL, ...Object.keys(this.labels), ...carry])].sort();
    const names = new Set<string>();
    props.clusters.forEach((cluster, i) => {
      checkString(this, `clusters[${i}].clusterName`, cluster.clusterName, DNS_LABEL);
      if (names.has(cluster.clusterName)) throw propError(this, `clusters[${i}]`, `cluster "${cluster.clusterName}" is listed twice`);
      names.add(cluster.clusterName);
      const obj = capiClusterObject(cluster);
      if (!obj) {
        throw propError(this, `clusters[${i}]`, `"${cluster.clusterName}" has no CAPI Cluster object in the app: register clusters created elsewhere by writing their Argo CD cluster Secret outside Git, and pass { name } as destination`);
      }
      const own = { [CLUSTER_NAME_LABEL]: cluster.clusterName, ...this.labels };
      for (const [k, v] of Object.entries(own)) obj.metadata.addLabel(k, v);
      const present = { ...obj.metadata.toJson().labels as Record<string, string> | undefined };
      const values: Record<string, string> = {};
      for (const k of this.carriedLabels) {
        if (present[k] === undefined) continue;
        obj.metadata.addLabel(`${TAKE_ALONG_PREFIX}${k}`, '');
        values[k] = present[k];
      }
      this.carriedValues.set(cluster, values);
      Object.defineProperty(cluster, REGISTERED, { value: true, configurable: true });
    });
    this.clusters = [...props.clusters];
  }

  /** The labels the Argo CD cluster Secret of `cluster` carries (as the Cluster has them now). */
  public secretLabels(cluster: IKubeconfigCluster): Record<string, string> {
    const v = this.carriedValues.get(cluster);
    if (!v) throw new Error(`${this.node.path}: cluster "${cluster.clusterName}" is not part of this registration`);
    return { ...v };
  }
}

/** The CAPI `Cluster` ApiObject of a cluster construct, if it is one of the app. */
function capiClusterObject(cluster: IKubeconfigCluster): ApiObject | undefined {
  const c = cluster as unknown as IConstruct;
  if (!Construct.isConstruct(c)) return undefined;
  return c.node.findAll().find((x): x is ApiObject => x instanceof ApiObject && x.kind === 'Cluster' && groupOf(x.apiVersion) === 'cluster.x-k8s.io');
}

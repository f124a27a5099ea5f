import { Construct } from 'constructs';
import { ExportedValue } from './exported-value';
import { addProvided } from './references';
import type { ISecretSource } from './secret';

/**
 * A Kubernetes cluster that the management cluster can apply manifests to through a kubeconfig
 * Secret (for Flux `spec.kubeConfig.secretRef`). Implemented by the Cluster API constructs
 * (`AksCluster`, `SelfManagedAzureCluster`, `TopologyCluster`, `CapiCluster.fromName`), whose
 * controller writes the `<cluster>-kubeconfig` Secret (key `value`) in the cluster's namespace;
 * implement it yourself for clusters created elsewhere.
 */
export interface IKubeconfigCluster {
  /** The cluster's name (its CAPI `Cluster` name). */
  readonly clusterName: string;
  /**
   * Where the kubeconfig lives on the management cluster. On the library's cluster constructs it
   * is a {@link KubeconfigSecret}: also "a Secret" ({@link ISecretSource}).
   */
  readonly kubeconfigSecret: KubeconfigSecretRef;
  /**
   * The environment the cluster belongs to (dev, test, prod, ...), used to group and summarize.
   * @default - none
   */
  readonly environment?: string;
  /**
   * The values the cluster's controllers export: `exports.kubeconfig` (the kubeconfig Secret's
   * key), `exports.oidcIssuer` when known.
   * @default - none (a hand-written implementation)
   */
  readonly exports?: ClusterExports;
}

/** The exports of a cluster ({@link IKubeconfigCluster.exports}). */
export interface ClusterExports {
  /** The kubeconfig: key `value` of the `<cluster>-kubeconfig` Secret Cluster API writes. */
  readonly kubeconfig: ExportedValue;
  /**
   * The OIDC issuer URL, when the cluster's controller exports it (e.g. AKS with the OIDC issuer
   * on: a ConfigMap key written by ASO).
   * @default - not exported
   */
  readonly oidcIssuer?: ExportedValue;
}

/**
 * A Secret holding a kubeconfig (plain form: name, namespace and key). The cluster constructs
 * return a {@link KubeconfigSecret}, which is also an {@link ISecretSource}.
 */
export interface KubeconfigSecretRef {
  /** Secret name (CAPI: `<cluster>-kubeconfig`). */
  readonly name: string;
  /** Namespace of the Secret (the cluster's namespace). */
  readonly namespace: string;
  /** Key holding the kubeconfig (CAPI: `value`). */
  readonly key: string;
}

/** "A Secret" ({@link ISecretSource}) holding a kubeconfig under {@link key}. */
export interface IKubeconfigSecret extends ISecretSource {
  /** Key holding the kubeconfig (CAPI: `value`). */
  readonly key: string;
}

/**
 * The kubeconfig Secret Cluster API writes for a cluster (`<cluster>-kubeconfig`, key `value`, in
 * the cluster's namespace), as "a Secret": pass it wherever an {@link ISecretSource} is taken. It is
 * declared as provided (written by the controller), so references to it resolve.
 *
 * @example
 * const kubeconfig = KubeconfigSecret.capi(folder, 'aks-dev-kubeconfig', { clusterName: 'aks-dev', namespace: 'fleet' });
 * kubeconfig.secretName; // 'aks-dev-kubeconfig'
 */
export class KubeconfigSecret extends Construct implements IKubeconfigSecret, KubeconfigSecretRef {
  /** The `<clusterName>-kubeconfig` Secret (key `value`) Cluster API writes for a cluster. */
  public static capi(scope: Construct, id: string, props: { readonly clusterName: string; readonly namespace: string }): KubeconfigSecret {
    return new KubeconfigSecret(scope, id, capiKubeconfigSecret(props.clusterName, props.namespace));
  }

  public readonly secretName: string;
  public readonly secretNamespace: string;
  public readonly key: string;

  private constructor(scope: Construct, id: string, ref: KubeconfigSecretRef) {
    super(scope, id);
    this.secretName = ref.name;
    this.secretNamespace = ref.namespace;
    this.key = ref.key;
    addProvided(this, { apiGroup: '', kind: 'Secret', name: ref.name, namespace: ref.namespace });
  }

  /** @deprecated use {@link secretName} */
  public get name(): string {
    return this.secretName;
  }

  /** @deprecated use {@link secretNamespace} */
  public get namespace(): string {
    return this.secretNamespace;
  }

  /** The kubeconfig as an {@link ExportedValue} (the Secret's {@link key}). */
  public get value(): ExportedValue {
    return kubeconfigExport(this);
  }
}

/** The kubeconfig of `secret` as an {@link ExportedValue} (key `secret.key`). */
export function kubeconfigExport(secret: IKubeconfigSecret): ExportedValue {
  return new ExportedValue(() => ({ kind: 'Secret', name: secret.secretName, namespace: secret.secretNamespace, key: secret.key }));
}

/** The kubeconfig Secret Cluster API writes for a cluster: `<name>-kubeconfig`, key `value`. */
export function capiKubeconfigSecret(clusterName: string, namespace: string): KubeconfigSecretRef {
  return { name: `${clusterName}-kubeconfig`, namespace, key: 'value' };
}

/**
 * Something with an OIDC issuer that can federate Kubernetes ServiceAccounts to Entra ID (an AKS
 * cluster with the OIDC issuer on). Consumed by workload-identity constructs (ASO
 * `FederatedIdentityCredential`).
 */
export interface IOidcIssuer {
  /**
   * The issuer URL as exported by the controller (a ConfigMap key, e.g. ASO's
   * `operatorSpec.configMaps.oidcIssuerProfile`), when it is exported.
   * @deprecated use `exports.oidcIssuer`
   */
  readonly oidcIssuerExport?: ExportedValue;
  /**
   * The exports of the cluster: `exports.oidcIssuer` is the issuer URL as exported by the
   * controller, when it is exported.
   * @default - none
   */
  readonly exports?: { readonly oidcIssuer?: ExportedValue };
  /** The issuer URL, when known at synth (e.g. given by the user for an existing cluster). */
  readonly oidcIssuerUrl?: string;
}

import { Construct } from 'constructs';
import { ExportedValue } from './exported-value';
import { ImportedResource } from './resource';
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
   * Where the kubeconfig lives on the management cluster: "a Secret" ({@link ISecretSource}) and
   * its key; a {@link KubeconfigSecret} on the library's cluster constructs.
   */
  readonly kubeconfigSecret: IKubeconfigSecret;
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
export class KubeconfigSecret extends ImportedResource implements IKubeconfigSecret {
  /** The `<clusterName>-kubeconfig` Secret (key `value`) Cluster API writes for a cluster. */
  public static capi(scope: Construct, id: string, props: { readonly clusterName: string; readonly namespace: string }): KubeconfigSecret {
    return new KubeconfigSecret(scope, id, { name: `${props.clusterName}-kubeconfig`, namespace: props.namespace, key: 'value' });
  }

  public readonly key: string;

  private constructor(scope: Construct, id: string, ref: { readonly name: string; readonly namespace: string; readonly key: string }) {
    super(scope, id, { apiGroup: '', kind: 'Secret', apiVersion: 'v1' }, { name: ref.name, namespace: ref.namespace });
    this.key = ref.key;
  }

  public get secretName(): string {
    return this.name;
  }

  public get secretNamespace(): string {
    return this.namespace!;
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

/**
 * Something with an OIDC issuer that can federate Kubernetes ServiceAccounts to Entra ID (an AKS
 * cluster with the OIDC issuer on). Consumed by workload-identity constructs (ASO
 * `FederatedIdentityCredential`).
 */
export interface IOidcIssuer {
  /**
   * The exports of the cluster: `exports.oidcIssuer` is the issuer URL as exported by the
   * controller, when it is exported.
   * @default - none
   */
  readonly exports?: { readonly oidcIssuer?: ExportedValue };
  /** The issuer URL, when known at synth (e.g. given by the user for an existing cluster). */
  readonly oidcIssuerUrl?: string;
}

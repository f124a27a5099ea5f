/**
 * A Kubernetes cluster that the management cluster can apply manifests to through a kubeconfig
 * Secret (for Flux `spec.kubeConfig.secretRef`). Implemented by the Cluster API constructs
 * (`AksCluster`, `SelfManagedAzureCluster`, topology `Cluster`), whose controller writes the
 * `<cluster>-kubeconfig` Secret (key `value`) in the cluster's namespace; implement it yourself
 * for clusters created elsewhere.
 */
export interface IKubeconfigCluster {
  /** The cluster's name (its CAPI `Cluster` name). */
  readonly clusterName: string;
  /** Where the kubeconfig lives on the management cluster. */
  readonly kubeconfigSecret: KubeconfigSecretRef;
  /**
   * The environment the cluster belongs to (dev, test, prod, ...), used to group and summarize.
   * @default - none
   */
  readonly environment?: string;
}

/** A Secret holding a kubeconfig. */
export interface KubeconfigSecretRef {
  /** Secret name (CAPI: `<cluster>-kubeconfig`). */
  readonly name: string;
  /** Namespace of the Secret (the cluster's namespace). */
  readonly namespace: string;
  /** Key holding the kubeconfig (CAPI: `value`). */
  readonly key: string;
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
   */
  readonly oidcIssuerExport?: import('./exported-value').ExportedValue;
  /** The issuer URL, when known at synth (e.g. given by the user for an existing cluster). */
  readonly oidcIssuerUrl?: string;
}

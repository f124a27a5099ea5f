// An AKS cluster in the shape of CAPZ's `aks-aso` clusterctl flavor, built from the generated L1
// classes (CAPI v1beta2 + CAPZ AzureASOManaged* embedding ASO resources), plus the two Flux
// Kustomizations that hydrate it from the management cluster. Kept for the fleet benchmark's L1 mode
// (`npm run bench`; `--l2` builds the same shape with AksCluster) and test/newcomer; the bundled
// example uses the L2 constructs (app.ts).
import { Construct } from 'constructs';
import { Cluster, MachinePool } from '../../imports/capi/cluster.x-k8s.io';
import {
  AzureAsoManagedCluster,
  AzureAsoManagedControlPlane,
  AzureAsoManagedMachinePool,
} from '../../imports/capz/infrastructure.cluster.x-k8s.io';
import { Kustomization, KustomizationSpecSourceRefKind } from '../../imports/flux/kustomize.toolkit.fluxcd.io';

export interface AksAsoClusterSpec {
  readonly name: string;
  readonly namespace: string;
  readonly location: string;
  readonly kubernetesVersion: string;
  readonly credentialSecret: string;
  readonly vmSize: string;
  /** Name of the Flux source (GitRepository) holding the workload clusters' folders. */
  readonly sourceName: string;
}

const INFRA_GROUP = 'infrastructure.cluster.x-k8s.io';

export function aksAsoCluster(scope: Construct, spec: AksAsoClusterSpec): void {
  const { name, namespace } = spec;
  const credential = { 'serviceoperator.azure.com/credential-from': spec.credentialSecret };
  new Cluster(scope, `${name}-cluster`, {
    metadata: { name, namespace },
    spec: {
      controlPlaneRef: { apiGroup: INFRA_GROUP, kind: 'AzureASOManagedControlPlane', name },
      infrastructureRef: { apiGroup: INFRA_GROUP, kind: 'AzureASOManagedCluster', name },
    },
  });
  new AzureAsoManagedControlPlane(scope, `${name}-controlplane`, {
    metadata: { name, namespace },
    spec: {
      version: spec.kubernetesVersion,
      resources: [
        {
          apiVersion: 'containerservice.azure.com/v1api20250801',
          kind: 'ManagedCluster',
          metadata: { name, annotations: credential },
          spec: {
            dnsPrefix: name,
            identity: { type: 'SystemAssigned' },
            location: spec.location,
            networkProfile: { networkPlugin: 'azure' },
            owner: { name },
            servicePrincipalProfile: { clientId: 'msi' },
          },
        },
      ],
    },
  });
  new AzureAsoManagedCluster(scope, `${name}-infra`, {
    metadata: { name, namespace },
    spec: {
      resources: [
        {
          apiVersion: 'resources.azure.com/v1api20200601',
          kind: 'ResourceGroup',
          metadata: { name, annotations: credential },
          spec: { location: spec.location },
        },
      ],
    },
  });
  for (const [i, mode] of (['System', 'User'] as const).entries()) {
    const pool = `${name}-pool${i}`;
    new MachinePool(scope, `${pool}-machinepool`, {
      metadata: { name: pool, namespace },
      spec: {
        clusterName: name,
        replicas: 2,
        template: {
          spec: {
            bootstrap: { dataSecretName: '' },
            clusterName: name,
            infrastructureRef: { apiGroup: INFRA_GROUP, kind: 'AzureASOManagedMachinePool', name: pool },
            version: spec.kubernetesVersion,
          },
        },
      },
    });
    new AzureAsoManagedMachinePool(scope, `${pool}-asomachinepool`, {
      metadata: { name: pool, namespace },
      spec: {
        resources: [
          {
            apiVersion: 'containerservice.azure.com/v1api20250801',
            kind: 'ManagedClustersAgentPool',
            metadata: { name: pool, annotations: credential },
            spec: {
              azureName: `pool${i}`,
              mode,
              owner: { name },
              type: 'VirtualMachineScaleSets',
              vmSize: spec.vmSize,
            },
          },
        ],
      },
    });
  }
  // Hydration: apply the cluster's infrastructure, then its apps, to the workload cluster.
  for (const layer of ['infrastructure', 'apps']) {
    new Kustomization(scope, `${name}-${layer}`, {
      metadata: { name: `${name}-${layer}`, namespace },
      spec: {
        interval: '10m',
        path: `./${layer}/${name}`,
        prune: true,
        sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: spec.sourceName, namespace: 'flux-system' },
        kubeConfig: { secretRef: { name: `${name}-kubeconfig`, key: 'value' } },
        dependsOn: layer === 'apps' ? [{ name: `${name}-infrastructure` }] : undefined,
        wait: true,
        timeout: '5m',
      },
    });
  }
}

/**
 * Day-2 changes of the objects of a self-managed Cluster API cluster on Azure VMs (what
 * `SelfManagedAzureCluster` writes: a Cluster without topology, a CAPZ `AzureCluster`, a
 * `KubeadmControlPlane`, `MachineDeployment`s and `AzureMachineTemplate`s), found by comparing the
 * committed object with the new one of the same kind and identity (the destroy guard pairs them).
 * Read against Cluster API v1.14 and CAPZ v1.26:
 *
 * - refused (a webhook refuses it, so the server-side dry-run of everything Flux applies with it
 *   fails; or the controllers accept it and then destroy or ignore it):
 *   - an `AzureMachineTemplate`'s `spec.template.spec` (CAPZ `internal/webhooks/azuremachinetemplate_webhook.go`:
 *     "AzureMachineTemplate spec.template.spec field is immutable. Please create new resource instead");
 *   - an `AzureCluster`'s `location`, `subscriptionID` or `resourceGroup` (CAPZ
 *     `azurecluster_webhook.go` `ValidateUpdate`, `ValidateImmutable`: "field is immutable");
 *   - an `AzureCluster`'s `networkSpec.vnet.name`: the webhook accepts it, but CAPZ names the VNet's
 *     ASO object after it (`azure/services/virtualnetworks/spec.go`), so it creates a second VNet,
 *     and its subnets service deletes the managed subnets no longer in the spec (`<vnet>-<subnet>`,
 *     `azure/services/aso/service.go`): those the running machines are in;
 *   - a kubeadm Cluster's `spec.clusterNetwork.pods.cidrBlocks`: accepted, but the kubeadm bootstrap
 *     provider reads it only when kubeadm initialises the cluster, and KubeadmControlPlane never
 *     updates it: the running cluster keeps its pod CIDR;
 *   - a Cluster's `spec.topology` added (without Cluster API's
 *     `unsafe.topology.cluster.x-k8s.io/disable-update-class-name-check` annotation) or removed
 *     (cluster-api `core/webhooks/admission/cluster.go`: "cannot be removed from an existing
 *     Cluster", "classRef cannot be set on an existing Cluster");
 *   - a `KubeadmControlPlane`'s `spec.version` raised by two minors or more (its webhook's
 *     `validateVersion`: "cannot update Kubernetes version from ... to ...") or lowered by a minor
 *     version (the webhook lets it through, but Kubernetes has no minor downgrade path);
 *   - a `MachineDeployment`'s `spec.clusterName` (`machinedeployment.go`: "field is immutable"), as
 *     when `<cluster>-<group>` of two clusters collide;
 * - protected (allowed by the object's id): a `KubeadmControlPlane`'s patch downgrade (rolled out to
 *   every control-plane machine); an `AzureCluster`'s `identityRef`: CAPZ uses the new
 *   identity from then on, but running machines keep the old credentials in their azure.json until
 *   they are replaced, and the old identity keeps this cluster's finalizer (`EnsureClusterIdentity`
 *   adds it; only the AzureCluster's deletion removes it, and only from the current one).
 */
import { groupOf } from '../core/validation/metadata';
import { getFieldPath } from '../crossplane/field-path';
import { show } from './aso-transitions';
import { versionSkew } from './cluster-transitions';
import type { PlainObject } from './protection';

type Json = Record<string, unknown>;

const INFRA_GROUP = 'infrastructure.cluster.x-k8s.io';

/** Whether the guard compares `o` as part of a self-managed cluster (see {@link selfManagedTransition}). */
export function comparesSelfManaged(o: { apiVersion: string; kind: string }): boolean {
  const group = groupOf(o.apiVersion);
  return ((o.kind === 'AzureMachineTemplate' || o.kind === 'AzureCluster') && group === INFRA_GROUP) ||
    (o.kind === 'KubeadmControlPlane' && group === 'controlplane.cluster.x-k8s.io') ||
    ((o.kind === 'MachineDeployment' || o.kind === 'Cluster') && group === 'cluster.x-k8s.io');
}

/** What a change of an object of a self-managed cluster means: refused, and protection reasons (allowed by its allow id). */
export interface SelfManagedTransition {
  readonly refused: string[];
  readonly protection: string[];
}

/** The transition from the committed `old` to `next` (same kind and identity). See the module comment. */
export function selfManagedTransition(old: PlainObject, next: PlainObject): SelfManagedTransition {
  const refused: string[] = [];
  const protection: string[] = [];
  const a = (old.spec ?? {}) as Json;
  const b = (next.spec ?? {}) as Json;
  const at = getFieldPath;
  const changed = (path: string) => {
    const [x, y] = [at(a, path), at(b, path)];
    return x !== undefined && y !== undefined && JSON.stringify(x) !== JSON.stringify(y) ? [x, y] as const : undefined;
  };
  const dryRun = 'so the server-side dry-run of everything applied with it fails';
  switch (next.kind) {
    case 'AzureMachineTemplate': {
      const [x, y] = [(at(a, 'template.spec') ?? {}) as Json, (at(b, 'template.spec') ?? {}) as Json];
      const fields = [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((k) => JSON.stringify(x[k]) !== JSON.stringify(y[k])).sort();
      if (fields.length > 0) {
        refused.push(`spec.template.spec: ${fields.join(', ')} changed: CAPZ's webhook refuses changing an AzureMachineTemplate ("AzureMachineTemplate spec.template.spec field is immutable. Please create new resource instead"), ` +
          `${dryRun}; create a template of another name with the new spec and point the MachineDeployment or KubeadmControlPlane at it (Cluster API then rolls the machines), then remove this one`);
      }
      break;
    }
    case 'AzureCluster': {
      for (const [path, what] of [['location', 'location'], ['subscriptionID', 'subscription'], ['resourceGroup', 'resource group']] as const) {
        const c = changed(path);
        if (c) refused.push(`spec.${path}: ${show(c[0])} → ${show(c[1])}: CAPZ's webhook refuses changing an AzureCluster's ${what} ("field is immutable"), ${dryRun}; keep ${show(c[0])}, or create a new cluster and move the workloads to it`);
      }
      const vnet = changed('networkSpec.vnet.name');
      if (vnet) {
        refused.push(`spec.networkSpec.vnet.name: ${show(vnet[0])} → ${show(vnet[1])}: CAPZ accepts it, but then creates a second virtual network and deletes the subnets of ${show(vnet[0])} it manages, ` +
          `those the running machines are in (and their azure.json still names ${show(vnet[0])}); keep ${show(vnet[0])}`);
      }
      const identity = changed('identityRef');
      if (identity) {
        protection.push(`spec.identityRef: ${show(identity[0])} → ${show(identity[1])}: CAPZ uses the new identity from now on (its allowedNamespaces must include this cluster's namespace), ` +
          "but the running machines keep the old one's credentials in their azure.json until they are replaced, and the old identity keeps this cluster's finalizer (deleting it hangs until it is removed by hand)");
      }
      break;
    }
    case 'Cluster': {
      const [t, u] = [a.topology !== undefined, b.topology !== undefined];
      // Cluster API's escape hatch for adding a class (core/webhooks/admission/cluster.go).
      const unsafe = next.metadata?.annotations?.['unsafe.topology.cluster.x-k8s.io/disable-update-class-name-check'] !== undefined;
      if (t !== u && !(u && unsafe)) {
        refused.push(t
          ? `spec.topology: removed: Cluster API's webhook refuses removing the topology of an existing Cluster ("cannot be removed from an existing Cluster"), ${dryRun}; give the new cluster another name`
          : `spec.topology: added: Cluster API's webhook refuses a ClusterClass for an existing Cluster ("classRef cannot be set on an existing Cluster"), ${dryRun}; give the new cluster another name`);
        break;
      }
      if (t || u) break; // topology Clusters: lib/safety/cluster-transitions.ts
      // Only kubeadm's: CAPZ copies an AKS cluster's pod CIDR to its managed cluster (aso-transitions compares that).
      if (at(b, 'controlPlaneRef.kind') !== 'KubeadmControlPlane') break;
      const pods = changed('clusterNetwork.pods.cidrBlocks');
      if (pods) {
        refused.push(`spec.clusterNetwork.pods.cidrBlocks: ${show(pods[0])} → ${show(pods[1])}: Cluster API accepts it, but kubeadm reads the pod CIDR only when it creates the cluster, ` +
          `and KubeadmControlPlane never updates it: the running cluster keeps ${show(pods[0])}; keep it, or create a new cluster`);
      }
      break;
    }
    case 'KubeadmControlPlane': {
      const skew = versionSkew(a.version, b.version);
      const minor = (v: unknown) => (typeof v === 'string' ? /^v?(\d+\.\d+)/.exec(v)?.[1] : undefined);
      if (skew && 'downgrade' in skew && minor(a.version) === minor(b.version)) {
        protection.push(`spec.version: ${String(a.version)} → ${String(b.version)} is a patch downgrade: KubeadmControlPlane's webhook lets it through and Cluster API rolls every control-plane machine onto it`);
      } else if (skew && 'downgrade' in skew) {
        refused.push(`spec.version: ${String(a.version)} → ${String(b.version)} is a downgrade: KubeadmControlPlane's webhook lets it through, but Kubernetes has no minor version downgrade path ` +
          `(kubeadm and etcd do not go back a minor version) and Cluster API would roll the control plane onto it; keep ${String(a.version)}`);
      } else if (skew) {
        refused.push(`spec.version: ${String(a.version)} → ${String(b.version)} skips a minor version, which KubeadmControlPlane's webhook refuses ("cannot update Kubernetes version from ${String(a.version)} to ${String(b.version)}"), ` +
          `${dryRun}; set ${skew.next} first, let the upgrade finish, then ${String(b.version)}`);
      }
      break;
    }
    case 'MachineDeployment': {
      const c = changed('clusterName');
      if (c) {
        refused.push(`spec.clusterName: ${show(c[0])} → ${show(c[1])}: Cluster API's webhook refuses moving a MachineDeployment to another cluster ("field is immutable"), ${dryRun}; ` +
          'this name is now another cluster\'s machine deployment (<cluster>-<group> of two clusters collide): rename the worker group');
      }
      break;
    }
  }
  return { refused, protection };
}

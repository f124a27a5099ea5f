import { IKubeconfigCluster } from '../core/cluster';
import { ObjectRef } from '../core/references';
import { CAPI_GROUP } from './constants';

/**
 * A Cluster API cluster of this app (`AksCluster`, `SelfManagedAzureCluster`, `TopologyCluster`):
 * its CAPI `Cluster` name and namespace, and the kubeconfig Secret CAPI writes for it.
 */
export interface ICapiCluster extends IKubeconfigCluster {
  /** Namespace of the CAPI `Cluster` (and of every object of the cluster). */
  readonly namespace: string;
  /** The CAPI `Cluster` object, for references. */
  readonly clusterRef: ObjectRef;
}

/** The {@link ObjectRef} of a CAPI `Cluster`. */
export function capiClusterRef(name: string, namespace: string): ObjectRef {
  return { apiGroup: CAPI_GROUP, kind: 'Cluster', name, namespace };
}

import { IConstruct } from 'constructs';
import { checkString, DNS_LABEL } from '../core/errors';
import { Folder } from '../gitops/folder';

/** The namespace of a cluster construct: the prop, else the folder's namespace, else `default`. */
export function resolveNamespace(scope: IConstruct, namespace: string | undefined): string {
  return checkString(scope, 'namespace', namespace ?? Folder.of(scope).namespace ?? 'default', DNS_LABEL);
}

/** Checks a cluster name (a DNS label: CAPI puts it in label values). */
export function checkClusterName(scope: IConstruct, name: string): string {
  return checkString(scope, 'name', name, DNS_LABEL);
}

// A hand-written IKubeconfigCluster (a cluster the app knows only by its kubeconfig Secret), for
// tests of consumers: unlike CapiCluster.fromName, its Secret is not declared as provided, so
// reference checks still apply.
import { Construct } from 'constructs';
import { IKubeconfigCluster, IKubeconfigSecret } from '../../lib';

/** A cluster `clusterName` whose kubeconfig is the Secret `<clusterName>-kubeconfig` (key `value`) in `namespace`. */
export function handWrittenCluster(scope: Construct, clusterName: string, namespace: string): IKubeconfigCluster {
  let id = `${clusterName}-kubeconfig-ref`;
  for (let i = 2; scope.node.tryFindChild(id); i++) id = `${clusterName}-kubeconfig-ref-${i}`;
  const kubeconfigSecret: IKubeconfigSecret = Object.assign(new Construct(scope, id), {
    secretName: `${clusterName}-kubeconfig`,
    secretNamespace: namespace,
    key: 'value',
  });
  return { clusterName, kubeconfigSecret };
}

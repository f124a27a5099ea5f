import { Construct } from 'constructs';
import { IKubeconfigCluster } from '../core/cluster';
import { checkString, DNS_LABEL, propError } from '../core/errors';
import { Folder } from '../gitops/folder';
import { FluxDuration, ISource } from './common';
import { HealthCheckTarget, Kustomization, KustomizationPatch } from './kustomization';

/** One stage of a remote cluster's hydration (e.g. `infrastructure`, then `apps`). */
export interface HydrationStage {
  /** Stage name; the Kustomization is named `<clusterName>-<name>`. */
  readonly name: string;
  /** Folder of the same repo as the source (or a `./path` string) applied to the remote cluster. */
  readonly folder: Folder | string;
  /** Prune objects removed from the folder. @default true */
  readonly prune?: boolean;
  /** Depend on the previous stage (so stages apply in order). Ignored for the first stage. @default true */
  readonly dependsOnPrevious?: boolean;
  /** Wait for every applied object to be ready. @default true */
  readonly wait?: boolean;
  /** Objects (on the remote cluster) to health-check. @default - none */
  readonly healthChecks?: HealthCheckTarget[];
  /** Timeout of apply and health checks. @default '5m' */
  readonly timeout?: FluxDuration;
  /** Patches (per-cluster overlay). @default - none */
  readonly patches?: KustomizationPatch[];
  /** Post-build variables. @default - none */
  readonly substitute?: Record<string, string>;
  /**
   * ServiceAccount (of the Kustomization's namespace) impersonated on the remote cluster: only its
   * RBAC bindings there count, the account object need not exist. Required under a Flux lockdown:
   * there `--default-service-account=default` makes Flux impersonate `<namespace>:default` on the
   * remote cluster (fluxcd/pkg runtime/client/impersonator.go), which has no permissions.
   * @default - none: Flux applies as the kubeconfig's user (cluster-admin for CAPI kubeconfigs),
   *   unless the controller runs with `--default-service-account`
   */
  readonly serviceAccountName?: string;
}

/** Props of a {@link RemoteClusterHydration}. */
export interface RemoteClusterHydrationProps {
  /** The workload cluster (a Cluster API construct, or any {@link IKubeconfigCluster}). */
  readonly cluster: IKubeconfigCluster;
  /**
   * The source the stage folders are in (a GitRepository or OCIRepository, or an import). Under a
   * Flux lockdown (`FluxBootstrap({ lockdown: true })`, `--no-cross-namespace-refs=true`) it must
   * be in the Kustomizations' namespace (the kubeconfig Secret's): flux-system's own GitRepository
   * is refused there, so define one in that namespace with its own `secretRef`.
   */
  readonly source: ISource;
  /** Stages, applied in order. At least one. */
  readonly stages: HydrationStage[];
  /**
   * Namespace of the Kustomizations.
   * @default - the kubeconfig Secret's namespace (Flux reads the Secret from the Kustomization's namespace)
   */
  readonly namespace?: string;
  /** Reconcile interval. @default '10m' */
  readonly interval?: FluxDuration;
  /**
   * Interval after a failed reconciliation (`spec.retryInterval`), e.g. shorter than a long
   * `interval`, so a cluster that was unreachable for a moment is retried soon.
   * @default - the interval (Flux's default)
   */
  readonly retryInterval?: FluxDuration;
  /** Shard key (`sharding.fluxcd.io/key`) of the Kustomizations. @default - none */
  readonly shardKey?: string;
  /**
   * What happens to the objects applied to the remote cluster when a Kustomization is deleted
   * (`spec.deletionPolicy`). `Orphan` leaves them, for a retained cluster whose Kustomizations
   * may be deleted by hand once their row or stage is gone.
   * @default - `Orphan` when the cluster is retained (the default: removing the cluster from the
   * app must not delete its workloads), else Flux's `MirrorPrune` (deleted when the stage prunes)
   */
  readonly deletionPolicy?: 'MirrorPrune' | 'Delete' | 'WaitForTermination' | 'Orphan';
}

/**
 * Hydrates a remote (workload) cluster from the management cluster: one Flux Kustomization per
 * stage, named `<clusterName>-<stage>`, applying the stage's folder through the cluster's
 * kubeconfig Secret (`spec.kubeConfig.secretRef`, the `<cluster>-kubeconfig` Secret Cluster API
 * writes, key `value`), each depending on the previous stage (infrastructure, then apps).
 * Create it in a folder reconciled by the management cluster.
 *
 * @example
 * new RemoteClusterHydration(mgmtFolder, 'aks-dev-hydration', {
 *   cluster: aksDev, source,
 *   stages: [{ name: 'infrastructure', folder: repo.folder('infrastructure/aks-dev') }, { name: 'apps', folder: repo.folder('apps/aks-dev') }],
 * });
 */
export class RemoteClusterHydration extends Construct {
  /** The Kustomizations, one per stage, in order. */
  public readonly kustomizations: Kustomization[] = [];

  public constructor(scope: Construct, id: string, props: RemoteClusterHydrationProps) {
    super(scope, id);
    if (!props.stages || props.stages.length === 0) throw propError(this, 'stages', 'needs at least one stage');
    const secret = props.cluster.kubeconfigSecret;
    const namespace = props.namespace ?? secret.secretNamespace;
    if (namespace !== secret.secretNamespace) {
      throw propError(this, 'namespace', `"${namespace}" must be the namespace of the kubeconfig Secret ${secret.secretNamespace}/${secret.secretName} (Flux reads it from the Kustomization's namespace)`);
    }
    const seen = new Set<string>();
    props.stages.forEach((stage, i) => {
      checkString(this, `stages[${i}].name`, stage.name, DNS_LABEL);
      if (seen.has(stage.name)) throw propError(this, `stages[${i}].name`, `"${stage.name}" is used by another stage`);
      seen.add(stage.name);
      const common = {
        name: `${props.cluster.clusterName}-${stage.name}`,
        namespace,
        source: props.source,
        prune: stage.prune ?? true,
        wait: stage.wait ?? true,
        timeout: stage.timeout ?? '5m',
        interval: props.interval,
        retryInterval: props.retryInterval,
        shardKey: props.shardKey,
        kubeConfig: props.cluster,
        healthChecks: stage.healthChecks,
        patches: stage.patches,
        substitute: stage.substitute,
        serviceAccountName: stage.serviceAccountName,
        deletionPolicy: props.deletionPolicy,
        dependsOn: i > 0 && (stage.dependsOnPrevious ?? true) ? [this.kustomizations[i - 1]] : undefined,
      };
      const k = typeof stage.folder === 'string'
        ? new Kustomization(this, stage.name, { ...common, path: stage.folder })
        : Kustomization.forFolder(this, stage.name, stage.folder, common);
      this.kustomizations.push(k);
    });
  }
}

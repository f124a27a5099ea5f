import { Construct } from 'constructs';
import { checkLabels, checkString, DNS_LABEL, propError } from '../core/errors';
import { ISource } from '../flux/common';
import { RemoteClusterHydration } from '../flux/remote-cluster-hydration';
import { Folder, FOLDER_PATH } from '../gitops/folder';
import { Repo } from '../gitops/repo';
import { AksClusterClass } from './aks-cluster-class';
import { TopologyCluster, TopologyMachinePool } from './topology-cluster';

/** Settings a fleet cluster inherits: fleet defaults, then its environment's, then its own. */
export interface FleetClusterSettings {
  /**
   * Kubernetes version, `v<major>.<minor>.<patch>`.
   * @default - inherited
   */
  readonly kubernetesVersion?: string;
  /**
   * Azure region (the class's `location` variable).
   * @default - inherited, else the class's default location
   */
  readonly location?: string;
  /**
   * More ClusterClass variables (merged key by key).
   * @default - inherited
   */
  readonly variables?: Record<string, unknown>;
  /**
   * Machine pools.
   * @default - inherited, else one per machine pool class with 1 replica
   */
  readonly machinePools?: TopologyMachinePool[];
  /**
   * Labels of the CAPI Cluster (merged key by key).
   * @default - inherited
   */
  readonly labels?: Record<string, string>;
}

/** One cluster of a {@link Fleet}. */
export interface FleetClusterSpec extends FleetClusterSettings {
  /** Cluster name (a DNS label), unique in the fleet. */
  readonly name: string;
  /**
   * Environment, a key of {@link FleetProps.environments}.
   * @default - none (fleet defaults only)
   */
  readonly environment?: string;
}

/** Props of a {@link Fleet}. */
export interface FleetProps {
  /** The repo holding the management folders and each cluster's stage folders. */
  readonly repo: Repo;
  /** The ClusterClass every cluster is built from. */
  readonly clusterClass: AksClusterClass;
  /**
   * The Flux source (of `repo`) the hydration Kustomizations read. Under a Flux lockdown it must
   * be in the clusters' namespace (see `RemoteClusterHydration`).
   * @default - none: no Flux hydration is written (hydrate the clusters with Argo CD instead,
   *   see `argocd.ClusterGenerator.registered`)
   */
  readonly source?: ISource;
  /** Defaults of every cluster; `kubernetesVersion` is required somewhere in the chain. */
  readonly defaults: FleetClusterSettings;
  /**
   * Per-environment overrides of the defaults.
   * @default - none
   */
  readonly environments?: Record<string, FleetClusterSettings>;
  /** The clusters (a list, or rows of a table). */
  readonly clusters: FleetClusterSpec[];
  /**
   * Folder path (on the management cluster) under which each cluster gets `<path>/<cluster>`.
   * @default 'clusters/mgmt/fleet'
   */
  readonly managementPath?: string;
  /**
   * Hydration stages (distinct DNS labels, none equal to `managementPath`): each cluster gets a
   * folder `<stage>/<cluster>` applied to it, in order; the fleet creates these folders.
   * @default ['infrastructure', 'apps']
   */
  readonly stages?: string[];
}

/** One cluster of a fleet with its folders. */
export interface FleetMember {
  /** The topology cluster. */
  readonly cluster: TopologyCluster;
  /** The management-cluster folder holding the Cluster and its hydration. */
  readonly managementFolder: Folder;
  /** The stage folders applied to the cluster, by stage name. */
  readonly stageFolders: Readonly<Record<string, Folder>>;
  /** The Flux hydration (Kustomizations `<cluster>-<stage>`), when the fleet has a Flux `source`. */
  readonly hydration?: RemoteClusterHydration;
}

/** An environment name: it becomes the value of the Cluster's `environment` label. */
const ENVIRONMENT_LABEL = {
  max: 63,
  pattern: /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/,
  description: 'a label value (the Cluster\'s "environment" label): at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
};

function merged<T>(...maps: Array<Record<string, T> | undefined>): Record<string, T> | undefined {
  const out: Record<string, T> = {};
  for (const m of maps) Object.assign(out, m ?? {});
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * A fleet of AKS clusters from one {@link AksClusterClass}: a table of cluster specs with shared
 * defaults and per-environment overrides. Each cluster gets a management folder
 * `<managementPath>/<cluster>` with its `TopologyCluster` (one small object) and a
 * `RemoteClusterHydration` applying its stage folders (`infrastructure/<cluster>`, then
 * `apps/<cluster>`) through `<cluster>-kubeconfig`. Cost is linear in the number of clusters.
 *
 * @example
 * const fleet = new Fleet(folder, 'fleet', {
 *   repo, clusterClass: cls, source,
 *   defaults: { kubernetesVersion: 'v1.33.2', labels: { team: 'shop' } },
 *   environments: { prod: { location: 'northeurope' } },
 *   clusters: [{ name: 'shop-dev' }, { name: 'shop-prod', environment: 'prod' }],
 * });
 */
export class Fleet extends Construct {
  /** The clusters, in input order. */
  public readonly members: FleetMember[] = [];

  public constructor(scope: Construct, id: string, props: FleetProps) {
    super(scope, id);
    // Folder paths (management path, stages, cluster names) are checked before repo.folder() is called.
    const base = checkString(this, 'managementPath', props.managementPath ?? 'clusters/mgmt/fleet', FOLDER_PATH);
    const stages = props.stages ?? ['infrastructure', 'apps'];
    if (stages.length === 0) throw propError(this, 'stages', 'needs at least one stage');
    stages.forEach((s, i) => {
      checkString(this, `stages[${i}]`, s, DNS_LABEL);
      if (stages.indexOf(s) !== i) throw propError(this, `stages[${i}]`, `"${s}" is used by another stage`);
    });
    if (stages.includes(base)) {
      throw propError(this, 'managementPath', `"${base}" is also a stage: the management folder and the stage folder of a cluster would be one folder`);
    }
    if (!props.clusters || props.clusters.length === 0) throw propError(this, 'clusters', 'must list at least one cluster');
    checkLabels(this, 'defaults.labels', props.defaults.labels);
    for (const [name, env] of Object.entries(props.environments ?? {})) checkLabels(this, `environments.${name}.labels`, env.labels);
    const names = new Set<string>();
    props.clusters.forEach((spec, i) => {
      checkString(this, `clusters[${i}].name`, spec.name, DNS_LABEL);
      if (names.has(spec.name)) throw propError(this, `clusters[${i}].name`, `"${spec.name}" is used by another cluster of the fleet`);
      names.add(spec.name);
      checkLabels(this, `clusters[${i}].labels`, spec.labels);
      const env = spec.environment !== undefined ? props.environments?.[spec.environment] : undefined;
      if (spec.environment !== undefined && !env) {
        throw propError(this, `clusters[${i}].environment`, `"${spec.environment}" is not an environment of the fleet (${Object.keys(props.environments ?? {}).join(', ') || 'none defined'})`);
      }
      if (spec.environment !== undefined) checkString(this, `clusters[${i}].environment`, spec.environment, ENVIRONMENT_LABEL);
      for (const stage of stages) {
        const path = `${stage}/${spec.name}`;
        if (props.repo.node.tryFindChild(path.replace(/\//g, '--'))) {
          throw propError(this, `clusters[${i}].name`, `the stage folder "${path}" of cluster "${spec.name}" already exists in repo ${props.repo.node.path}; the fleet creates it`);
        }
      }
      const version = spec.kubernetesVersion ?? env?.kubernetesVersion ?? props.defaults.kubernetesVersion;
      if (version === undefined) throw propError(this, `clusters[${i}].kubernetesVersion`, 'no Kubernetes version in the cluster, its environment or the fleet defaults');
      const location = spec.location ?? env?.location ?? props.defaults.location;
      const variables = merged(props.defaults.variables, env?.variables, spec.variables, location !== undefined ? { location } : undefined);
      const labels = merged(props.defaults.labels, env?.labels, spec.environment ? { environment: spec.environment } : undefined, spec.labels);

      const managementFolder = props.repo.folder(`${base}/${spec.name}`);
      const cluster = new TopologyCluster(managementFolder, 'Cluster', {
        name: spec.name,
        clusterClass: props.clusterClass,
        kubernetesVersion: version,
        variables,
        machinePools: spec.machinePools ?? env?.machinePools ?? props.defaults.machinePools,
        labels,
        environment: spec.environment,
      });
      const stageFolders: Record<string, Folder> = {};
      for (const stage of stages) stageFolders[stage] = props.repo.folder(`${stage}/${spec.name}`, { cluster: spec.name });
      const hydration = props.source
        ? new RemoteClusterHydration(managementFolder, 'Hydration', {
          cluster,
          source: props.source,
          stages: stages.map((stage) => ({ name: stage, folder: stageFolders[stage] })),
        })
        : undefined;
      this.members.push({ cluster, managementFolder, stageFolders, hydration });
    });
  }
}

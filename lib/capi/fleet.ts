import { JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { allConstructs, memoForSynthPass } from '../core/synth-pass';
import { checkCount, checkLabels, checkString, DNS_LABEL, DNS_SUBDOMAIN, PropError, propError } from '../core/errors';
import { SynthError } from '../gitops/pipeline/types';
import { applyRemovalPolicy, RemovalPolicy } from '../core/removal-policy';
import { ISecretSource, resolveSecret } from '../core/secret';
import { Kustomization } from '../flux/kustomization';
import { FluxDuration, ISource, optDuration } from '../flux/common';
import { GitRef, GitRepository, sparseDirectory } from '../flux/git-repository';
import { ArtifactGenerator, MAX_GENERATOR_ITEMS, SOURCE_WATCHER_NAME } from '../flux/artifact-generator';
import { RemoteClusterHydration } from '../flux/remote-cluster-hydration';
import { LOCKDOWN_PROP_HINTS } from '../flux/lockdown';
import { SUBSCRIPTION_LABEL } from './aks-class-names';
import { recordOrigin } from '../core/origin';
import { Folder, FOLDER_PATH } from '../gitops/folder';
import { Repo } from '../gitops/repo';
import { AksClusterClass, AksNodePoolOverride } from './aks-cluster-class';
import { bucketOf, stableHash } from '../core/stable-hash';
import { setMaxObjectsPerBuild } from '../flux/build-size';
import { ENVIRONMENT_VALUE } from '../core/environment';
import { TopologyCluster, TopologyMachinePool } from './topology-cluster';
import { autoscaledPoolAnnotations } from './constants';

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
   * Per machine pool settings by topology pool name (VM size, autoscaler min/max, zones), set as
   * the pool's `nodePool` variable override; needs a class with `nodePoolVariables` (merged pool by pool).
   * @default - inherited, else the class's pool settings
   */
  readonly nodePools?: Record<string, AksNodePoolOverride>;
  /**
   * Labels of the CAPI Cluster (merged key by key).
   * @default - inherited
   */
  readonly labels?: Record<string, string>;
  /**
   * Namespace of the Cluster (and its hydration Kustomizations, which must sit beside its kubeconfig Secret).
   * @default - inherited, else the class's namespace
   */
  readonly namespace?: string;
  /**
   * ASO credential Secret (in the cluster's namespace) for the cluster's Azure resources, i.e. its
   * subscription and identity; needs a class with `perClusterCredential`. A string is the name of a
   * Secret managed outside the app.
   * @default - inherited, else the class's `credentialFrom`
   */
  readonly credentialFrom?: ISecretSource | string;
  /**
   * Azure subscription ID of the cluster (its credential must point at it): recorded as the
   * Cluster label `azure-subscription`, and counted against the 980 resource groups a subscription
   * allows: two per cluster (its resource group and AKS's node resource group), across the app's Fleets.
   * @default - inherited, else none
   */
  readonly subscriptionId?: string;
  /**
   * Tier (label `tier`), e.g. `gold`.
   * @default - inherited, else none
   */
  readonly tier?: string;
  /**
   * Removal policy of the Cluster and of its hydration Kustomizations (RETAIN keeps both when the row is removed).
   * @default - inherited, else RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
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
  /**
   * Where the row comes from, as the fleet's errors about it and the destroy guard's day-2
   * refusals of its Cluster name it (`fleetClustersFromCsv` sets `fleet.csv line 12`).
   * @default - the row is named by its index (`clusters[3]`) and its cluster only
   */
  readonly source?: string;
  /**
   * Flux shard key (`sharding.fluxcd.io/key`) of the cluster's Flux objects.
   * @default - `shard<hash(name) % shards>` when the fleet has `shards`, else none (the main controllers)
   */
  readonly shard?: string;
}

/**
 * A Flux source of a fleet: one source, or one per namespace (`(namespace) => source`). Under a
 * Flux lockdown (`--no-cross-namespace-refs`) a Kustomization reads only sources of its own
 * namespace, and the hydration Kustomizations of a cluster are in the cluster's namespace (with
 * its kubeconfig Secret): clusters in several namespaces then need a source in each.
 */
export type FleetSource = ISource | ((namespace: string) => ISource);

/**
 * A hydration stage whose folder the fleet does not create: a path of another source, such as a
 * shared platform repo's per-environment overlay (`overlays/<environment>`), applied to each cluster.
 */
export interface FleetStage {
  /** Stage name (a DNS label); the Kustomizations are `<cluster>-<name>`. */
  readonly name: string;
  /** The path (starting with `./`) applied to a cluster, e.g. `(c) => \`./overlays/${c.environment}\``. */
  readonly path: (cluster: FleetClusterSpec) => string;
  /**
   * The Flux source holding the path (e.g. a GitRepository of the shared platform repo), or one
   * per namespace (see {@link FleetSource}).
   * @default - the fleet's `source`
   */
  readonly source?: FleetSource;
  /**
   * Post-build variables of each cluster's Kustomization (so one shared overlay serves every cluster).
   * @default - `{ CLUSTER_NAME: <name> }`, plus `CLUSTER_ENVIRONMENT` when the cluster has an environment
   */
  readonly substitute?: (cluster: FleetClusterSpec) => Record<string, string>;
}

/**
 * The GitRepositories a {@link Fleet} gives each bucket's hydration (see
 * {@link FleetProps.bucketSources}): the repo of the stage folders, checked out sparsely.
 */
export interface FleetBucketSources {
  /**
   * Clone URL of the fleet's repo.
   * @default - that of the fleet's source when it is a GitRepository of the app, else the url of the fleet's `repo`
   */
  readonly url?: string;
  /**
   * The revision to fetch: the one the management folders come from (a sparse directory missing
   * at it fails the whole source).
   * @default - that of the fleet's source when it is a GitRepository of the app, else `{ branch: <the repo's branch> }`
   */
  readonly ref?: GitRef;
  /**
   * Name of the Secret with the repo's credentials, in the bucket sources' namespace
   * (source-controller reads it from the GitRepository's namespace).
   * @default - that of the fleet's source when it is a GitRepository of the app in that namespace, else none (a public repo)
   */
  readonly secretRef?: string;
  /**
   * How often each source looks for a new commit (with the commit it has, source-controller skips
   * the clone: a remote lookup per interval).
   * @default '5m'
   */
  readonly interval?: FluxDuration;
  /**
   * More directories every bucket source checks out: what the stage folders use outside
   * themselves (shared bases or components a stage folder lists by path). Each must be a folder
   * of the repo: source-controller fails a source whose sparse directories are missing at the
   * fetched commit (`validateSparseCheckoutPaths`).
   * @default - none
   */
  readonly include?: string[];
  /**
   * Give each cluster an artifact of its own: per bucket source, an `ArtifactGenerator`
   * `<managementPath's last segment>-<bucket>` beside it that copies each cluster's stage folders
   * (and `include`) into an ExternalArtifact `<managementPath's last segment>-<bucket>-<cluster>`,
   * which the cluster's hydration Kustomizations apply. Its revision is the digest of its
   * content, so a commit reconciles only the hydration of the clusters whose files it changed;
   * with a GitRepository, whose revision is the commit, every commit reconciles every cluster's
   * hydration (kustomize-controller requeues the Kustomizations of a source whose revision
   * changed: `requestsForRevisionChangeOf`). Needs source-watcher (Flux 2.7 and later:
   * `FluxBootstrap` `componentsExtra: ['source-watcher']`, which also turns on kustomize-controller's
   * `ExternalArtifact` feature gate). A bucket's generator holds at most 1,000 clusters (of one
   * namespace with a source per namespace, or none): its CRD's limit. See docs/fleet.md,
   * "Per-cluster artifacts".
   * @default false
   */
  readonly perClusterArtifacts?: boolean;
}

/**
 * Reconciliation settings of a {@link Fleet}'s hydration Kustomizations (two per cluster by
 * default). At thousands of clusters they set the load on kustomize-controller: each
 * reconciliation of a remote Kustomization builds a new client of the workload cluster and, with
 * `wait`, holds a worker while it polls the health of what it applied (see docs/fleet.md,
 * "Controller settings at 10,000 clusters").
 */
export interface FleetHydrationSettings {
  /**
   * Reconcile interval (a new commit of the source triggers a reconciliation anyway: the interval
   * corrects drift). At 10,000 clusters, `1h`.
   * @default '10m'
   */
  readonly interval?: FluxDuration;
  /**
   * Interval after a failed reconciliation (an unreachable cluster, an expired kubeconfig token).
   * @default - the interval (Flux's default)
   */
  readonly retryInterval?: FluxDuration;
  /**
   * Timeout of apply and health checks: with `wait`, how long an unhealthy cluster holds a
   * kustomize-controller worker.
   * @default '5m'
   */
  readonly timeout?: FluxDuration;
  /**
   * Wait for every applied object to be ready (`spec.wait`).
   * @default true
   */
  readonly wait?: boolean;
}

/** Props of a {@link Fleet}. */
export interface FleetProps {
  /** The repo holding the management folders and each cluster's stage folders. */
  readonly repo: Repo;
  /** The ClusterClass every cluster is built from. */
  readonly clusterClass: AksClusterClass;
  /**
   * The Flux source (of `repo`) the hydration Kustomizations read, or one per namespace (see
   * {@link FleetSource}). Under a Flux lockdown it must be in the clusters' namespace (see
   * `RemoteClusterHydration`): with clusters in several namespaces, give a function. With
   * `bucketSources` and `managementSource` it may be left out: the hydration then reads only the
   * bucket sources, made per bucket and cluster namespace.
   * @default - none: with `bucketSources` and `managementSource`, Flux hydration from the bucket
   *   sources alone; else no Flux hydration is written (hydrate the clusters with Argo CD instead,
   *   see `argocd.ClusterGenerator.registered`)
   */
  readonly source?: FleetSource;
  /**
   * The Flux source (of `repo`) the bucket Kustomizations read: one in their namespace (the
   * management folder's, else `flux-system`). Under a Flux lockdown that is the bootstrap's
   * `source` (flux-system), as the buckets run as `managementServiceAccountName` there.
   * @default - `source` (required when `source` is given per namespace, or left out)
   */
  readonly managementSource?: ISource;
  /**
   * The account the bucket Kustomizations apply as (they create the clusters' objects in the
   * clusters' namespaces). Under a Flux lockdown (`--default-service-account=default`) set it:
   * `kustomize-controller`, the Flux namespace's cluster-admin account, for buckets in flux-system.
   * @default - none: the controller's own identity (no impersonation)
   */
  readonly managementServiceAccountName?: string;
  /**
   * Kustomizations the bucket Kustomizations depend on: those applying what the clusters' objects
   * need (their namespaces, sources, the ClusterClass). Each bucket then waits for them on every
   * reconcile, so a row added in a new namespace is applied after its Namespace.
   * @default - none
   */
  readonly dependsOn?: Kustomization[];
  /**
   * The account (of each cluster's namespace) the hydration Kustomizations impersonate on the
   * workload clusters: only its RBAC bindings on each workload cluster count, so bind it there
   * (e.g. a ClusterRoleBinding for `system:serviceaccount:<namespace>:<name>` applied by a
   * `ClusterResourceSet`). Required under a Flux lockdown, whose `--default-service-account=default`
   * would make Flux impersonate `<namespace>:default` on the workload clusters.
   * @default - none: Flux applies as the kubeconfig's user (with local accounts disabled, the
   * identity of the cluster's ASO credential: see `AksClusterClassProps.kubeconfigAccess`)
   */
  readonly hydrationServiceAccountName?: string;
  /**
   * Reconciliation settings of the hydration Kustomizations.
   * @default - interval 10m, no retry interval, wait with a 5m timeout
   */
  readonly hydration?: FleetHydrationSettings;
  /**
   * Give each bucket's hydration Kustomizations a source of their own: per bucket, a GitRepository
   * `<managementPath's last segment>-<bucket>` in the bucket's folder (in the namespace of a single
   * `source`, or with a source per namespace in each cluster namespace), whose `sparseCheckout`
   * holds only the stage folders of the bucket's clusters (with the bucket's shard key).
   * kustomize-controller downloads and unpacks a Kustomization's whole source artifact into a
   * temporary directory on every reconciliation: with one source for the fleet, each hydration
   * Kustomization unpacks every cluster's folders, a cost that grows with the square of the fleet
   * (see docs/fleet.md, "Sources at scale"). Needs `source`, or `managementSource` (then the bucket
   * sources are made per bucket and cluster namespace, from `url` and `secretRef`: no source of
   * the whole repo per namespace under a lockdown), and source-controller v1.6 or later (Flux 2.6:
   * older ones drop `sparseCheckout` and fetch everything). Stages given by path from another
   * source keep theirs.
   * @default - the hydration Kustomizations read `source`: the whole repo
   */
  readonly bucketSources?: FleetBucketSources;
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
  readonly stages?: Array<string | FleetStage>;
  /**
   * Number of Flux controller shards (`shard0`...`shard<N-1>`, see `FluxBootstrap`'s `shards`):
   * each cluster whose row sets no `shard` gets `shard<hash(name) % N>`, a key that does not
   * change when other rows are added or removed.
   * @default - no sharding (unless rows set `shard`)
   */
  readonly shards?: number;
  /**
   * Number of buckets the clusters' management folders are spread over (by a hash of the cluster
   * name, per shard): each bucket is one Flux Kustomization, so no build grows with the fleet
   * beyond `clusters / buckets`. Changing it moves clusters between Kustomizations: choose it
   * once, for the fleet's final size (about `clusters × 3 / 500`).
   * @default 32
   */
  readonly buckets?: number;
  /**
   * The bound checked at synth on the objects any Flux Kustomization building a folder of the
   * repo builds (every Kustomization checks it, see `kustomizationBuildSizes`); a repo has one
   * bound, so Fleets of one repo that set it must agree.
   * @default 1000
   */
  readonly maxObjectsPerBuild?: number;
}

/** One cluster of a fleet with its folders. */
export interface FleetMember {
  /** The topology cluster. */
  readonly cluster: TopologyCluster;
  /** The management-cluster folder holding the Cluster and its hydration. */
  readonly managementFolder: Folder;
  /** The stage folders applied to the cluster, by stage name. */
  readonly stageFolders: Readonly<Record<string, Folder>>;
  /** The Flux hydration (Kustomizations `<cluster>-<stage>`), when the fleet has Flux hydration (a `source`, or bucket sources) and no stage given by path (see `kustomizations`). */
  readonly hydration?: RemoteClusterHydration;
  /** The cluster's hydration Kustomizations (`<cluster>-<stage>`), in stage order (empty without a Flux source). */
  readonly kustomizations: readonly Kustomization[];
  /** The Flux shard key of the cluster's Flux objects, if any. */
  readonly shard?: string;
  /** The bucket (management Kustomization) of the cluster, when the fleet has Flux hydration (a `source`, or bucket sources). */
  readonly bucket?: string;
}

function merged<T>(...maps: Array<Record<string, T> | undefined>): Record<string, T> | undefined {
  const out: Record<string, T> = {};
  for (const m of maps) Object.assign(out, m ?? {});
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * A fleet of AKS clusters from one {@link AksClusterClass}: a table of cluster rows (in code, or
 * from CSV with `fleetClustersFromCsv`) with shared defaults and per-environment overrides. Each
 * row may set its namespace, ASO credential (subscription), subscription ID, region, Kubernetes
 * version, machine pools, tier, labels, ClusterClass variables (validated against the class's
 * schemas), Flux shard and removal policy. Each cluster gets a management folder with its
 * `TopologyCluster` (one small object) and a `RemoteClusterHydration` applying its stages
 * (`infrastructure/<cluster>`, then `apps/<cluster>`, or paths of another source) through
 * `<cluster>-kubeconfig`.
 *
 * Management layout (with a Flux `source`): a tree of Kustomizations whose builds stay bounded
 * whatever the fleet size. `<managementPath>` lists only one Kustomization per bucket
 * (`<base>-[<shard>-]b<N>`); each applies `<managementPath>/[<shard>-]b<N>/`, holding the
 * folders of the clusters hashed into it. Clusters never move between buckets when rows are
 * added or removed. At synth every Flux Kustomization of the repo is checked to build at most
 * `maxObjectsPerBuild` objects. Without a `source` (Argo CD), cluster folders are
 * `<managementPath>/<cluster>`, listed by the parent folder.
 *
 * @example
 * const fleet = new Fleet(folder, 'fleet', {
 *   repo, clusterClass: cls, source, shards: 2,
 *   defaults: { kubernetesVersion: 'v1.33.2', labels: { team: 'shop' } },
 *   environments: { prod: { location: 'northeurope' } },
 *   clusters: [{ name: 'shop-dev' }, { name: 'shop-prod', environment: 'prod', tier: 'gold' }],
 * });
 */
export class Fleet extends Construct {
  /** The clusters, in input order. */
  public readonly members: FleetMember[] = [];
  /** The bucket Kustomizations (one per bucket holding clusters), when the fleet has Flux hydration (a `source`, or bucket sources). */
  public readonly bucketKustomizations: Kustomization[] = [];
  private readonly cls: AksClusterClass;
  /**
   * Clusters per subscription ID (lower case) of the rows that set one.
   * @internal
   */
  public readonly clustersPerSubscription = new Map<string, number>();

  public constructor(scope: Construct, id: string, props: FleetProps) {
    super(scope, id);
    // Folder paths (management path, stages, cluster names) are checked before repo.folder() is called.
    const base = checkString(this, 'managementPath', props.managementPath ?? 'clusters/mgmt/fleet', FOLDER_PATH);
    const stageList = props.stages ?? ['infrastructure', 'apps'];
    if (stageList.length === 0) throw propError(this, 'stages', 'needs at least one stage');
    const allStages = stageList.map((s) => (typeof s === 'string' ? s : s.name));
    allStages.forEach((s, i) => {
      checkString(this, `stages[${i}]${typeof stageList[i] === 'string' ? '' : '.name'}`, s, DNS_LABEL);
      if (allStages.indexOf(s) !== i) throw propError(this, `stages[${i}]`, `"${s}" is used by another stage`);
    });
    // Stages whose folders the fleet creates (`<stage>/<cluster>`); the others are paths of a source.
    const stages = stageList.filter((s): s is string => typeof s === 'string');
    const external = stageList.filter((s): s is FleetStage => typeof s !== 'string');
    if (external.length > 0 && !props.source && external.some((s) => !s.source)) {
      throw propError(this, 'stages', 'a stage given by path needs a Flux source: set the stage\'s source or the fleet\'s');
    }
    if (stages.includes(base)) {
      throw propError(this, 'managementPath', `"${base}" is also a stage: the management folder and the stage folder of a cluster would be one folder`);
    }
    if (!props.clusters || props.clusters.length === 0) throw propError(this, 'clusters', 'must list at least one cluster');
    const shards = checkCount(this, 'shards', props.shards, 1000);
    const buckets = checkCount(this, 'buckets', props.buckets, 10000) ?? 32;
    const maxObjects = checkCount(this, 'maxObjectsPerBuild', props.maxObjectsPerBuild, Number.MAX_SAFE_INTEGER);
    if (maxObjects !== undefined) setMaxObjectsPerBuild(props.repo, maxObjects, this);
    checkLabels(this, 'defaults.labels', props.defaults.labels);
    for (const [name, env] of Object.entries(props.environments ?? {})) checkLabels(this, `environments.${name}.labels`, env.labels);
    const cls = (this.cls = props.clusterClass);
    const source = props.source;
    const sourceIn = (s: FleetSource, namespace: string): ISource => (typeof s === 'function' ? s(namespace) : s);
    if (typeof source === 'function' && !props.managementSource) {
      throw propError(this, 'managementSource', 'is required when source is given per namespace: the bucket Kustomizations read the management repo from their own namespace (e.g. the bootstrap\'s source in flux-system)');
    }
    const managementSource = props.managementSource ?? (typeof source === 'function' ? undefined : source);
    const bucketSources = props.bucketSources;
    // Flux hydration through bucket Kustomizations: with a source, or with bucket sources alone
    // (then made per bucket and cluster namespace from bucketSources' url and secretRef).
    const hydrates = source !== undefined || (bucketSources !== undefined && managementSource !== undefined);
    if (!hydrates) {
      // Without Flux hydration these would be ignored: say so (the hydration is written with a
      // source, or with bucket sources and a management source).
      if (bucketSources) {
        throw propError(this, 'managementSource', 'is required with bucketSources when source is left out: the bucket Kustomizations read the management repo from it (e.g. managementSource: bootstrap.source)');
      }
      const unused = (['managementSource', 'managementServiceAccountName', 'hydrationServiceAccountName', 'dependsOn', 'hydration', 'shards', 'buckets'] as const).filter((k) => props[k] !== undefined);
      if (unused.length > 0) {
        throw propError(this, unused[0], 'has no effect without Flux hydration: give the fleet a source (or bucketSources and managementSource), or drop it');
      }
      if (external.length > 0) {
        throw propError(this, 'stages', 'a stage given by path is applied by the fleet\'s Flux hydration, which needs a source (or bucketSources and managementSource)');
      }
    }
    // The fleet's source as a GitRepository of the app (one, or that of a namespace): the bucket
    // sources fetch the same repo the same way (URL, revision, credentials).
    const likeSource = (namespace: string): GitRepository | undefined => {
      const s = source ? sourceIn(source, namespace) : undefined;
      return s instanceof GitRepository ? s : undefined;
    };
    if (bucketSources) {
      const rowNames = new Set((props.clusters ?? []).map((c) => c?.name));
      if (bucketSources.secretRef !== undefined) checkString(this, 'bucketSources.secretRef', bucketSources.secretRef, DNS_SUBDOMAIN);
      // Each entry normalized and checked here; one no folder holds fails every bucket source, which
      // the GitRepositories' own check reports.
      (bucketSources.include ?? []).forEach((entry, i) => {
        const d = sparseDirectory(entry);
        if (typeof d !== 'string') throw propError(this, `bucketSources.include[${i}]`, d.problem);
        // The stage folders (a stage is a DNS label: `<stage>/<cluster>`), or one cluster's, in every
        // bucket source would put other buckets' clusters in each: their changes would reach every
        // bucket (and every cluster's artifact).
        const [stage, cluster] = d.split('/');
        if (stages.includes(stage) && (cluster === undefined || rowNames.has(cluster))) {
          throw propError(this, `bucketSources.include[${i}]`, cluster === undefined
            ? `"${d}" holds the stage folders "${stage}/<cluster>", which the bucket sources already check out per bucket: ` +
              'every bucket source would hold every cluster\'s folders, whose changes would then reach every bucket; include only what the stage folders share (bases, components)'
            : `"${d}" is in the stage folders of cluster "${cluster}", which its bucket source already checks out: ` +
              'in every bucket source, its changes would reach every bucket; include only what the stage folders share (bases, components)');
        }
      });
    }
    // The bucket sources, by bucket and namespace (created with the bucket's first cluster there):
    // beside a single fleet source (one per bucket, read across namespaces, with that source's
    // credentials), or with a source per namespace (a Flux lockdown refuses cross-namespace
    // references) in each cluster namespace.
    // With perClusterArtifacts, each has an ArtifactGenerator beside it.
    const bucketSourceOf = new Map<string, { source: GitRepository; generator?: ArtifactGenerator }>();
    const bucketSource = (bucket: string, clusterNamespace: string, shard: string | undefined): { source: GitRepository; generator?: ArtifactGenerator } => {
      const namespace = source === undefined || typeof source === 'function' ? clusterNamespace : source.namespace;
      const key = `${bucket}\u0000${namespace}`;
      let entry = bucketSourceOf.get(key);
      if (!entry) {
        const like = likeSource(clusterNamespace);
        const url = bucketSources!.url ?? like?.url ?? props.repo.url;
        if (url === undefined) throw propError(this, 'bucketSources.url', `is required: the fleet's source is ${source ? 'not a GitRepository of the app' : 'not given'}, and repo ${props.repo.node.id} has no url`);
        const secretRef = bucketSources!.secretRef ?? (like && like.namespace === namespace ? like.secretName : undefined);
        const s = new GitRepository(props.repo.folder(`${base}/${bucket}`), `Source-${namespace}`, {
          name: `${baseName}-${bucket}`,
          namespace,
          repo: props.repo,
          url,
          ref: bucketSources!.ref ?? like?.ref,
          ...(secretRef !== undefined ? { secretRef } : {}),
          interval: bucketSources!.interval ?? '5m',
          shardKey: shard,
          sparseCheckout: bucketSources!.include,
        });
        // One source-watcher serves every generator: no shard key (see FluxBootstrap componentsExtra).
        const generator = bucketSources!.perClusterArtifacts
          ? new ArtifactGenerator(props.repo.folder(`${base}/${bucket}`), `Artifacts-${namespace}`, { name: `${baseName}-${bucket}`, namespace, sources: [{ alias: 'repo', source: s }] })
          : undefined;
        bucketSourceOf.set(key, (entry = { source: s, generator }));
      }
      return entry;
    };
    if (props.managementServiceAccountName !== undefined) checkString(this, 'managementServiceAccountName', props.managementServiceAccountName, DNS_SUBDOMAIN);
    if (props.hydrationServiceAccountName !== undefined) checkString(this, 'hydrationServiceAccountName', props.hydrationServiceAccountName, DNS_SUBDOMAIN);
    const hydrationAccount = props.hydrationServiceAccountName !== undefined ? { serviceAccountName: props.hydrationServiceAccountName } : {};
    // Per stage: wait and timeout; per hydration: the intervals.
    const h = props.hydration ?? {};
    for (const k of ['interval', 'retryInterval', 'timeout'] as const) optDuration(this, `hydration.${k}`, h[k]);
    const stageSettings = { ...(h.wait !== undefined ? { wait: h.wait } : {}), ...(h.timeout !== undefined ? { timeout: h.timeout } : {}) };
    const intervals = { ...(h.interval !== undefined ? { interval: h.interval } : {}), ...(h.retryInterval !== undefined ? { retryInterval: h.retryInterval } : {}) };
    // The management folder holds the bucket Kustomizations only; created with the first cluster (after its checks).
    const existing = props.repo.node.tryFindChild(base.replace(/\//g, '--'));
    if (hydrates && existing && Folder.isFolder(existing) && existing.includeSubfolders) {
      throw propError(this, 'managementPath', `folder "${base}" already exists and lists its sub-folders; let the fleet create it (with includeSubfolders: false: each bucket is applied by its own Kustomization)`);
    }
    let baseFolder: Folder | undefined;
    const managementBase = () => (baseFolder ??= existing && Folder.isFolder(existing) ? existing : props.repo.folder(base, { includeSubfolders: false }));
    const baseName = base.split('/').pop()!;
    if (hydrates) {
      // It names the bucket objects (`<baseName>-<bucket>`): Kubernetes names, and with per-cluster
      // artifacts the bucket source is an ArtifactGenerator's source, whose name has no dots.
      const rule = bucketSources?.perClusterArtifacts ? SOURCE_WATCHER_NAME : DNS_SUBDOMAIN;
      const sample = `${baseName}-shard0-b0`;
      if (!rule.pattern!.test(sample) || sample.length > rule.max!) {
        throw propError(this, 'managementPath', `its last segment "${baseName}" names the bucket Kustomizations${bucketSources ? ' and sources' : ''} ("${baseName}-<bucket>"), which must be ${rule.description}`);
      }
    }
    const bucketKs = new Map<string, Kustomization>();
    const perSubscription = this.clustersPerSubscription;
    // The subscription of each `namespace/credential Secret`, from the first row naming both.
    const subscriptionOfCredential = new Map<string, { subscription: string; cluster: string }>();
    this.node.addValidation({ validate: () => sharedSubscriptionProblems(this) });
    const names = new Set<string>();
    const addRow = (spec: FleetClusterSpec, i: number): void => {
      const row = `clusters[${i}]`;
      checkString(this, `${row}.name`, spec.name, DNS_LABEL);
      const nameProblem = this.cls.clusterNameProblem(spec.name);
      if (nameProblem) throw propError(this, `${row}.name`, nameProblem);
      if (names.has(spec.name)) throw propError(this, `${row}.name`, `"${spec.name}" is used by another cluster of the fleet`);
      names.add(spec.name);
      checkLabels(this, `${row}.labels`, spec.labels);
      const env = spec.environment !== undefined ? props.environments?.[spec.environment] : undefined;
      if (spec.environment !== undefined && !env) {
        throw propError(this, `${row}.environment`, `"${spec.environment}" is not an environment of the fleet (${Object.keys(props.environments ?? {}).join(', ') || 'none defined'})`);
      }
      if (spec.environment !== undefined) checkString(this, `${row}.environment`, spec.environment, ENVIRONMENT_VALUE);
      for (const stage of stages) {
        const path = `${stage}/${spec.name}`;
        if (props.repo.node.tryFindChild(path.replace(/\//g, '--'))) {
          throw propError(this, `${row}.name`, `the stage folder "${path}" of cluster "${spec.name}" already exists in repo ${props.repo.node.path}; the fleet creates it`);
        }
      }
      const pick = <K extends keyof FleetClusterSettings>(k: K): FleetClusterSettings[K] => spec[k] ?? env?.[k] ?? props.defaults[k];
      const version = pick('kubernetesVersion');
      if (version === undefined) throw propError(this, `${row}.kubernetesVersion`, 'no Kubernetes version in the cluster, its environment or the fleet defaults');
      const namespace = pick('namespace');
      if (namespace !== undefined) checkString(this, `${row}.namespace`, namespace, DNS_LABEL);
      const credentialFrom = pick('credentialFrom');
      let credential: string | undefined;
      if (credentialFrom !== undefined) {
        const prop = `${row}.credentialFrom`;
        if (typeof credentialFrom === 'string') checkString(this, prop, credentialFrom, DNS_SUBDOMAIN);
        if (!cls.perClusterCredential) throw propError(this, prop, `ClusterClass ${cls.name} has no per-cluster credential: create it with perClusterCredential: true`);
        credential = resolveSecret(this, prop, credentialFrom, { namespace: namespace ?? cls.namespace, why: 'ASO reads Secrets from the resource\'s namespace (the cluster\'s)' }).name;
      }
      const subscription = pick('subscriptionId');
      if (subscription !== undefined) {
        checkString(this, `${row}.subscriptionId`, subscription, SUBSCRIPTION_ID);
        // GUIDs compare without case (Azure resource IDs are case-insensitive).
        const key = subscription.toLowerCase();
        const n = (perSubscription.get(key) ?? 0) + 1;
        perSubscription.set(key, n);
        if (n * RESOURCE_GROUPS_PER_CLUSTER > MAX_RESOURCE_GROUPS) {
          throw propError(this, `${row}.subscriptionId`, `subscription ${subscription} would hold ${n * RESOURCE_GROUPS_PER_CLUSTER} resource groups (${RESOURCE_GROUPS_WHY}); Azure allows ${MAX_RESOURCE_GROUPS} per subscription: put the cluster in another subscription`);
        }
      }
      const tier = pick('tier');
      if (tier !== undefined) checkLabels(this, row, { tier });
      const shard = spec.shard ?? (shards !== undefined ? `shard${stableHash(spec.name) % shards}` : undefined);
      if (shard !== undefined) checkString(this, `${row}.shard`, shard, { ...DNS_LABEL, description: 'a shard key: a DNS label such as "shard1" (it names the bucket folders and Kustomizations)' });
      const location = pick('location');
      const variables = merged(props.defaults.variables, env?.variables, spec.variables, location !== undefined ? { location } : undefined, credential !== undefined ? { credentialSecretName: credential } : undefined);
      for (const problem of cls.validateVariables(variables ?? {})) {
        const at = problem.indexOf(': ');
        throw propError(this, `${row}.${problem.slice(0, at)}`, `${problem.slice(at + 2)} (cluster "${spec.name}")`);
      }
      // The cluster's ASO credential (credentialFrom, or the variable set directly), else the class's.
      const raw = variables?.credentialSecretName;
      const ownCredential = credential ?? (typeof raw === 'string' ? raw : undefined);
      const clusterCredential = ownCredential ?? cls.credentialName;
      if (subscription !== undefined && clusterCredential !== undefined) {
        // A credential Secret names one subscription (AZURE_SUBSCRIPTION_ID): two rows of one
        // namespace and credential in two subscriptions cannot both be right.
        const at = `${namespace ?? cls.namespace}/${clusterCredential}`;
        const first = subscriptionOfCredential.get(at);
        if (first && first.subscription !== subscription.toLowerCase()) {
          throw propError(this, `${row}.subscriptionId`, `${subscription}, but cluster "${first.cluster}" gives subscription ${first.subscription} with the same credential Secret ${at}, ` +
            'and a credential Secret names one subscription (ASO creates the cluster where it points): give each row the credential of its subscription (credentialFrom), or the same subscriptionId');
        }
        if (!first) subscriptionOfCredential.set(at, { subscription: subscription.toLowerCase(), cluster: spec.name });
      }
      const access = cls.kubeconfigAccess;
      if (access && subscription !== undefined) {
        // The kubeconfig role assignment is created with one credential for every cluster: ASO
        // refuses a credential of another subscription than the resource's owner.
        if (access.credentialFrom !== undefined && subscription.toLowerCase() !== access.subscriptionId) {
          throw propError(this, `${row}.subscriptionId`, `${subscription} is not the subscription of ClusterClass ${cls.name}'s kubeconfigAccess (${access.subscriptionId}), whose credentialFrom "${access.credentialFrom}" creates every cluster's role assignment: ` +
            'ASO refuses a credential of another subscription than the resource\'s owner; put the cluster in a class of its subscription, or drop kubeconfigAccess.credentialFrom (each cluster\'s own credential then creates it)');
        }
      } else if (access && ownCredential !== undefined && ownCredential !== cls.credentialName) {
        // Another credential is, as a rule, another subscription: its role definition is under it.
        throw propError(this, `${row}.subscriptionId`, `is required: the cluster's credential "${ownCredential}" is not the class's, and the role definition of ClusterClass ${cls.name}'s kubeconfigAccess is under the cluster's subscription`);
      }
      const labels = merged(
        props.defaults.labels, env?.labels,
        // The plain `environment` label is kept for selectors written against it (Argo CD
        // CapiClusterRegistration carries it by default); the TopologyCluster writes ENVIRONMENT_LABEL.
        spec.environment ? { environment: spec.environment } : undefined,
        tier !== undefined ? { tier } : undefined,
        subscription !== undefined ? { [SUBSCRIPTION_LABEL]: subscription } : undefined,
        spec.labels,
      );
      const removalPolicy = pick('removalPolicy') ?? RemovalPolicy.RETAIN;
      if (removalPolicy === RemovalPolicy.DESTROY && cls.removalPolicy === RemovalPolicy.RETAIN) {
        // Deleting the Cluster deletes its ASO objects, which detach: Azure keeps the resource
        // group, the AKS cluster and its node resource group, unmanaged.
        throw propError(this, `${row}.removalPolicy`, `destroy, but ClusterClass ${cls.name} retains the clusters' Azure resources (ASO reconcile-policy detach-on-delete in its templates), ` +
          'so removing the row would delete the Cluster and leave its resource group and AKS cluster running in Azure, unmanaged; ' +
          'give such rows a ClusterClass with removalPolicy: RemovalPolicy.DESTROY (a RETAIN row keeps its Cluster either way), or keep the row retain');
      }
      const bucket = hydrates ? bucketOf(spec.name, buckets, shard) : undefined;

      const nodePools = merged(props.defaults.nodePools, env?.nodePools, spec.nodePools);
      const setNodePools = nodePools
        ? this.checkNodePools(row, spec.name, nodePools, pick('machinePools') ?? cls.machinePoolClassNames.map((c, j) => ({ class: c, name: `mp-${j}` })))
        : () => undefined;
      const managementFolder = props.repo.folder(bucket ? `${base}/${bucket}/${spec.name}` : `${base}/${spec.name}`);
      const cluster = new TopologyCluster(managementFolder, 'Cluster', {
        name: spec.name,
        namespace,
        clusterClass: cls,
        kubernetesVersion: version,
        variables,
        machinePools: pick('machinePools'),
        labels,
        environment: spec.environment,
        removalPolicy,
        subscriptionId: subscription,
      });
      setNodePools(cluster);
      // The row's CSV line, named by the guard's day-2 refusals of the Cluster.
      if (typeof spec.source === 'string' && spec.source !== '') recordOrigin(cluster, spec.source);
      // A retained cluster keeps what its hydration applied, also when its Kustomizations are
      // deleted by hand after the row is gone (Flux's default MirrorPrune would prune it all).
      const orphanOnDelete = removalPolicy === RemovalPolicy.RETAIN ? 'Orphan' as const : undefined;
      const stageFolders: Record<string, Folder> = {};
      for (const stage of stages) stageFolders[stage] = props.repo.folder(`${stage}/${spec.name}`, { cluster: spec.name });
      // The hydration Kustomizations are in the cluster's namespace (with its kubeconfig Secret).
      const clusterNamespace = cluster.kubeconfigSecret.secretNamespace;
      // The source of the stage folders of this repo: the bucket's own (checking out the stage
      // folders of its clusters), or the fleet's.
      const bucketOwn = bucketSources && bucket && stages.length > 0 ? bucketSource(bucket, clusterNamespace, shard) : undefined;
      if (bucketOwn) for (const stage of stages) bucketOwn.source.addSparseCheckout(stageFolders[stage].path);
      // With perClusterArtifacts, the cluster's artifact: its stage folders and the shared includes.
      // originRevision: the commit in the artifact's metadata, which kustomize-controller records as
      // the Kustomization's lastAppliedOriginRevision (the revision stays the content's digest).
      const artifact = bucketOwn?.generator?.addArtifact({
        name: `${baseName}-${bucket}-${spec.name}`,
        directories: [...stages.map((stage) => stageFolders[stage].path), ...(bucketSources!.include ?? [])],
        originRevision: '@repo',
      });
      const own: ISource | undefined = artifact ?? bucketOwn?.source;
      const ownSource = (): ISource => own ?? sourceIn(source!, clusterNamespace);
      const hydration = hydrates && external.length === 0
        ? new RemoteClusterHydration(managementFolder, 'Hydration', {
          cluster,
          source: ownSource(),
          shardKey: shard,
          deletionPolicy: orphanOnDelete,
          ...intervals,
          stages: stages.map((stage) => ({ name: stage, folder: stageFolders[stage], ...hydrationAccount, ...stageSettings })),
        })
        : undefined;
      const kustomizations = [...(hydration?.kustomizations ?? [])];
      if (external.length > 0) {
        // Stages from several sources: one hydration per stage, chained in order.
        stageList.forEach((stage, j) => {
          const ext = typeof stage === 'string' ? undefined : stage;
          const h = new RemoteClusterHydration(managementFolder, j === 0 ? 'Hydration' : `Hydration-${allStages[j]}`, {
            cluster,
            source: ext ? sourceIn(ext.source ?? source!, clusterNamespace) : ownSource(),
            shardKey: shard,
            deletionPolicy: orphanOnDelete,
            ...intervals,
            stages: [ext
              ? { name: ext.name, folder: ext.path(spec), substitute: ext.substitute ? ext.substitute(spec) : { CLUSTER_NAME: spec.name, ...(spec.environment ? { CLUSTER_ENVIRONMENT: spec.environment } : {}) }, ...hydrationAccount, ...stageSettings }
              : { name: stage as string, folder: stageFolders[stage as string], ...hydrationAccount, ...stageSettings }],
          });
          if (j > 0) h.kustomizations[0].addDependsOn(kustomizations[j - 1]);
          kustomizations.push(h.kustomizations[0]);
        });
      }
      for (const k of kustomizations) {
        applyRemovalPolicy(k.apiObject, removalPolicy);
        LOCKDOWN_PROP_HINTS.set(k.apiObject, {
          sourceRef: 'Fleet: source, or a stage\'s source, as (namespace) => source; or, with bucketSources, leave source out and give managementSource: the bucket sources are then made per namespace',
          serviceAccountName: 'Fleet: hydrationServiceAccountName',
        });
      }
      if (bucket && !bucketKs.has(bucket)) {
        const k = Kustomization.forFolder(managementBase(), bucket, props.repo.folder(`${base}/${bucket}`), {
          name: `${baseName}-${bucket}`,
          source: managementSource!,
          prune: true,
          shardKey: shard,
          ...(props.managementServiceAccountName !== undefined ? { serviceAccountName: props.managementServiceAccountName } : {}),
          ...(props.dependsOn ? { dependsOn: props.dependsOn } : {}),
        });
        bucketKs.set(bucket, k);
        this.bucketKustomizations.push(k);
        LOCKDOWN_PROP_HINTS.set(k.apiObject, { sourceRef: 'Fleet: managementSource', serviceAccountName: 'Fleet: managementServiceAccountName' });
      }
      this.members.push({ cluster, managementFolder, stageFolders, hydration, kustomizations, shard, bucket });
    };
    // Every bad row at once (a table of 2,000 rows should not need a synth per mistake), each
    // naming its cluster; one bad row is thrown as it is.
    const rowProblems: PropError[] = [];
    props.clusters.forEach((spec, i) => {
      try {
        addRow(spec, i);
      } catch (e) {
        if (!(e instanceof PropError)) throw e;
        // The cluster named, unless the message names it already (or is about the name), and
        // where the row comes from (a CSV line).
        const source = typeof spec?.source === 'string' && spec.source !== '' ? spec.source : undefined;
        const suffix = typeof spec?.name === 'string' ? ` (cluster "${spec.name}")` : undefined;
        const rule = suffix && e.rule.endsWith(suffix) ? e.rule.slice(0, -suffix.length) : e.rule;
        const names = typeof spec?.name === 'string' && (rule !== e.rule || (!e.prop.endsWith('.name') && !e.rule.includes(`"${spec.name}"`)));
        const where = [...(names ? [`cluster "${spec.name}"`] : []), ...(source ? [source] : [])];
        rowProblems.push(where.length > 0 ? new PropError(e.constructPath, e.prop, `${rule} (${where.join(', ')})`) : e);
      }
    });
    if (rowProblems.length === 1) throw rowProblems[0];
    if (rowProblems.length > 1) throw new SynthError(rowProblems.map((e) => e.message));
    // source-watcher's CRD allows 1,000 artifacts per generator: one per cluster of a bucket (of a
    // namespace, with a source per namespace or none).
    const perNamespace = source === undefined || typeof source === 'function';
    for (const { generator: gen } of bucketSourceOf.values()) {
      if (!gen || gen.artifacts.length <= MAX_GENERATOR_ITEMS) continue;
      throw propError(this, 'buckets', `bucket generator ${gen.namespace}/${gen.name} would generate ${gen.artifacts.length} artifacts, one per cluster; an ArtifactGenerator generates at most ${MAX_GENERATOR_ITEMS} (source-watcher's CRD): ` +
        `raise buckets (now ${buckets}) so that no bucket holds more than ${MAX_GENERATOR_ITEMS} clusters${perNamespace ? ' of one namespace' : ''}`);
    }
  }

  /** Validates a row's node pool settings; returns what sets them as the pools' `nodePool` variable overrides. */
  private checkNodePools(row: string, name: string, nodePools: Record<string, AksNodePoolOverride>, pools: TopologyMachinePool[]): (cluster: TopologyCluster) => void {
    const cls = this.cls;
    if (!cls.nodePoolVariables) throw propError(this, `${row}.nodePools`, `ClusterClass ${cls.name} has no nodePool variable: create it with nodePoolVariables: true`);
    const overrides: Array<[number, AksNodePoolOverride, { min: number; max: number } | undefined]> = [];
    for (const [poolName, value] of Object.entries(nodePools)) {
      const prop = `${row}.nodePools.${poolName}`;
      const index = pools.findIndex((p) => p.name === poolName);
      if (index < 0) throw propError(this, prop, `"${poolName}" is not a machine pool of cluster "${name}" (${pools.map((p) => p.name).join(', ')})`);
      for (const problem of cls.validateVariables({ nodePool: value })) {
        const at = problem.indexOf(': ');
        throw propError(this, `${prop}${problem.slice('variables.nodePool'.length, at)}`, `${problem.slice(at + 2)} (cluster "${name}")`);
      }
      const features = cls.machinePoolFeatures[pools[index].class];
      if ((value.minCount !== undefined || value.maxCount !== undefined) && !features.autoscaling) {
        throw propError(this, prop, `machine pool class "${pools[index].class}" has no autoscaling: minCount and maxCount cannot be set (cluster "${name}")`);
      }
      if (value.zones !== undefined && !features.zones) throw propError(this, `${prop}.zones`, `machine pool class "${pools[index].class}" has no zones to override (cluster "${name}")`);
      // The bounds AKS gets: the row's, else the class's (AKS refuses a minimum over the maximum).
      const min = value.minCount ?? features.minCount;
      const max = value.maxCount ?? features.maxCount;
      if (min !== undefined && max !== undefined && min > max) {
        const of = (v: number | undefined) => (v === undefined ? ' (the class\'s)' : '');
        throw propError(this, prop, `minCount ${min}${of(value.minCount)} is greater than maxCount ${max}${of(value.maxCount)} (cluster "${name}")`);
      }
      overrides.push([index, value, value.minCount !== undefined || value.maxCount !== undefined ? { min: min!, max: max! } : undefined]);
    }
    return (cluster) => {
      for (const [index, value, bounds] of overrides) {
        cluster.apiObject.addJsonPatch(JsonPatch.add(`/spec/topology/workers/machinePools/${index}/variables`, { overrides: [{ name: 'nodePool', value }] }));
        // The MachinePool's autoscaler annotations (from the class's pool template otherwise):
        // Cluster API seeds a new pool's replicas from the minimum.
        if (bounds) cluster.apiObject.addJsonPatch(JsonPatch.add(`/spec/topology/workers/machinePools/${index}/metadata`, { annotations: autoscaledPoolAnnotations(bounds) }));
      }
    };
  }
}

/** Azure allows 980 resource groups per subscription (learn.microsoft.com, Azure subscription and service limits). */
const MAX_RESOURCE_GROUPS = 980;
/**
 * Each fleet cluster takes two: the one the class creates for it and the node resource group AKS
 * creates beside it (`MC_<group>_<cluster>_<region>`, learn.microsoft.com, "Why are two resource
 * groups created with AKS?").
 */
const RESOURCE_GROUPS_PER_CLUSTER = 2;
const RESOURCE_GROUPS_WHY = 'two per AKS cluster: its own and the node resource group AKS creates';

/**
 * Subscriptions the Fleets of the app together fill beyond Azure's resource group limit (each
 * Fleet checks its own rows at construction), reported once, by the first Fleet.
 */
function sharedSubscriptionProblems(self: Fleet): string[] {
  const { first, problems } = memoForSynthPass(SHARED_SUBSCRIPTIONS, self.node.root, () => {
    const fleets = allConstructs(self.node.root).filter((c): c is Fleet => c instanceof Fleet);
    const totals = new Map<string, Array<{ fleet: Fleet; clusters: number }>>();
    for (const f of fleets) {
      for (const [sub, clusters] of f.clustersPerSubscription) totals.set(sub, [...(totals.get(sub) ?? []), { fleet: f, clusters }]);
    }
    const out: string[] = [];
    for (const [sub, list] of [...totals].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const groups = list.reduce((n, x) => n + x.clusters, 0) * RESOURCE_GROUPS_PER_CLUSTER;
      if (list.length < 2 || groups <= MAX_RESOURCE_GROUPS) continue;
      out.push(
        `subscription ${sub} would hold ${groups} resource groups (${RESOURCE_GROUPS_WHY}) across ${list.length} Fleets: ` +
          `${list.map((x) => `${x.fleet.node.path} (${x.clusters} cluster${x.clusters === 1 ? '' : 's'})`).join(', ')}; ` +
          `Azure allows ${MAX_RESOURCE_GROUPS} per subscription: put some of the clusters in another subscription`,
      );
    }
    return { first: fleets[0], problems: out };
  });
  return first === self ? problems : [];
}

const SHARED_SUBSCRIPTIONS = Symbol('fleet subscriptions');
const SUBSCRIPTION_ID = {
  pattern: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  description: 'an Azure subscription ID (a GUID)',
};

import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ENVIRONMENT_LABEL } from '../core/environment';
import { checkString, DNS_LABEL, DNS_SUBDOMAIN, propError } from '../core/errors';
import { memoForSynthPass } from '../core/synth-pass';
import { addProvided } from '../core/references';
import { ISecretSource } from '../core/secret';
import { declarePreinstalled, Preinstalled } from '../gitops/apply-order';
import { Folder } from '../gitops/folder';
import { Repo } from '../gitops/repo';
import { FluxDuration, SHARD_LABEL } from './common';
import { folderClusters, nearestFolder } from './placement';
import { Environment } from './environment';
import { GitRepository } from './git-repository';
import { Kustomization, KustomizationPatch, renderPatch } from './kustomization';
import { addArg, appliedFolders, FLUX_LOCKDOWN_FLAGS, FLUX_LOCKDOWN_PATCHES, FLUX_SYSTEM_SERVICE_ACCOUNT, layoutProblems, lockdownProblems } from './lockdown';

/** The Flux controllers of an install (`gotk-components.yaml`); `source-watcher` with {@link FluxBootstrapProps.componentsExtra}. */
export type FluxController = 'source-controller' | 'kustomize-controller' | 'helm-controller' | 'notification-controller' | 'image-reflector-controller' | 'image-automation-controller' | 'source-watcher';

const FLUX_CONTROLLERS: readonly FluxController[] = ['source-controller', 'kustomize-controller', 'helm-controller', 'notification-controller', 'image-reflector-controller', 'image-automation-controller', 'source-watcher'];

/** A component `flux bootstrap --components-extra` adds to the install (see {@link FluxBootstrapProps.componentsExtra}). */
export type FluxExtraComponent = 'source-watcher';

const EXTRA_COMPONENTS: readonly FluxExtraComponent[] = ['source-watcher'];

/** Flags the library sets itself, and the prop that sets them: the lockdown's and the shards'. */
const MANAGED_FLAGS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(FLUX_LOCKDOWN_FLAGS.map((f) => [f, 'lockdown'])),
  '--watch-label-selector': 'shards',
};

/** Props of a {@link FluxBootstrap}. */
export interface FluxBootstrapProps {
  /** The repo the cluster syncs from (its `url` is required unless `url` is given). */
  readonly repo: Repo;
  /** The cluster's entry folder (e.g. `clusters/mgmt`); the `flux-system` Kustomization applies it. */
  readonly entry: Folder;
  /**
   * The environment the cluster tracks: the source follows its branch (branch-per-env), and the
   * source, the sync and the shard Kustomizations carry the `platform.cdk8s.io/environment` label
   * ({@link ENVIRONMENT_LABEL}) with its name. Its patches and variables (overlay-per-env) belong
   * on the Kustomizations that build the shared base (`environment.kustomizationProps()`), not on
   * the bootstrap sync.
   * @default - the repo's branch, no environment label
   */
  readonly environment?: Environment;
  /**
   * Clone URL. It must match the credentials in `secretRef`: `flux bootstrap` writes an SSH deploy
   * key (`identity`, `known_hosts`) unless run with `--token-auth`, and source-controller uses an
   * SSH key only with an `ssh://` URL (with `https://` it reads `username`/`password` or
   * `bearerToken`, and clones anonymously without them): give `ssh://git@<host>/<org>/<repo>`,
   * or bootstrap with `--token-auth` for an https URL. (`flux bootstrap` applies this folder's
   * kustomization.yaml, so this GitRepository, not its own gotk-sync.yaml, is what runs.)
   * @default - the repo's url
   */
  readonly url?: string;
  /**
   * Secret with the deploy key or token, in the Flux namespace: the name of a Secret created by
   * `flux bootstrap` (declared as provided), or an {@link ISecretSource} (e.g. a SealedSecret).
   * Its keys must suit the URL's scheme (see `url`).
   * @default 'flux-system'
   */
  readonly secretRef?: ISecretSource | string;
  /**
   * How Flux's controllers get on the cluster. `bootstrap`: `flux bootstrap` commits them as
   * `gotk-components.yaml` in this folder, and the folder's `kustomization.yaml` lists it (user-owned:
   * synth never writes it). Listing it matters twice: `flux bootstrap` applies an existing
   * `kustomization.yaml` of the folder instead of the install (flux2
   * `pkg/bootstrap/bootstrap_plain_git.go`), so without it no CRD is installed and the bootstrap
   * fails ("no matches for kind"); and the `flux-system` Kustomization, which prunes, would delete
   * the controllers, CRDs and namespace it no longer builds. `external`: Flux is installed another
   * way (the AKS Flux extension, the Flux Operator, a Helm chart) and the folder holds only the
   * sync; `lockdown`, `shards` and `controllerArgs`, which patch the install, then need it listed
   * by hand.
   * @default 'bootstrap'
   */
  readonly install?: 'bootstrap' | 'external';
  /** Source fetch interval. @default '1m' */
  readonly sourceInterval?: FluxDuration;
  /**
   * `spec.ignore` of the `flux-system` GitRepository: files left out of its artifact (Flux's
   * monorepo pattern `/*` then `!/clusters` ...). See `GitRepositoryProps.ignore`: the same checks.
   * @default - the VCS patterns and Flux's default exclusions
   */
  readonly ignore?: string;
  /** Sync interval. @default '10m' */
  readonly interval?: FluxDuration;
  /** Namespace of Flux. @default 'flux-system' */
  readonly namespace?: string;
  /** Name of the GitRepository and Kustomization. @default 'flux-system' */
  readonly name?: string;
  /**
   * Lock Flux down for multi-tenancy, as documented in "Flux multi-tenancy"
   * (fluxcd.io/flux/installation/configuration/multitenancy/): the flux-system Kustomization runs
   * as `kustomize-controller` (cluster-admin), and the folder's kustomization.yaml patches the
   * controllers of your committed `gotk-components.yaml` with `--no-cross-namespace-refs=true`,
   * `--no-remote-bases=true` and `--default-service-account=default` ({@link FLUX_LOCKDOWN_PATCHES};
   * in the kustomization.yaml so that `flux bootstrap`, which applies the folder, installs them too).
   * Synth then checks everything this cluster's Flux applies (the entry folder and, through its
   * Kustomizations, every folder they apply) and fails, one line per object, on a cross-namespace
   * `sourceRef`, chart source, `dependsOn`, `providerRef` or event source, and on a Kustomization or
   * HelmRelease without `serviceAccountName` (it would run as its namespace's `default` account;
   * with a `kubeConfig`, that account would be impersonated on the remote cluster).
   * @default false
   */
  readonly lockdown?: boolean;
  /**
   * More arguments of the Flux controllers of this folder's install, as Flux's vertical scaling
   * guide patches them (fluxcd.io/flux/installation/configuration/vertical-scaling/), e.g.
   * `{ 'kustomize-controller': ['--concurrent=40', '--kube-api-qps=500', '--kube-api-burst=1000'] }`:
   * in the folder's `kustomization.yaml` (the shard controllers built from the folder get them
   * too), else on the sync (the shard controllers then do not get them). Each is `--flag` or
   * `--flag=value`; the flags the lockdown and the shards set are refused. The folder must hold
   * the Flux install (see `lockdown`).
   * @default - none
   */
  readonly controllerArgs?: Partial<Record<FluxController, string[]>>;
  /**
   * The extra components of the install, as given to `flux bootstrap --components-extra` (run
   * it with the same list: this construct does not write `gotk-components.yaml`).
   * `source-watcher` (Flux 2.7 and later) serves the `ArtifactGenerator` kind, declared
   * pre-installed on the bootstrap's cluster, and the flux CLI then starts kustomize-controller
   * and helm-controller with `--feature-gates=ExternalArtifact=true`, without which they refuse an
   * `ExternalArtifact` source (flux2 `pkg/manifestgen/install/templates.go`). The lockdown adds
   * `--no-cross-namespace-refs=true` to it too; the shard builds leave it out (one source-watcher
   * serves every generator: a copy per shard would generate each artifact again).
   * @default - none
   */
  readonly componentsExtra?: FluxExtraComponent[];
  // --- Flux controller sharding (fleet task) ---
  /**
   * Flux controller shards (e.g. `['shard0', 'shard1']`), as Flux documents
   * (fluxcd.io/flux/installation/configuration/sharding): per shard, a Kustomization
   * `<name>-<shard>` builds this folder's `gotk-components.yaml` into `source-controller-<shard>`,
   * `kustomize-controller-<shard>` and `helm-controller-<shard>` started with
   * `--watch-label-selector=sharding.fluxcd.io/key=<shard>`, and the sync patches the main
   * controllers with `--watch-label-selector=!sharding.fluxcd.io/key`. Objects labelled
   * `sharding.fluxcd.io/key: <shard>` (the `shardKey` prop; a Fleet's `shards`) are then reconciled
   * by their shard only. The shard controllers are built from this folder's `gotk-components.yaml`
   * (which `flux bootstrap` commits; listed by default, see `install`).
   * With `lockdown`, the shard Kustomizations run as `kustomize-controller` too and patch their
   * controllers with the same lockdown flags. Synth refuses Flux objects of the app whose shard key
   * no FluxBootstrap of the app runs (nothing would reconcile them).
   * @default - no shards
   */
  readonly shards?: string[];
  // --- end Flux controller sharding ---
}

/**
 * What `flux bootstrap` commits as `flux-system/gotk-sync.yaml`: the `flux-system` GitRepository
 * (the cluster's repo and branch) and the `flux-system` Kustomization applying the cluster's entry
 * folder with prune. Create it in the cluster's `flux-system` folder (a sub-folder of the entry
 * folder, so the sync manages itself). The bootstrap Secret is created by `flux bootstrap` and is
 * declared as provided. `gotk-components.yaml` (the controllers) is never written: the folder's
 * `kustomization.yaml` lists it as user-owned, as `flux bootstrap` commits it (see `install`).
 *
 * Layout rule (checked at synth): the entry folder's kustomization.yaml lists only its own files
 * (the cluster's Kustomizations, namespaces, sources) and this bootstrap's folder; any other
 * sub-folder of the entry is applied by its own Kustomization. Create the entry folder with
 * `includeSubfolders: false` (this construct then lists its own folder in it); a sub-folder the
 * entry lists would be applied by flux-system in its first sync, before its CRDs exist.
 *
 * @example
 * const entry = repo.folder('clusters/mgmt', { includeSubfolders: false });
 * const flux = new FluxBootstrap(repo.folder('clusters/mgmt/flux-system', { namespace: 'flux-system' }), 'flux', { repo, entry, lockdown: true });
 * Kustomization.forFolder(entry, 'infra', repo.folder('clusters/mgmt/infra'), { name: 'infra', source: flux.source, prune: true, serviceAccountName: 'kustomize-controller' });
 */
export class FluxBootstrap extends Construct {
  /** The `flux-system` GitRepository. */
  public readonly source: GitRepository;
  /** The `flux-system` Kustomization. */
  public readonly sync: Kustomization;
  /** Whether the multi-tenancy lockdown is declared (see {@link FluxBootstrapProps.lockdown}). */
  public readonly lockdown: boolean;
  /** The Flux controller shards it runs (see {@link FluxBootstrapProps.shards}); empty without shards. */
  public readonly shards: readonly string[];
  /** The cluster's entry folder, which the `flux-system` Kustomization applies. */
  public readonly entry: Folder;
  /** The extra components of the install (see {@link FluxBootstrapProps.componentsExtra}). */
  public readonly componentsExtra: readonly FluxExtraComponent[];

  public constructor(scope: Construct, id: string, props: FluxBootstrapProps) {
    super(scope, id);
    const namespace = props.namespace ?? 'flux-system';
    const name = props.name ?? 'flux-system';
    const secretRef = props.secretRef ?? 'flux-system';
    if (typeof secretRef === 'string') checkString(this, 'secretRef', secretRef, DNS_SUBDOMAIN);
    if (!(props.url ?? props.repo.url)) throw propError(this, 'url', `is required: repo "${props.repo.node.id}" has no url`);
    if (Repo.of(props.entry) !== props.repo) throw propError(this, 'entry', `folder "${props.entry.path}" is not in repo "${props.repo.node.id}"`);
    this.entry = props.entry;
    if (typeof secretRef === 'string') addProvided(this, { apiGroup: '', kind: 'Secret', name: secretRef, namespace });
    this.lockdown = props.lockdown ?? false;
    this.shards = [...(props.shards ?? [])];
    this.componentsExtra = [...(props.componentsExtra ?? [])];
    this.componentsExtra.forEach((c, i) => {
      if (!EXTRA_COMPONENTS.includes(c)) throw propError(this, `componentsExtra[${i}]`, `"${c}" is not an extra component this library models (${EXTRA_COMPONENTS.join(', ')})`);
      if (this.componentsExtra.indexOf(c) !== i) throw propError(this, `componentsExtra[${i}]`, `"${c}" is listed twice`);
    });
    if (props.controllerArgs?.['source-watcher'] && !this.componentsExtra.includes('source-watcher')) {
      throw propError(this, 'controllerArgs.source-watcher', 'source-watcher is not installed: add it to componentsExtra (flux bootstrap --components-extra=source-watcher)');
    }
    // What source-watcher serves, on the entry folder's cluster (the apply-order check reads it).
    if (this.componentsExtra.includes('source-watcher')) declarePreinstalled(props.entry, Preinstalled.SOURCE_WATCHER);
    if (this.lockdown) {
      // The controllers' ServiceAccounts come with gotk-components.yaml (flux bootstrap / flux install).
      for (const sa of ['kustomize-controller', 'helm-controller']) addProvided(this, { apiGroup: '', kind: 'ServiceAccount', name: sa, namespace });
    }
    const env = props.environment;
    const labels = env ? { [ENVIRONMENT_LABEL]: env.name } : undefined;
    this.source = new GitRepository(this, 'source', {
      name,
      namespace,
      labels,
      repo: props.repo,
      url: props.url,
      ref: { branch: env?.branch ?? props.repo.branch },
      secretRef,
      interval: props.sourceInterval ?? '1m',
      ...(props.ignore !== undefined ? { ignore: props.ignore } : {}),
    });
    // The lockdown patches the controllers of this folder's gotk-components.yaml: in its
    // kustomization.yaml, as Flux's multi-tenancy guide has them, so that `flux bootstrap` (which
    // applies the folder with kustomize, keeping an existing kustomization.yaml) installs locked-down
    // controllers too, not only the sync; the shard builds of the folder inherit them. Without a
    // kustomization.yaml, on the sync (Flux generates the kustomization.yaml).
    const bootstrapFolder = Folder.of(this);
    const install = props.install ?? 'bootstrap';
    if (install !== 'bootstrap' && install !== 'external') throw propError(this, 'install', `must be "bootstrap" or "external" (got "${String(install)}")`);
    if (install === 'bootstrap' && bootstrapFolder.kustomization) bootstrapFolder.addResource(FLUX_INSTALL_FILE, { userOwned: true });
    const lockdownInFile = this.lockdown && bootstrapFolder.kustomization;
    if (lockdownInFile) for (const p of FLUX_LOCKDOWN_PATCHES) bootstrapFolder._addFilePatch({ ...renderPatch(p) });
    const argPatches = controllerArgPatches(this, props.controllerArgs);
    if (bootstrapFolder.kustomization) for (const p of argPatches) bootstrapFolder._addFilePatch({ ...renderPatch(p) });
    const argsOnSync = bootstrapFolder.kustomization ? [] : argPatches;
    this.sync = Kustomization.forFolder(this, 'sync', props.entry, {
      name,
      namespace,
      labels,
      source: this.source,
      prune: true,
      interval: props.interval ?? '10m',
      ...(this.lockdown ? { serviceAccountName: FLUX_SYSTEM_SERVICE_ACCOUNT } : {}),
      ...((this.lockdown && !lockdownInFile) || argsOnSync.length > 0 ? { patches: [...(this.lockdown && !lockdownInFile ? FLUX_LOCKDOWN_PATCHES : []), ...argsOnSync] } : {}),
    });

    // Layout: the entry lists only its own files and this folder; sub-folders get their own Kustomization.
    const own = Folder.of(this);
    const entry = props.entry;
    if (!entry.includeSubfolders && entry.kustomization && Repo.of(own) === props.repo && own.path.startsWith(`${entry.path}/`)) {
      entry.addResource(own.path.slice(entry.path.length + 1));
    }
    this.node.addValidation({
      validate: () => [
        ...layoutProblems(entry, own),
        ...(this.lockdown ? lockdownProblems(entry, namespace, [this.sync.apiObject]).map((p) => `lockdown: ${p}`) : []),
        ...unwatchedShardProblems(this),
        ...(this.shards.length > 0 ? shardInstallProblems(own, namespace) : []),
        ...(this.lockdown ? lockdownInstallProblems(own, namespace) : []),
        ...(argPatches.length > 0 ? controllerArgsInstallProblems(own, namespace) : []),
      ],
    });
    // --- Flux controller sharding (fleet task) ---
    this.shardKustomizations = props.shards ? fluxShards(this, props.shards, this.sync, this.source, labels, this.lockdown, !lockdownInFile) : [];
    // --- end Flux controller sharding ---
  }

  // --- Flux controller sharding (fleet task) ---
  /** The Kustomizations deploying the shard controllers, one per shard. */
  public readonly shardKustomizations: Kustomization[];
  // --- end Flux controller sharding ---
}

/**
 * Flux objects of the app labelled with a shard key (`sharding.fluxcd.io/key`) that no
 * FluxBootstrap of the app runs a shard for: the main controllers skip every object with a shard
 * key (`--watch-label-selector=!sharding.fluxcd.io/key`), so nothing would ever reconcile them
 * (a Fleet's `shards` or a row's `shard` beyond the bootstrap's `shards`, a typo). One line per
 * key, from the app's first FluxBootstrap (by construct path), so several bootstraps report it once.
 * An object in a folder the Flux of bootstrapped clusters applies (from their entry folders,
 * through the Kustomizations found there) is checked against the shards of each of those clusters
 * (a folder applied by two clusters needs the shard on both). Other objects are checked against
 * the shards of their own cluster's bootstraps (the `cluster` of their folder, or of the nearest
 * parent folder by path, as synth places it); of no cluster, against the shards of every bootstrap;
 * of a cluster no FluxBootstrap of the app runs on, not at all (its Flux is bootstrapped elsewhere).
 */
/** The file `flux bootstrap` commits the Flux install as (the controllers, CRDs and namespace). */
export const FLUX_INSTALL_FILE = 'gotk-components.yaml';

/** The label of every object of Flux's install (flux2 manifests/install: its kustomization's labels). */
const FLUX_PART_OF = 'app.kubernetes.io/part-of';
/** The controllers Flux's sharding setup patches (and builds again per shard) from the Flux install. */
const SHARDED_CONTROLLERS = ['source-controller', 'kustomize-controller', 'helm-controller'];

/**
 * Shards without the Flux install in the bootstrap's folder: the `flux-system` Kustomization
 * patches the main controllers (`--watch-label-selector=!sharding.fluxcd.io/key`) and each shard
 * Kustomization builds the shard controllers from the controllers' Deployments in its build; with
 * none there (the folder lists no `gotk-components.yaml` and holds no controller Deployment), no
 * shard controller runs and the main controllers are not told to skip sharded objects: sharding
 * would silently do nothing.
 */
/** Whether the folder holds the Flux install: lists its `gotk-components.yaml`, or has one of `controllers`' Deployments. */
function holdsFluxInstall(folder: Folder, namespace: string, controllers: readonly string[], partOfFlux = false): boolean {
  if (folder.additionalResources.includes('gotk-components.yaml')) return true;
  return folder.node.findAll().some((c) => c instanceof ApiObject && c.kind === 'Deployment' && controllers.includes(c.name) && (c.metadata.namespace ?? namespace) === namespace &&
    (!partOfFlux || c.metadata.getLabel(FLUX_PART_OF) === 'flux'));
}

/**
 * The lockdown patches the controllers of the bootstrap's folder (its gotk-components.yaml): a
 * folder without the Flux install has nothing to patch, so the controllers would run without the
 * flags the lockdown check assumes.
 */
function lockdownInstallProblems(folder: Folder, namespace: string): string[] {
  if (holdsFluxInstall(folder, namespace, ['kustomize-controller', 'helm-controller'])) return [];
  return [
    `prop "lockdown": the lockdown patches the controllers of the Flux install in folder "${folder.path}" (its gotk-components.yaml, which flux bootstrap commits), ` +
      'but the folder lists none, so no controller would get the lockdown flags; ' +
      `list it with repo.folder('${folder.path}').addResource('gotk-components.yaml', { userOwned: true })`,
  ];
}

function controllerArgsInstallProblems(folder: Folder, namespace: string): string[] {
  if (holdsFluxInstall(folder, namespace, [...FLUX_CONTROLLERS])) return [];
  return [
    `prop "controllerArgs": the arguments patch the controllers of the Flux install in folder "${folder.path}" (its gotk-components.yaml, which flux bootstrap commits), ` +
      'but the folder lists none, so no controller would get them; ' +
      `list it with repo.folder('${folder.path}').addResource('gotk-components.yaml', { userOwned: true })`,
  ];
}

/** The patches of {@link FluxBootstrapProps.controllerArgs}, one per argument, in controller order; throws on a bad one. */
function controllerArgPatches(scope: FluxBootstrap, args: FluxBootstrapProps['controllerArgs']): KustomizationPatch[] {
  const out: KustomizationPatch[] = [];
  for (const [controller, list] of Object.entries(args ?? {})) {
    if (!(FLUX_CONTROLLERS as readonly string[]).includes(controller)) {
      throw propError(scope, `controllerArgs.${controller}`, `is not a Flux controller (${FLUX_CONTROLLERS.join(', ')})`);
    }
    (list ?? []).forEach((arg, i) => {
      const prop = `controllerArgs.${controller}[${i}]`;
      if (typeof arg !== 'string' || !/^--[a-z0-9][a-z0-9-]*(=.*)?$/.test(arg)) throw propError(scope, prop, `${JSON.stringify(arg)} is not a flag: write --name or --name=value`);
      const flag = arg.split('=')[0];
      if (MANAGED_FLAGS[flag]) throw propError(scope, prop, `${flag} is set by the ${MANAGED_FLAGS[flag]} of this FluxBootstrap: use its prop "${MANAGED_FLAGS[flag]}" instead`);
      out.push(addArg(controller, arg));
    });
  }
  return out;
}

function shardInstallProblems(folder: Folder, namespace: string): string[] {
  // The shard builds keep only the objects of Flux's install, all labelled part-of=flux: controllers
  // the app writes itself need the label too.
  if (holdsFluxInstall(folder, namespace, SHARDED_CONTROLLERS, true)) return [];
  return [
    `prop "shards": the shard controllers are built from the Flux install in folder "${folder.path}" (its gotk-components.yaml, which flux bootstrap commits), ` +
      'but the folder lists none, so no shard controller would run and the main controllers would not skip sharded objects; ' +
      `list it with repo.folder('${folder.path}').addResource('gotk-components.yaml', { userOwned: true }), ` +
      `or label the controller Deployments the app writes there ${FLUX_PART_OF}: flux, as Flux's install does`,
  ];
}

function unwatchedShardProblems(self: FluxBootstrap): string[] {
  // Found once per synth pass for the whole app (each bootstrap walking the app was quadratic in
  // the bootstraps), reported by the first bootstrap.
  const { first, problems } = memoForSynthPass(UNWATCHED_SHARDS, self.node.root, () => appShardProblems(self.node.root));
  return first === self ? problems : [];
}

const UNWATCHED_SHARDS = Symbol('unwatched shard keys');

/** The app's first FluxBootstrap and the problems of {@link unwatchedShardProblems}. */
function appShardProblems(root: IConstruct): { first?: FluxBootstrap; problems: string[] } {
  const all = root.node.findAll();
  const bootstraps = all.filter((c): c is FluxBootstrap => c instanceof FluxBootstrap);
  const clusterOf = folderClusters();
  // The shards run per cluster, and by every bootstrap (for objects of no cluster).
  const byCluster = new Map<string, Set<string>>();
  for (const b of bootstraps) {
    const c = clusterOf(b.entry);
    byCluster.set(c, new Set([...(byCluster.get(c) ?? []), ...b.shards]));
  }
  const union = new Set(bootstraps.flatMap((b) => b.shards));
  // The clusters whose Flux applies each folder (a folder several clusters apply: each of them).
  const appliers = new Map<Folder, Set<string>>();
  if (union.size > 0 || bootstraps.length > 1) {
    for (const b of bootstraps) {
      const cluster = clusterOf(b.entry);
      for (const f of appliedFolders(b.entry)) {
        const set = appliers.get(f);
        if (set) set.add(cluster);
        else appliers.set(f, new Set([cluster]));
      }
    }
  }
  const unwatched = new Map<string, { cluster: string; objs: ApiObject[] }>();
  const add = (cluster: string, key: string, c: ApiObject) => {
    const id = `${cluster}\u0000${key}`;
    const entry = unwatched.get(id);
    if (entry) entry.objs.push(c);
    else unwatched.set(id, { cluster, objs: [c] });
  };
  for (const c of all) {
    if (!(c instanceof ApiObject) || !c.apiVersion.split('/')[0].endsWith('.toolkit.fluxcd.io')) continue;
    const key = c.metadata.getLabel(SHARD_LABEL);
    if (key === undefined) continue;
    const folder = nearestFolder(c);
    const applying = folder ? appliers.get(folder) : undefined;
    if (applying) {
      // Applied by the Flux of these clusters: each one's main controllers skip it, so each must run the shard.
      for (const cluster of applying) if (!byCluster.get(cluster)!.has(key)) add(cluster, key, c);
      continue;
    }
    const cluster = folder ? clusterOf(folder) : '';
    const runs = byCluster.get(cluster) ?? (cluster === '' ? union : undefined);
    if (runs && !runs.has(key)) add(cluster, key, c);
  }
  const problems = [...unwatched].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, { cluster, objs }]) => {
    const key = id.slice(id.indexOf('\u0000') + 1);
    const shards = byCluster.get(cluster) ?? union;
    const runs = shards.size > 0 ? `its shards are ${[...shards].sort().map((x) => `"${x}"`).join(', ')}` : 'it runs no shards';
    const on = byCluster.has(cluster) && cluster !== '' ? ` on cluster "${cluster}"` : '';
    const shown = objs.slice(0, 3).map((o) => `${o.node.path.replace(/\/Resource$/, '')} (${o.kind} ${o.metadata.namespace ?? 'default'}/${o.name})`);
    const more = objs.length > 3 ? ` and ${objs.length - 3} more` : '';
    return `shards: ${objs.length} Flux object(s)${on} have the shard key "${key}" (${SHARD_LABEL}), but no FluxBootstrap${on ? ' of that cluster' : ' of the app'} runs that shard (${runs}), ` +
      `and the main controllers skip objects with a shard key, so nothing would reconcile them: ${shown.join(', ')}${more}; ` +
      `add "${key}" to the FluxBootstrap's shards, or give them a key it runs (a Fleet's or SystemsSync's shards, a row's shard, shardKey)`;
  });
  return { first: bootstraps[0], problems };
}

// --- Flux controller sharding (fleet task) ---
const DELETE_ALL = 'apiVersion: v1\nkind: all\nmetadata:\n  name: all\n$patch: delete\n';

/** The shard Kustomizations and the main controllers' patch of Flux's sharding guide. */
function fluxShards(scope: FluxBootstrap, shards: string[], sync: Kustomization, source: GitRepository, labels: Record<string, string> | undefined, lockdown: boolean, lockdownPatches: boolean): Kustomization[] {
  if (shards.length === 0) throw propError(scope, 'shards', 'must list at least one shard key, or be left out');
  shards.forEach((s, i) => {
    checkString(scope, `shards[${i}]`, s, { ...DNS_LABEL, description: 'a shard key: a DNS label such as "shard1"' });
    if (shards.indexOf(s) !== i) throw propError(scope, `shards[${i}]`, `"${s}" is listed twice`);
  });
  const folder = Folder.of(scope);
  sync.addPatch({
    target: { kind: 'Deployment', name: `(${SHARDED_CONTROLLERS.join('|')})`, annotationSelector: '!sharding.fluxcd.io/role' },
    patch: [{ op: 'add', path: '/spec/template/spec/containers/0/args/0', value: `--watch-label-selector=!${SHARD_LABEL}` }],
  });
  return shards.map((shard) => {
    const k = Kustomization.forFolder(scope, `shard-${shard}`, folder, {
      name: `${sync.name}-${shard}`,
      namespace: sync.namespace,
      labels,
      source,
      prune: true,
      interval: '10m',
      patches: [
        // Keep only the three controllers (and source-controller's Service) of gotk-components.yaml.
        { target: { kind: '(Namespace|CustomResourceDefinition|ClusterRole|ClusterRoleBinding|ServiceAccount|NetworkPolicy|ResourceQuota)', labelSelector: 'app.kubernetes.io/part-of=flux' }, patch: DELETE_ALL },
        { target: { labelSelector: 'app.kubernetes.io/component=notification-controller' }, patch: DELETE_ALL },
        { target: { kind: 'Deployment', name: '(image-reflector-controller|image-automation-controller)' }, patch: DELETE_ALL },
        // source-watcher (componentsExtra) serves every ArtifactGenerator from the main install: a
        // copy per shard, watching no shard label, would generate every artifact again.
        { target: { labelSelector: 'app.kubernetes.io/component=source-watcher' }, patch: DELETE_ALL },
        // The folder's own Flux objects (the sync, the shard Kustomizations) are not the shard's.
        { target: { group: '(source|kustomize|helm|notification|image).toolkit.fluxcd.io' }, patch: DELETE_ALL },
        // Nor is anything else of the folder but Flux's install (all of it labelled part-of=flux):
        // a SealedSecret of the Git credentials, say, would be applied again with the shard's
        // nameSuffix, which a strict seal does not decrypt under, and pruned with the shard.
        { target: { labelSelector: `${FLUX_PART_OF}!=flux` }, patch: DELETE_ALL },
        { target: { kind: 'Service', name: 'source-controller' }, patch: [{ op: 'replace', path: '/spec/selector/app', value: `source-controller-${shard}` }] },
        ...SHARDED_CONTROLLERS.map((c) => ({
          target: { kind: 'Deployment', name: c },
          patch: [
            { op: 'replace' as const, path: '/spec/selector/matchLabels/app', value: `${c}-${shard}` },
            { op: 'replace' as const, path: '/spec/template/metadata/labels/app', value: `${c}-${shard}` },
            ...(c === 'source-controller' ? [{ op: 'replace' as const, path: '/spec/template/spec/containers/0/args/6', value: `--storage-adv-addr=source-controller-${shard}.$(RUNTIME_NAMESPACE).svc.cluster.local.` }] : []),
          ],
        })),
        {
          target: { kind: 'Deployment', name: `(${SHARDED_CONTROLLERS.join('|')})` },
          patch: [{ op: 'add', path: '/spec/template/spec/containers/0/args/-', value: `--watch-label-selector=${SHARD_LABEL}=${shard}` }],
        },
        // Under the lockdown the shard's controllers get the same flags as the main ones: the
        // objects of a shard (a tenant's Kustomization with a shard key, say) are reconciled there.
        // (From the folder's kustomization.yaml, which the shard builds too, when it has one.)
        ...(lockdown && lockdownPatches ? FLUX_LOCKDOWN_PATCHES : []),
      ],
      // Like the flux-system sync under the lockdown: it applies Flux's controllers, as the
      // controller's own (cluster-admin) account, not as flux-system/default.
      ...(lockdown ? { serviceAccountName: FLUX_SYSTEM_SERVICE_ACCOUNT } : {}),
    });
    k.apiObject.addJsonPatch(JsonPatch.add('/spec/nameSuffix', `-${shard}`));
    k.apiObject.addJsonPatch(JsonPatch.add('/spec/commonMetadata', { annotations: { 'sharding.fluxcd.io/role': 'shard' } }));
    return k;
  });
}
// --- end Flux controller sharding ---

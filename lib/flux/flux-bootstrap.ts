import { JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { checkString, DNS_LABEL, DNS_SUBDOMAIN, propError } from '../core/errors';
import { addProvided } from '../core/references';
import { Folder } from '../gitops/folder';
import { Repo } from '../gitops/repo';
import { FluxDuration, SHARD_LABEL } from './common';
import { Environment } from './environment';
import { GitRepository } from './git-repository';
import { Kustomization } from './kustomization';

/** Props of a {@link FluxBootstrap}. */
export interface FluxBootstrapProps {
  /** The repo the cluster syncs from (its `url` is required unless `url` is given). */
  readonly repo: Repo;
  /** The cluster's entry folder (e.g. `clusters/mgmt`); the `flux-system` Kustomization applies it. */
  readonly entry: Folder;
  /**
   * The environment the cluster tracks: the source follows its branch (branch-per-env). Its
   * patches and variables (overlay-per-env) belong on the Kustomizations that build the shared
   * base (`environment.kustomizationProps()`), not on the bootstrap sync.
   * @default - the repo's branch
   */
  readonly environment?: Environment;
  /** Clone URL. @default - the repo's url */
  readonly url?: string;
  /**
   * Secret with the deploy key or token (created by `flux bootstrap`, so declared as provided).
   * @default 'flux-system'
   */
  readonly secretRef?: string;
  /** Source fetch interval. @default '1m' */
  readonly sourceInterval?: FluxDuration;
  /** Sync interval. @default '10m' */
  readonly interval?: FluxDuration;
  /** Namespace of Flux. @default 'flux-system' */
  readonly namespace?: string;
  /** Name of the GitRepository and Kustomization. @default 'flux-system' */
  readonly name?: string;
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
   * (which `flux bootstrap` commits): list it with `folder.addResource('gotk-components.yaml')`.
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
 * declared as provided. `gotk-components.yaml` (the controllers) is not written: add it with
 * `folder.addResource('gotk-components.yaml')` when you commit it yourself.
 *
 * @example
 * const entry = repo.folder('clusters/mgmt');
 * new FluxBootstrap(repo.folder('clusters/mgmt/flux-system', { namespace: 'flux-system' }), 'flux', { repo, entry });
 */
export class FluxBootstrap extends Construct {
  /** The `flux-system` GitRepository. */
  public readonly source: GitRepository;
  /** The `flux-system` Kustomization. */
  public readonly sync: Kustomization;

  public constructor(scope: Construct, id: string, props: FluxBootstrapProps) {
    super(scope, id);
    const namespace = props.namespace ?? 'flux-system';
    const name = props.name ?? 'flux-system';
    const secretRef = props.secretRef ?? 'flux-system';
    checkString(this, 'secretRef', secretRef, DNS_SUBDOMAIN);
    if (!(props.url ?? props.repo.url)) throw propError(this, 'url', `is required: repo "${props.repo.node.id}" has no url`);
    if (Repo.of(props.entry) !== props.repo) throw propError(this, 'entry', `folder "${props.entry.path}" is not in repo "${props.repo.node.id}"`);
    addProvided(this, { apiGroup: '', kind: 'Secret', name: secretRef, namespace });
    const env = props.environment;
    this.source = new GitRepository(this, 'source', {
      name,
      namespace,
      repo: props.repo,
      url: props.url,
      ref: { branch: env?.branch ?? props.repo.branch },
      secretRef,
      interval: props.sourceInterval ?? '1m',
    });
    this.sync = Kustomization.forFolder(this, 'sync', props.entry, {
      name,
      namespace,
      source: this.source,
      prune: true,
      interval: props.interval ?? '10m',
    });
    // --- Flux controller sharding (fleet task) ---
    this.shardKustomizations = props.shards ? fluxShards(this, props.shards, this.sync, this.source) : [];
    // --- end Flux controller sharding ---
  }

  // --- Flux controller sharding (fleet task) ---
  /** The Kustomizations deploying the shard controllers, one per shard. */
  public readonly shardKustomizations: Kustomization[];
  // --- end Flux controller sharding ---
}

// --- Flux controller sharding (fleet task) ---
const SHARD_CONTROLLERS = ['source-controller', 'kustomize-controller', 'helm-controller'];
const DELETE_ALL = 'apiVersion: v1\nkind: all\nmetadata:\n  name: all\n$patch: delete\n';

/** The shard Kustomizations and the main controllers' patch of Flux's sharding guide. */
function fluxShards(scope: FluxBootstrap, shards: string[], sync: Kustomization, source: GitRepository): Kustomization[] {
  if (shards.length === 0) throw propError(scope, 'shards', 'must list at least one shard key, or be left out');
  shards.forEach((s, i) => {
    checkString(scope, `shards[${i}]`, s, { ...DNS_LABEL, description: 'a shard key: a DNS label such as "shard1"' });
    if (shards.indexOf(s) !== i) throw propError(scope, `shards[${i}]`, `"${s}" is listed twice`);
  });
  const folder = Folder.of(scope);
  sync.addPatch({
    target: { kind: 'Deployment', name: `(${SHARD_CONTROLLERS.join('|')})`, annotationSelector: '!sharding.fluxcd.io/role' },
    patch: [{ op: 'add', path: '/spec/template/spec/containers/0/args/0', value: `--watch-label-selector=!${SHARD_LABEL}` }],
  });
  return shards.map((shard) => {
    const k = Kustomization.forFolder(scope, `shard-${shard}`, folder, {
      name: `${sync.name}-${shard}`,
      namespace: sync.namespace,
      source,
      prune: true,
      interval: '10m',
      patches: [
        // Keep only the three controllers (and source-controller's Service) of gotk-components.yaml.
        { target: { kind: '(Namespace|CustomResourceDefinition|ClusterRole|ClusterRoleBinding|ServiceAccount|NetworkPolicy|ResourceQuota)', labelSelector: 'app.kubernetes.io/part-of=flux' }, patch: DELETE_ALL },
        { target: { labelSelector: 'app.kubernetes.io/component=notification-controller' }, patch: DELETE_ALL },
        { target: { kind: 'Deployment', name: '(image-reflector-controller|image-automation-controller)' }, patch: DELETE_ALL },
        // The folder's own Flux objects (the sync, the shard Kustomizations) are not the shard's.
        { target: { group: '(source|kustomize|helm|notification|image).toolkit.fluxcd.io' }, patch: DELETE_ALL },
        { target: { kind: 'Service', name: 'source-controller' }, patch: [{ op: 'replace', path: '/spec/selector/app', value: `source-controller-${shard}` }] },
        ...SHARD_CONTROLLERS.map((c) => ({
          target: { kind: 'Deployment', name: c },
          patch: [
            { op: 'replace' as const, path: '/spec/selector/matchLabels/app', value: `${c}-${shard}` },
            { op: 'replace' as const, path: '/spec/template/metadata/labels/app', value: `${c}-${shard}` },
            ...(c === 'source-controller' ? [{ op: 'replace' as const, path: '/spec/template/spec/containers/0/args/6', value: `--storage-adv-addr=source-controller-${shard}.$(RUNTIME_NAMESPACE).svc.cluster.local.` }] : []),
          ],
        })),
        {
          target: { kind: 'Deployment', name: `(${SHARD_CONTROLLERS.join('|')})` },
          patch: [{ op: 'add', path: '/spec/template/spec/containers/0/args/-', value: `--watch-label-selector=${SHARD_LABEL}=${shard}` }],
        },
      ],
    });
    k.resource.addJsonPatch(JsonPatch.add('/spec/nameSuffix', `-${shard}`));
    k.resource.addJsonPatch(JsonPatch.add('/spec/commonMetadata', { annotations: { 'sharding.fluxcd.io/role': 'shard' } }));
    return k;
  });
}
// --- end Flux controller sharding ---

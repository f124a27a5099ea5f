// Flux multi-tenancy lockdown and the bootstrap layout: what a cluster's Flux applies, and the
// synth-time checks FluxBootstrap runs over it.
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Folder } from '../gitops/folder';
import { Repo } from '../gitops/repo';
import { HELM_GROUP, ISource, KUSTOMIZE_GROUP, NOTIFICATION_GROUP, SOURCE_EXTENSIONS_GROUP } from './common';
import { GitRepository } from './git-repository';
import { Kustomization, KustomizationPatch } from './kustomization';
import { RepoIndex } from './placement';

export { RepoIndex } from './placement';

/** One `--flag=value` added to the controllers matching `deployments` (a regular expression). */
/** A patch appending `arg` to the first container's args of the Deployments named by the `deployments` regex. */
export function addArg(deployments: string, arg: string): KustomizationPatch {
  return {
    patch: [{ op: 'add', path: '/spec/template/spec/containers/0/args/-', value: arg }],
    target: { kind: 'Deployment', name: deployments },
  };
}

/**
 * The multi-tenancy lockdown patches of the Flux controllers (written by `FluxBootstrap` into
 * its folder's kustomization.yaml), as documented in "Flux multi-tenancy"
 * (fluxcd.io/flux/installation/configuration/multitenancy/):
 * `--no-cross-namespace-refs=true` on kustomize-, helm-, notification-, image-reflector- and
 * image-automation-controller, and on source-watcher (the guide's patch predates it; it honors
 * the flag for an ArtifactGenerator's sources, source-watcher `validateSpec`),
 * `--no-remote-bases=true` on kustomize-controller and
 * `--default-service-account=default` on kustomize- and helm-controller. The fourth documented
 * patch (the flux-system Kustomization runs as `kustomize-controller`) is rendered by
 * {@link FluxBootstrap} itself.
 */
export const FLUX_LOCKDOWN_PATCHES: readonly KustomizationPatch[] = [
  addArg('(kustomize-controller|helm-controller|notification-controller|image-reflector-controller|image-automation-controller|source-watcher)', '--no-cross-namespace-refs=true'),
  addArg('kustomize-controller', '--no-remote-bases=true'),
  addArg('(kustomize-controller|helm-controller)', '--default-service-account=default'),
];

/** A kustomization.yaml resource kustomize fetches from elsewhere (a URL, or `github.com/...`), not a path of the repo. */
export const REMOTE_RESOURCE = /^([a-z][a-z0-9+.-]*:\/\/|(github\.com|gitlab\.com|bitbucket\.org)\/)/i;

/** The flags the lockdown patches set (`--no-cross-namespace-refs`, ...). */
export const FLUX_LOCKDOWN_FLAGS: readonly string[] = [...new Set(FLUX_LOCKDOWN_PATCHES.map((p) => String((p.patch as Array<{ value: unknown }>)[0].value).split('=')[0]))];

/** The ServiceAccount the flux-system Kustomization runs as under the lockdown (cluster-admin). */
export const FLUX_SYSTEM_SERVICE_ACCOUNT = 'kustomize-controller';

const FLUX_GROUPS = [KUSTOMIZE_GROUP, HELM_GROUP, NOTIFICATION_GROUP, SOURCE_EXTENSIONS_GROUP];

/** The app {@link Repo} a Flux source fetches: its `repo`, else the Repo of the app with the same URL. */
export function sourceRepo(source: ISource, scope: IConstruct): Repo | undefined {
  const src = source as Partial<GitRepository>;
  if (src.repo) return src.repo;
  return typeof src.url === 'string' ? Repo.ofUrl(scope, src.url) : undefined;
}

/**
 * The folders of `repo` a Flux Kustomization applying `path` builds (see `RepoFolders.built`):
 * the folder at the path and what its kustomization.yaml lists, transitively; what Flux's
 * generated kustomization.yaml lists when no folder with one sits there. Sorted by path.
 */
export function foldersBuiltAt(repo: Repo, path: string, index: RepoIndex = new RepoIndex()): Folder[] {
  return index.of(repo).built(path).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Every folder the Flux of a cluster applies, starting from its entry folder: the folders each
 * build includes, and the folders applied by the (local, not `kubeConfig`) Kustomizations found
 * in them whose source is a GitRepository of an app {@link Repo}.
 */
export function appliedFolders(entry: Folder): Folder[] {
  const index = new RepoIndex();
  const seen = new Set<Folder>();
  const queue: Folder[] = [entry, ...index.of(Repo.of(entry)).built(entry.path)];
  for (let next = 0; next < queue.length; next++) {
    const f = queue[next];
    if (seen.has(f)) continue;
    seen.add(f);
    for (const c of f.node.findAll()) {
      if (!Kustomization.isKustomization(c) || c.kubeConfig) continue;
      const repo = sourceRepo(c.source, c);
      if (repo) queue.push(...index.of(repo).built(c.path));
    }
  }
  return [...seen];
}

/**
 * The props that set a Flux object's `sourceRef` and `serviceAccountName` when a pattern made it
 * (a Fleet's bucket and hydration Kustomizations), named in the lockdown's fixes: keyed by the
 * object's ApiObject.
 */
export const LOCKDOWN_PROP_HINTS = new WeakMap<IConstruct, { readonly sourceRef?: string; readonly serviceAccountName?: string }>();

/** Flux objects (Kustomization, HelmRelease, Alert, ...) placed in a folder, with their rendered form. */
function fluxObjectsIn(folder: Folder): Array<{ obj: ApiObject; json: Record<string, any> }> {
  return folder.node.findAll()
    .filter((c: IConstruct): c is ApiObject => ApiObject.isApiObject(c) && FLUX_GROUPS.includes(c.apiVersion.split('/')[0]))
    .map((obj) => ({ obj, json: obj.toJson() }));
}

/**
 * The problems a locked-down Flux (`--no-cross-namespace-refs=true`,
 * `--default-service-account=default`) would report for the objects it applies, one line each,
 * naming the object, the field and the fix. `exempt` objects (the flux-system sync) are skipped.
 */
export function lockdownProblems(entry: Folder, fluxNamespace: string, exempt: readonly ApiObject[] = []): string[] {
  const problems: string[] = [];
  const remote = REMOTE_RESOURCE;
  const remoteFix = 'which --no-remote-bases=true refuses; vendor the files into the repo (or an OCIRepository) and refer to them by path';
  for (const folder of appliedFolders(entry)) {
    for (const r of folder.additionalResources.filter((x) => remote.test(x))) {
      problems.push(`${folder.node.path}: folder "${folder.path}": kustomization.yaml resource "${r}" is a remote base, ${remoteFix}`);
    }
    for (const { obj, json } of fluxObjectsIn(folder)) {
      if (exempt.includes(obj)) continue;
      const ns: string = json.metadata?.namespace ?? 'default';
      // Name the L2 construct (its L1 is its `Resource` child).
      const where = `${obj.node.path.replace(/\/Resource$/, '')}: ${obj.kind} ${ns}/${json.metadata?.name}`;
      const spec = json.spec ?? {};
      const cross = (field: string, ref: { name?: string; namespace?: string } | undefined, fix: string) => {
        if (ref?.namespace !== undefined && ref.namespace !== ns) {
          problems.push(`${where}: ${field}: refers to ${ref.namespace}/${ref.name}, in another namespace, which --no-cross-namespace-refs=true refuses; ${fix}`);
        }
      };
      const hint = LOCKDOWN_PROP_HINTS.get(obj);
      const sourceFix = `create the source in namespace "${ns}" (with its own secretRef there) and use it${hint?.sourceRef ? ` (${hint.sourceRef})` : ''}`;
      cross('spec.sourceRef', spec.sourceRef, sourceFix);
      cross('spec.chart.spec.sourceRef', spec.chart?.spec?.sourceRef, sourceFix);
      cross('spec.chartRef', spec.chartRef, sourceFix);
      // spec.dependsOn is not refused: kustomize-controller reads dependencies with its API reader
      // and no access check (kustomization_controller.go `checkDependencies`), helm-controller only
      // checks its chart and source references (internal/acl `AllowsAccessTo`).
      cross('spec.providerRef', spec.providerRef, `create the Provider in namespace "${ns}"`);
      // An ArtifactGenerator's sources (source-watcher with the lockdown's --no-cross-namespace-refs).
      if (obj.kind === 'ArtifactGenerator') (spec.sources ?? []).forEach((x: { name: string; namespace?: string }, i: number) => cross(`spec.sources[${i}]`, x, sourceFix));
      (spec.components ?? []).forEach((c: string, i: number) => {
        if (remote.test(c)) problems.push(`${where}: spec.components[${i}]: "${c}" is a remote base, ${remoteFix}`);
      });
      (spec.eventSources ?? []).forEach((e: { name: string; namespace?: string }, i: number) =>
        cross(`spec.eventSources[${i}]`, e, `create an Alert in namespace "${e.namespace}" for its objects`));
      const accountHint = hint?.serviceAccountName ? ` (${hint.serviceAccountName})` : '';
      if ((obj.kind === 'Kustomization' || obj.kind === 'HelmRelease') && !spec.serviceAccountName && spec.kubeConfig) {
        // The default account is impersonated on the remote cluster too (fluxcd/pkg
        // runtime/client/impersonator.go, setImpersonationConfig, called for a kubeConfig client).
        problems.push(`${where}: spec.serviceAccountName: is not set, so with --default-service-account=default Flux impersonates system:serviceaccount:${ns}:default ` +
          `on the remote cluster of kubeConfig Secret ${spec.kubeConfig.secretRef?.name}, which has no permissions there; set serviceAccountName${obj.kind === 'Kustomization' ? ' (RemoteClusterHydration: stages[].serviceAccountName; Fleet: hydrationServiceAccountName)' : ''} ` +
          `to an account bound on that cluster, e.g. a ClusterRoleBinding for system:serviceaccount:${ns}:<name> applied to it by a ClusterResourceSet`);
      } else if ((obj.kind === 'Kustomization' || obj.kind === 'HelmRelease') && !spec.serviceAccountName) {
        const controller = obj.kind === 'Kustomization' ? 'kustomize-controller' : 'helm-controller';
        const fix = ns === fluxNamespace
          ? `set serviceAccountName: "${controller}" (the controller's cluster-admin account) for a platform object${accountHint}`
          : `set serviceAccountName to a ServiceAccount of namespace "${ns}" bound to the roles it needs (a Tenant's, or one you create)${accountHint}`;
        problems.push(`${where}: spec.serviceAccountName: is not set, so with --default-service-account=default it runs as ${ns}/default, which has no permissions; ${fix}`);
      }
    }
  }
  return problems;
}

/**
 * The bootstrap layout rule: the entry folder's kustomization.yaml lists only its own files (the
 * Kustomizations of the cluster, namespaces, sources) and the bootstrap's own folder; every other
 * sub-folder is applied by its own Kustomization. A sub-folder the entry lists is applied by
 * flux-system itself on the first sync, before the Kustomizations installing its CRDs and
 * controllers are ready, so one unknown kind (a CAPI Cluster, a HelmRelease before Flux's CRDs are
 * served...) fails the whole flux-system sync, including Flux's own updates.
 */
export function layoutProblems(entry: Folder, bootstrapFolder: Folder): string[] {
  const others = new RepoIndex().of(Repo.of(entry)).included(entry).filter((f) => f !== bootstrapFolder);
  if (!entry.kustomization) {
    return others.length === 0 ? [] : [`entry: folder "${entry.path}" writes no kustomization.yaml (kustomization: false), so Flux applies its whole directory tree ` +
      `(${others.map((f) => `"${f.path}"`).join(', ')}) in the first sync; create the entry folder with the kustomization.yaml on and includeSubfolders: false, ` +
      'and apply its sub-folders with their own Kustomizations'];
  }
  return others
    .map((f) =>
      `entry: folder "${f.path}" is listed by the entry folder "${entry.path}", so flux-system applies it in its first sync, before the Kustomizations installing ` +
        `its CRDs are ready (one unknown kind fails the whole sync, Flux's own updates included); create the entry folder with includeSubfolders: false and ` +
        `apply "${f.path}" with its own Kustomization (Kustomization.forFolder(entry, ...), dependsOn the one installing its controllers)`);
}

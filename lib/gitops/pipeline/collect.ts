/**
 * Stage 1, collect: runs every construct validation, groups the ApiObjects by folder and works out
 * the folder tree (clusters, sub-folders, references, provided objects, the secure-baseline
 * report). Problems found here (construct validations, objects outside folders, two repos in one
 * directory, two folders with one path) stop the synth before anything renders.
 */
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { providedBy, referencesOf, type ObjectRef } from '../../core/references';
import { applyRemovalPolicy, decidesOwnRemoval, forcedKeptProblems, hasClaimTemplates, RemovalPolicy, retainedByGitOps, retainStatefulByDefault, secretsNeededBy, statefulParentOf, isStatefulParentKind } from '../../core/removal-policy';
import { groupOf } from '../../core/validation/metadata';
import { isClusterScoped } from '../../core/kinds';
import { fluxSpecPath, kubeConfigCluster } from '../../core/flux-build';
import { isKustomization } from '../../flux/build-size';
import { importedGitSources } from '../../core/imported-sources';
import { RepoIndex } from '../../flux/placement';
import { Overlay } from '../kustomize';
import { allConstructs } from '../../core/synth-pass';
import type { SchemaRegistry } from '../../core/validation/registry';
import { baselineEntries } from '../../safety/baseline-report';
import { ComposedKinds, definesComposedKinds } from '../../safety/composed';
import { Folder } from '../folder';
import { unlistedFolders } from '../overlay-check';
import { Repo } from '../repo';
import { SynthError, type FolderGroups } from './types';

/** Input of {@link collect}. */
export interface CollectInput {
  /** The app (root construct). */
  readonly root: IConstruct;
  /** Its repos, sorted by dir. */
  readonly repos: readonly Repo[];
  /** Where a repo is written (absolute). */
  readonly repoDir: (repo: Repo) => string;
  /** The schema registry the app's own CRDs / XRDs are registered in; undefined when validation is off. */
  readonly schemas?: () => SchemaRegistry;
  /**
   * Receives the app's ApiObjects once they are listed, before the construct validations run
   * (the write stage starts its worker threads there: see `startStagingPool`).
   * @default - none
   */
  readonly onObjects?: (objects: readonly ApiObject[]) => void;
}

/**
 * Runs every construct validation, groups the ApiObjects by folder and works out the folder
 * tree. Problems found here (construct validations, objects outside folders, two repos in one
 * directory, two folders with one path) stop the synth before anything renders.
 */
export function collect(input: CollectInput): FolderGroups {
  const problems: string[] = [];
  const constructs = allConstructs(input.root);
  // Stateful L1 and raw objects nothing decided the removal of are retained, as the L2s are
  // (before the constructs validate: what they check reads the markers).
  const apiObjects: ApiObject[] = [];
  for (const c of constructs) {
    if (!(c instanceof ApiObject)) continue;
    retainStatefulByDefault(c);
    apiObjects.push(c);
    for (const forced of forcedKeptProblems(c)) problems.push(`${c.node.path}: ${forced}`);
  }
  input.onObjects?.(apiObjects);
  const byFolder = new Map<Folder, ApiObject[]>();
  const references: FolderGroups['references'] = [];
  const provided: FolderGroups['provided'] = [];
  for (const c of constructs) {
    for (const error of c.node.validate()) problems.push(`${c.node.path}: ${error}`);
    const refs = referencesOf(c);
    const imported = importedPlusObject(c);
    const provides = providedBy(c);
    if (!(c instanceof ApiObject) && refs.length === 0 && provides.length === 0 && !imported) continue;
    let folder: Folder | undefined;
    // An ApiObject belongs to the folder above it; references declared on a Folder itself, to it.
    for (let s: IConstruct | undefined = c instanceof ApiObject ? c.node.scope : c; s; s = s.node.scope) {
      if (Folder.isFolder(s)) {
        folder = s;
        break;
      }
    }
    if (folder) {
      for (const r of refs) references.push({ path: c.node.path, folder, prop: r.prop, target: r.target });
      for (const target of provides) provided.push({ folder, target });
      if (imported) provided.push({ folder, target: () => imported });
    } else if (refs.length > 0 || provides.length > 0) {
      problems.push(`${c.node.path}: is not inside a Folder, so the cluster its references point into is unknown; create it in a Folder of a Repo`);
    }
    if (!(c instanceof ApiObject)) continue;
    if (!folder) {
      problems.push(`${c.node.path}: ${c.kind} "${c.name}" is not inside a Folder; create it in a Folder of a Repo`);
      continue;
    }
    const list = byFolder.get(folder);
    if (list) list.push(c);
    else byFolder.set(folder, [c]);
  }
  if (input.schemas) problems.push(...registerDefinitions(input.schemas, constructs));
  // Two repos in one directory, or one inside another. Each repo is compared with the directories
  // of the repos before it that are its parents or below it (found through the parents of each
  // directory, not by comparing every pair: quadratic with one repo per team), in the order those
  // directories were first seen.
  const dirOf = new Map<Repo, string>();
  const repoDir = (repo: Repo) => {
    let dir = dirOf.get(repo);
    if (dir === undefined) dirOf.set(repo, (dir = input.repoDir(repo)));
    return dir;
  };
  const dirs = new Map<string, Repo>();
  const firstSeen = new Map<string, number>();
  const below = new Map<string, string[]>();
  const parentsOf = (dir: string): string[] => {
    const out: string[] = [];
    for (let d = path.dirname(dir); ; d = path.dirname(d)) {
      out.push(d);
      if (path.dirname(d) === d) return out;
    }
  };
  const repos = input.repos.map((repo) => {
    const inner = repoDir(repo);
    const other = dirs.get(inner);
    if (other) problems.push(`${repo.node.path}: writes to ${inner}, like ${other.node.path}; give each repo its own "dir"`);
    if (!firstSeen.has(inner)) {
      firstSeen.set(inner, firstSeen.size);
      for (const d of parentsOf(inner)) {
        const list = below.get(d);
        if (list) list.push(inner);
        else below.set(d, [inner]);
      }
    }
    dirs.set(inner, repo);
    const related = [...parentsOf(inner).filter((d) => dirs.has(d)), ...(below.get(inner) ?? [])].sort((x, y) => firstSeen.get(x)! - firstSeen.get(y)!);
    for (const dir of related) {
      const outer = dirs.get(dir)!;
      if (inner !== dir && (inner.startsWith(dir + path.sep) || dir.startsWith(inner + path.sep))) {
        const [a, b] = inner.startsWith(dir + path.sep) ? [repo, outer] : [outer, repo];
        problems.push(`${a.node.path}: writes to ${repoDir(a)}, inside the repo ${b.node.path} (${repoDir(b)}); repos cannot be nested: give them sibling "dir"s`);
      }
    }
    const folders = repo.folders;
    const byPath = new Map<string, Folder>();
    for (const folder of folders) {
      const first = byPath.get(folder.path);
      if (first) problems.push(`${folder.node.path}: folder path "${folder.path}" is already used by ${first.node.path}`);
      byPath.set(folder.path, first ?? folder);
    }
    return { repo, folders };
  });
  if (problems.length > 0) throw new SynthError(problems);

  let objectCount = 0;
  for (const list of byFolder.values()) objectCount += list.length;
  const children = new Map<Folder, string[]>();
  const childFolders = new Map<Folder, Folder[]>();
  const clusters = new Map<Folder, string>();
  for (const { folders } of repos) {
    // Folders are sorted by path, so a parent's cluster is known before its children's.
    const unlisted = unlistedFolders(folders);
    for (const [folder, parent] of parentFolders(folders)) {
      clusters.set(folder, folder.cluster ?? (parent ? clusters.get(parent)! : ''));
      if (parent && folder.kustomization && !unlisted.has(folder)) {
        const list = children.get(parent) ?? [];
        list.push(folder.path.slice(parent.path.length + 1));
        children.set(parent, list);
        const sub = childFolders.get(parent);
        if (sub) sub.push(folder);
        else childFolders.set(parent, [folder]);
      }
    }
  }
  // A composite, claim or kro instance keeping stateful resources through what it made is retained.
  retainComposites(byFolder);
  // A Secret a controller needs to reconcile or delete what it manages is retained (before the
  // Namespaces: a retained Secret holds its namespace too).
  retainSecretsControllersNeed(byFolder, clusters);
  // What applies to a retained cluster through its kubeconfig is retained with it, and its node pools.
  retainRemoteAppliersOfRetainedClusters(byFolder, clusters);
  retainPartsOfRetainedParents(byFolder, clusters);
  // A Namespace holding retained objects is retained too: its deletion would take them along.
  retainNamespacesHoldingRetained(input.root, input.repos, byFolder, clusters);
  return { repos, byFolder, objectCount, children, childFolders, clusters, references, provided, optOuts: baselineEntries(constructs) };
}

/**
 * Gives each Crossplane composite resource and claim, and each kro instance (the library's
 * constructs, L1 and raw objects alike) that decides nothing of its own removal `RETAIN` when what
 * its Compositions or graph make includes a stateful kind they do not explicitly delete with it
 * (`ComposedKinds.keptThrough`, from the app's Compositions, XRDs, graphs and Functions, as the
 * destroy guard reads them). Crossplane deletes the composed resources of a deleted composite
 * (a claim's composite with it) and kro every resource of a deleted instance: what a retained base
 * keeps in Azure is then no longer managed, and the connection Secrets and namespace objects it
 * wrote (a generated admin password) are gone. Before the Namespaces: a retained composite holds
 * its namespace too. Definitions and composite objects only are rendered here.
 */
function retainComposites(byFolder: ReadonlyMap<Folder, readonly ApiObject[]>): void {
  let model: ComposedKinds | undefined;
  for (const objects of byFolder.values()) {
    for (const o of objects) if (definesComposedKinds(o)) (model ??= new ComposedKinds()).add(o.toJson());
  }
  if (!model) return;
  for (const objects of byFolder.values()) {
    for (const o of objects) {
      if (!model.makesObjects(o.apiVersion, o.kind) || decidesOwnRemoval(o)) continue;
      if (model.keptThrough(o.toJson()).length > 0) applyRemovalPolicy(o, RemovalPolicy.RETAIN);
    }
  }
}

/**
 * Gives each Secret (core v1) and SealedSecret (its Secret is the controller's child) that decides
 * nothing of its own removal `RETAIN` when a controller needs it to reconcile, or to delete, what
 * an object of the app manages on the same cluster ({@link secretsNeededBy}: an ASO resource's
 * credential, the Secrets a retained ASO resource reads, a CAPZ identity's or a Crossplane
 * ProviderConfig's credential). Flux prunes what leaves a build in one pass without waiting for
 * finalizers (fluxcd/pkg `ssa` `DeleteAll`), and Argo CD deletes an Application's resources
 * together: the credential went with the resources it was needed to delete, which then stayed
 * Terminating with their cloud resources in place. Matched by the namespace and name they are
 * written with.
 */
function retainSecretsControllersNeed(byFolder: ReadonlyMap<Folder, readonly ApiObject[]>, clusters: ReadonlyMap<Folder, string>): void {
  retainWhereNeeded(byFolder, clusters, (o) =>
    (o.kind === 'Secret' && o.apiVersion === 'v1') || (o.kind === 'SealedSecret' && o.apiVersion.startsWith('bitnami.com/'))
      ? { candidate: `${o.metadata.namespace ?? ''}\u0000${o.name}` }
      : { needs: secretsNeededBy(o).map((s) => `${s.namespace}\u0000${s.name}`) });
}

/**
 * Gives `RETAIN` to each candidate object that decides nothing of its own removal and whose key
 * another object on its cluster needs: `visit` tells, per object, the keys it needs or the key it
 * is a candidate under (namespace and name, as the objects are written).
 */
function retainWhereNeeded(byFolder: ReadonlyMap<Folder, readonly ApiObject[]>, clusters: ReadonlyMap<Folder, string>, visit: (o: ApiObject) => { readonly needs?: readonly string[]; readonly candidate?: string }): void {
  const needed = new Set<string>();
  const candidates: Array<{ obj: ApiObject; key: string }> = [];
  for (const [folder, objects] of byFolder) {
    const cluster = clusters.get(folder) ?? '';
    for (const o of objects) {
      const { needs, candidate } = visit(o);
      for (const k of needs ?? []) needed.add(`${cluster}\u0000${k}`);
      if (candidate !== undefined) candidates.push({ obj: o, key: `${cluster}\u0000${candidate}` });
    }
  }
  for (const { obj, key } of candidates) {
    if (needed.has(key) && !decidesOwnRemoval(obj)) applyRemovalPolicy(obj, RemovalPolicy.RETAIN);
  }
}

/**
 * Gives each part of a stateful parent ({@link statefulParentOf}: an L1 or raw node pool) that
 * decides nothing of its own removal `RETAIN` when its parent, on the same cluster, is retained
 * ({@link retainedByGitOps}): removing a retained AKS cluster from the app with its pools keeps the
 * cluster, and the pools deleted with it drain and delete the nodes running its workloads. The
 * library's constructs decide it themselves (`AgentPool`, `AksCluster`; Composition bases).
 */
function retainPartsOfRetainedParents(byFolder: ReadonlyMap<Folder, readonly ApiObject[]>, clusters: ReadonlyMap<Folder, string>): void {
  retainWhereNeeded(byFolder, clusters, (o) => {
    const parent = statefulParentOf(o);
    if (parent) return { candidate: `${parent.kind}\u0000${parent.namespace}\u0000${parent.name}` };
    const group = groupOf(o.apiVersion);
    return isStatefulParentKind(`${group}/${o.kind}`) && retainedByGitOps(o) ? { needs: [`${group}/${o.kind}\u0000${o.metadata.namespace ?? ''}\u0000${o.name}`] } : {};
  });
}

/**
 * Gives each Flux Kustomization and HelmRelease (the library's constructs, L1 and raw objects) that
 * decides nothing of its own removal `RETAIN` when it applies to a CAPI cluster of the app that is
 * retained ({@link retainedByGitOps}), through the cluster's kubeconfig Secret
 * (`spec.kubeConfig.secretRef`, `<cluster>-kubeconfig` in the cluster's namespace, on the same
 * management cluster). Removing such a cluster from the app keeps it running, but the
 * Kustomizations hydrating it were pruned: their finalizer deletes what they applied on it (its
 * workloads, their claims and disks: kustomize-controller `finalizerShouldDeleteResources`), and
 * helm-controller uninstalls a deleted HelmRelease's release (its CNI, its cloud provider). A
 * retained L2 Kustomization with a `kubeConfig` also defaults to `deletionPolicy: Orphan`.
 */
function retainRemoteAppliersOfRetainedClusters(byFolder: ReadonlyMap<Folder, readonly ApiObject[]>, clusters: ReadonlyMap<Folder, string>): void {
  retainWhereNeeded(byFolder, clusters, (o) => {
    const ns = o.metadata.namespace ?? '';
    if (o.kind === 'Cluster' && o.apiVersion.startsWith('cluster.x-k8s.io/')) return retainedByGitOps(o) ? { needs: [`${ns}\u0000${o.name}-kubeconfig`] } : {};
    const flux = (o.kind === 'Kustomization' && o.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/')) || (o.kind === 'HelmRelease' && o.apiVersion.startsWith('helm.toolkit.fluxcd.io/'));
    const secret = flux ? kubeConfigSecretOf(o) : undefined;
    return secret !== undefined ? { candidate: `${ns}\u0000${secret}` } : {};
  });
}

/**
 * The name of the kubeconfig Secret a Flux Kustomization or HelmRelease object applies with, read
 * without rendering it: the library's construct holding it (`kubeConfig`), else its props' plain
 * `spec.kubeConfig.secretRef.name`.
 */
function kubeConfigSecretOf(o: ApiObject): string | undefined {
  const construct = o.node.scope as { readonly apiObject?: unknown; readonly kubeConfig?: { readonly name?: unknown } } | undefined;
  if (construct?.apiObject === o) return typeof construct.kubeConfig?.name === 'string' ? construct.kubeConfig.name : undefined;
  const spec = (o as unknown as { props?: { spec?: { kubeConfig?: { secretRef?: { name?: unknown } } } } }).props?.spec;
  const name = spec && typeof spec === 'object' ? spec.kubeConfig?.secretRef?.name : undefined;
  return typeof name === 'string' ? name : undefined;
}

/**
 * Gives each Namespace object (core v1) that decides nothing of its own removal `RETAIN` when
 * objects the GitOps engines keep ({@link retainedByGitOps}) are applied in a namespace of its name
 * on its cluster: by their folder's namespace, by an Overlay's `namespace` building their folder,
 * or by the `spec.targetNamespace` of a Flux Kustomization building their folder (kustomize-controller
 * sets it on every namespaced object of the build, whatever namespace it was written with), on that
 * Kustomization's target cluster (its kubeConfig's remote cluster, `<cluster>-kubeconfig`, else its
 * folder's). Deleting a Namespace deletes everything in it whatever their annotations: Flux
 * garbage-collecting it (its Kustomization deleted with `prune: true`) or Argo CD deleting it with
 * its Application took them along (a CAPI Cluster deleted so deletes its infrastructure). Runs
 * after the construct validations (late objects and policies count); cluster-scoped objects, which
 * cdk8s gives their folder's namespace too, do not.
 */
function retainNamespacesHoldingRetained(root: IConstruct, repos: readonly Repo[], byFolder: ReadonlyMap<Folder, readonly ApiObject[]>, clusters: ReadonlyMap<Folder, string>): void {
  const held = new Set<string>();
  const namespaces: Array<{ obj: ApiObject; cluster: string }> = [];
  // Each folder holding a retained object, and the folders above it, by repo and path: an
  // Overlay whose base is one of them applies it in the Overlay's namespace.
  const holding = new Map<Repo, Set<string>>();
  // The folders holding a retained namespaced object, whatever namespace it is written with (a
  // Kustomization's targetNamespace replaces it), and the Flux objects that say where they go.
  const retainedIn = new Set<Folder>();
  const flux: FluxObjects = { kustomizations: [], gitRepositories: new Map() };
  for (const [folder, objects] of byFolder) {
    const cluster = clusters.get(folder) ?? '';
    let any = false;
    for (const o of objects) {
      if (o.kind === 'Namespace' && o.apiVersion === 'v1') {
        namespaces.push({ obj: o, cluster });
        continue;
      }
      if (o.kind === 'Kustomization' && o.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/')) flux.kustomizations.push({ obj: o, folder, cluster });
      else if (o.kind === 'GitRepository' && o.apiVersion.startsWith('source.toolkit.fluxcd.io/')) {
        const key = `${o.metadata.namespace ?? ''}/${o.name}`;
        const list = flux.gitRepositories.get(key);
        if (list) list.push({ obj: o, cluster });
        else flux.gitRepositories.set(key, [{ obj: o, cluster }]);
      }
      // A StatefulSet with claim templates holds its namespace too: its claims are not in Git, and
      // go with the Namespace whatever the StatefulSet's retention policy (also once it is gone).
      const holds = retainedByGitOps(o) || (o.kind === 'StatefulSet' && o.apiVersion === 'apps/v1' && hasClaimTemplates(o.toJson()));
      if (!holds || isClusterScoped(o.apiVersion, o.kind)) continue;
      retainedIn.add(folder);
      // An Overlay's namespace holds it too, written with a namespace or without one.
      any = true;
      const ns = o.metadata.namespace;
      if (ns !== undefined) held.add(`${cluster}\u0000${ns}`);
    }
    if (!any) continue;
    const repo = Repo.of(folder);
    let paths = holding.get(repo);
    if (!paths) holding.set(repo, (paths = new Set()));
    for (let p = folder.path; p !== '.' && p !== ''; p = path.posix.dirname(p)) {
      if (paths.has(p)) break;
      paths.add(p);
    }
  }
  if (namespaces.length === 0) return;
  for (const folder of clusters.keys()) {
    if (Overlay.isOverlay(folder) && folder.namespace !== undefined && holding.get(Repo.of(folder.base))?.has(folder.base.path)) {
      held.add(`${clusters.get(folder) ?? ''}\u0000${folder.namespace}`);
    }
  }
  if (retainedIn.size > 0 && flux.kustomizations.length > 0) heldByTargetNamespaces(root, repos, flux, retainedIn, held);
  for (const { obj, cluster } of namespaces) {
    if (held.has(`${cluster}\u0000${obj.name}`) && !decidesOwnRemoval(obj)) applyRemovalPolicy(obj, RemovalPolicy.RETAIN);
  }
}

/** The app's Flux Kustomization objects (with their folder's cluster) and GitRepository objects (by `<namespace>/<name>`). */
interface FluxObjects {
  readonly kustomizations: Array<{ readonly obj: ApiObject; readonly folder: Folder; readonly cluster: string }>;
  readonly gitRepositories: Map<string, Array<{ readonly obj: ApiObject; readonly cluster: string }>>;
}

/**
 * Adds to `held` (`<cluster>\0<namespace>`) the `spec.targetNamespace` of each Flux Kustomization
 * (the library's construct, an L1 or a raw object) whose build includes a folder of `retainedIn`,
 * on its target cluster: the cluster its kubeConfig names (`<cluster>-kubeconfig`, as the
 * apply-order model reads it), else its folder's. What it builds is the pre-render Flux build model
 * of the source repo's folders (`RepoFolders.built`, lib/flux/placement.ts, shared with the build
 * bound and lib/core/flux-build.ts), an Overlay building its base and components, and the spec's
 * `components`; the source's repo is found as the build bound finds it (the construct's source
 * `repo`, else the app repo of its URL, else the Kustomization's own repo), and for an L1 or raw
 * object through the app's GitRepository of its `sourceRef` (on its cluster first), an imported
 * GitRepository declaring its repo, else its own repo. The apply-order model itself needs the
 * rendered trees, and the retention must be decided before anything renders.
 */
function heldByTargetNamespaces(root: IConstruct, repos: readonly Repo[], flux: FluxObjects, retainedIn: ReadonlySet<Folder>, held: Set<string>): void {
  const appRepos = new Set(repos);
  const repoOfUrl = (url: unknown): Repo | undefined => (typeof url === 'string' ? Repo.ofUrl(root, url) : undefined);
  const sourceRepo = (k: FluxObjects['kustomizations'][number], spec: Record<string, any>): Repo | undefined => {
    const own = Repo.of(k.folder);
    const construct = k.obj.node.scope;
    if (construct && isKustomization(construct) && construct.source) {
      const src = construct.source as { readonly repo?: Repo; readonly url?: unknown };
      return src.repo ?? (typeof src.url === 'string' ? repoOfUrl(src.url) : own);
    }
    const ref = (spec.sourceRef ?? {}) as Record<string, unknown>;
    if (ref.kind !== 'GitRepository' || typeof ref.name !== 'string') return undefined;
    const ns = typeof ref.namespace === 'string' ? ref.namespace : k.obj.metadata.namespace;
    const found = flux.gitRepositories.get(`${ns ?? ''}/${ref.name}`) ?? [];
    const git = found.find((g) => g.cluster === k.cluster) ?? found[0];
    if (git) {
      const repo = (git.obj.node.scope as { readonly repo?: unknown } | undefined)?.repo;
      return Repo.isRepo(repo) ? repo : repoOfUrl(git.obj.toJson().spec?.url);
    }
    const imported = importedGitSources(root).find((i) => i.name === ref.name && i.namespace === ns);
    return imported && Repo.isRepo(imported.repo) ? imported.repo : own;
  };
  const index = new RepoIndex();
  const includesRetained = (repo: Repo, paths: readonly string[]): boolean => {
    const folders = index.of(repo);
    const seen = new Set<Folder>();
    const visit = (f: Folder): boolean => {
      if (seen.has(f)) return false;
      seen.add(f);
      if (retainedIn.has(f)) return true;
      if (Overlay.isOverlay(f)) for (const d of [f.base, ...f.components]) for (const b of [d, ...folders.built(d.path)]) if (visit(b)) return true;
      return false;
    };
    return paths.some((p) => folders.built(p).some(visit));
  };
  for (const k of flux.kustomizations) {
    if (!mayHaveTargetNamespace(k.obj)) continue;
    const spec = (k.obj.toJson().spec ?? {}) as Record<string, any>;
    const target = spec.targetNamespace;
    if (typeof target !== 'string' || target === '') continue;
    const key = `${kubeConfigCluster(spec) ?? k.cluster}\u0000${target}`;
    if (held.has(key)) continue;
    const repo = sourceRepo(k, spec);
    if (!repo || !appRepos.has(repo)) continue;
    const p = typeof spec.path === 'string' ? spec.path : '';
    const components = Array.isArray(spec.components) ? spec.components.filter((c: unknown): c is string => typeof c === 'string') : [];
    if (includesRetained(repo, [p, ...components.map((c: string) => path.posix.join(fluxSpecPath(p) || '.', c))])) held.add(key);
  }
}

/**
 * Whether a Flux Kustomization object may have a `spec.targetNamespace`, told without rendering it
 * (a fleet has thousands, rendering each cost 50 ms per 1,000): not when no JSON patch changes it
 * and the library's construct holding it has no `targetNamespace`, or, for an L1 or raw object, its
 * spec is a plain object without one.
 */
function mayHaveTargetNamespace(obj: ApiObject): boolean {
  if (((obj as unknown as { patches?: unknown[] }).patches ?? []).length > 0) return true;
  const construct = obj.node.scope;
  if (construct && isKustomization(construct)) return construct.targetNamespace !== undefined;
  const spec = (obj as unknown as { props?: { spec?: unknown } }).props?.spec;
  return !(typeof spec === 'object' && spec !== null && Object.getPrototypeOf(spec) === Object.prototype && (spec as { targetNamespace?: unknown }).targetNamespace === undefined);
}

/**
 * Registers the kinds the app itself defines: its CustomResourceDefinitions and Crossplane
 * CompositeResourceDefinitions (composite and claim kinds), so their objects are validated.
 */
function registerDefinitions(schemas: () => SchemaRegistry, constructs: readonly IConstruct[]): string[] {
  const problems: string[] = [];
  for (const c of constructs) {
    if (!(c instanceof ApiObject)) continue;
    try {
      if (c.kind === 'CustomResourceDefinition' && c.apiVersion.startsWith('apiextensions.k8s.io/')) {
        schemas().addCrd(c.toJson(), c.node.path);
      } else if (c.kind === 'CompositeResourceDefinition' && c.apiVersion.startsWith('apiextensions.crossplane.io/')) {
        schemas().addXrd(c.toJson(), c.node.path);
      }
    } catch (e) {
      problems.push(`${c.node.path}: ${c.kind} "${c.name}": ${(e as Error).message.replace(`${c.node.path}: `, '')}`);
    }
  }
  return problems;
}

/** Namespace of objects imported by name whose namespace is not known (they match any namespace). */
export const ANY_NAMESPACE = '\u0001any';

/**
 * The ObjectRef of a cdk8s-plus object imported by name (`Secret.fromSecretName`,
 * `ConfigMap.fromConfigMapName`, `ServiceAccount.fromServiceAccountName`): an existing object the app
 * declares it uses, in the namespace of whatever reads it.
 */
function importedPlusObject(c: IConstruct): ObjectRef | undefined {
  // Only plain own properties are read: getters of other constructs may throw (half-built constructs).
  const rt = Object.getOwnPropertyDescriptor(c, 'resourceType')?.value;
  const kind = rt === 'secrets' ? 'Secret' : rt === 'configmaps' ? 'ConfigMap' : rt === 'serviceaccounts' ? 'ServiceAccount' : undefined;
  if (!kind || c instanceof ApiObject || 'apiObject' in c) return undefined;
  const name = Object.getOwnPropertyDescriptor(c, '_name')?.value;
  return typeof name === 'string' && name !== '' ? { apiGroup: '', kind, name, namespace: ANY_NAMESPACE } : undefined;
}

/** Each folder (in the given order) with its nearest parent folder by path, if any. */
function parentFolders(sorted: readonly Folder[]): Array<[Folder, Folder | undefined]> {
  const byPath = new Map(sorted.map((f) => [f.path, f]));
  return sorted.map((folder) => {
    const segments = folder.path.split('/');
    for (let i = segments.length - 1; i > 0; i--) {
      const parent = byPath.get(segments.slice(0, i).join('/'));
      if (parent) return [folder, parent];
    }
    return [folder, undefined];
  });
}

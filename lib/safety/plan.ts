import { ComposedKinds, composedKindsOf } from './composed';
import { helmReleaseRename, isHelmRelease } from './helm-transitions';
import { AllowId, allowMatcher, applicationReason, cascadingApplicationPaths, deletedWithApplication, objectId, keptByGitOps, namespaceReason, parseAllowIds, PlainObject, protectionReasons, scopedId } from './protection';
import { MANIFEST_FILE } from '../tree/manifest';
import { EMPTY_TREE, objectsOfFile, quickIdentity, readTree, TreeSnapshot } from './tree';
import { groupOf } from '../core/validation/metadata';
import { hasClaimTemplates } from '../core/removal-policy';
import { displayConstructPaths } from '../core/errors';

/** An object in a plan: where it is and what produced it. */
export interface ObjectInfo {
  /** `Kind/namespace/name`, or `Kind/name` without a namespace (see `objectId`). */
  readonly id: string;
  /** apiVersion. */
  readonly apiVersion: string;
  /** Kind. */
  readonly kind: string;
  /** Namespace, if any. */
  readonly namespace?: string;
  /** Name. */
  readonly name: string;
  /** Its file, relative to the repo root. */
  readonly file: string;
  /** Construct path of the ApiObject that produced it, when known. */
  readonly constructPath?: string;
  /** The repo it is in (the Repo construct's id), when known: the scope of allow ids. */
  readonly repo?: string;
  /** The cluster its folder is applied to ('' = the repo's own), when known. */
  readonly cluster?: string;
}

/** One field that differs between the old and the new version of an object. */
export interface FieldChange {
  /** Field path, e.g. `spec.interval` or `spec.containers[0].image`. */
  readonly path: string;
  /** `add`: only in the new object; `remove`: only in the old one; `change`: in both, different. */
  readonly op: 'add' | 'remove' | 'change';
  /** The old value (remove, change). */
  readonly old?: unknown;
  /** The new value (add, change). */
  readonly new?: unknown;
}

/** What happens to one object. */
export interface ObjectChange {
  /**
   * `create`: a new object; `update`: the object changes (its fields, or its file); `delete`: the
   * object is no longer produced, so Flux prunes it; `rename`: the same construct produces an
   * object of the same kind under another name or namespace (the old one is deleted); `prune`:
   * the object's file stays in Git, but the Flux Kustomization that applied it no longer does
   * (removed, re-pointed, narrowed, or the object moved to another Kustomization's folder), so
   * kustomize-controller deletes it from the cluster; or the Argo CD Application that deployed it
   * no longer does and prunes (see {@link pruner}).
   */
  readonly action: 'create' | 'update' | 'delete' | 'rename' | 'prune';
  /**
   * For `prune`: the controller that prunes: `flux` (kustomize-controller) or `argocd`.
   * @default 'flux'
   */
  readonly pruner?: 'flux' | 'argocd';
  /** For `prune`: which Kustomization (or Application) prunes it and why. */
  readonly prunedBy?: string;
  /**
   * For `prune`: the Kustomization (or Argo CD Application) that prunes it (its id), and whether
   * it is removed. When it stays (its build lacks the object), `prune: false` on it (Flux: in a
   * change of its own before, as it may reconcile the new revision with its old spec; Argo CD: for
   * that change) makes kustomize-controller only drop the object from its inventory (Argo CD: leave
   * it out of sync), so an object moved to another Kustomization (Application) is taken over instead of
   * deleted; when it is removed, `prune: false` in a change of its own first makes its deletion
   * orphan what it applied. `leftOut`: the object's file, when the prune comes from its source
   * leaving the file out of the artifact (a new `spec.ignore` pattern): re-including it keeps it.
   */
  readonly pruneStoppable?: { readonly kustomization: string; readonly removed: boolean; readonly leftOut?: string; readonly userFile?: string };
  /** The object after the change (the old object for `delete`). */
  readonly object: ObjectInfo;
  /** The object before the change (`update`, `rename`). */
  readonly previous?: ObjectInfo;
  /** Fields that differ (`update`, `rename`). Values of Secret `data`/`stringData` are masked. */
  readonly diff?: FieldChange[];
  /**
   * Why deleting the old object is dangerous (`delete`, `rename`, `prune`), or why the change
   * deletes what the object created (`update`: a Crossplane Composition that no longer composes a
   * stateful entry); absent when it is not protected.
   */
  readonly protection?: string[];
  /**
   * `delete`, `rename`: the old object carries a marker with which Flux or Argo CD leaves it on the
   * cluster when its file goes (RETAIN): allowed, the change orphans it instead of deleting it.
   * @default false
   */
  readonly retained?: boolean;
  /** True when the change is protected (see {@link protection}) and not allowed: synth refuses it. */
  readonly blocked?: boolean;
}

/** The plan of one repo tree. */
export interface RepoPlan {
  /** The repo directory, as declared (relative to the output directory, or absolute). */
  readonly dir: string;
  /** Object changes, sorted by file. */
  readonly changes: ObjectChange[];
  /** File-level changes (object files and `kustomization.yaml` files). */
  readonly files: { readonly created: string[]; readonly updated: string[]; readonly deleted: string[] };
  /**
   * Files written with their committed bytes whose construct path changes (a construct id
   * renamed): only the ownership manifest (`.cdk8s-platform.json`) changes for them, which synth
   * rewrites and `synth --check` reports. @default 0
   */
  readonly movedConstructs?: number;
}

/** What a synth would change, per repo. */
export interface Plan {
  /** Every repo of the app, sorted by directory. */
  readonly repos: RepoPlan[];
  /** Whether any file would change. */
  readonly changed: boolean;
  /** Protected deletions and renames that are not allowed, with their repo directory. */
  readonly blocked: Array<ObjectChange & { readonly dir: string }>;
  /** Warnings, one line each (an allow id that allows nothing in this change). @default - none */
  readonly warnings?: string[];
  /**
   * For each allow id of the plan (as given), the objects it names in the app's repos, committed
   * or new, by scoped id (`<repo>:<cluster>:Kind/namespace/name`, sorted): the CLI refuses an
   * `--allow-destroy` id that names objects in several GitOpsApps of one app file.
   * @default - none (no allow ids)
   */
  readonly allowNames?: Record<string, string[]>;
  /**
   * In a synth session (`cdk8s-platform plan`), the output directory of an app that chose its own
   * (GitOpsApp prop `outdir`): its relative repo directories are relative to it.
   * @default - the repo directories are relative to the session's output directory
   */
  readonly outdir?: string;
}

/** Options of {@link planTrees}. */
export interface PlanTreesOptions {
  /** The repo directory, as shown in the plan and messages. @default '.' */
  readonly dir?: string;
  /** Ids (`Kind/namespace/name`) whose deletion or rename is allowed although protected. @default [] */
  readonly allowDestroy?: readonly string[];
  /**
   * The deletions, renames and prunes, as worked out for the whole app (see `guardApp`), instead
   * of this tree's own deletions and renames.
   * @default - computed from the two trees
   */
  readonly removals?: readonly ObjectChange[];
}

/** An object of a tree, for matching old and new. */
export interface TreeObject {
  /** Its file, relative to the repo root. */
  readonly file: string;
  /** apiVersion. */
  readonly apiVersion: string;
  /** Kind. */
  readonly kind: string;
  /** Namespace, if any. */
  readonly namespace?: string;
  /** Name. */
  readonly name: string;
  /** Construct path of the ApiObject that produced it, when known. */
  readonly constructPath?: string;
  /** The full object (needed for old objects that may be deleted, and for diffs). */
  readonly obj?: PlainObject;
  /** For new objects without `obj`: whether the object itself is protected. */
  readonly isProtected?: boolean;
}

/** A {@link TreeObject} for a plain object found in `file`. */
export function treeObject(file: string, obj: PlainObject, constructPath?: string): TreeObject {
  return {
    file,
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    namespace: obj.metadata?.namespace,
    name: obj.metadata?.name ?? '',
    constructPath,
    obj,
  };
}

function identity(o: TreeObject): string {
  return `${groupOf(o.apiVersion)}\u0000${o.kind}\u0000${o.namespace ?? ''}\u0000${o.name}`;
}

/** The {@link ObjectInfo} of a tree object. */
export function objectInfo(o: Omit<TreeObject, 'obj' | 'isProtected'>): ObjectInfo {
  return {
    id: objectId({ kind: o.kind, metadata: { name: o.name, namespace: o.namespace } }),
    apiVersion: o.apiVersion,
    kind: o.kind,
    ...(o.namespace ? { namespace: o.namespace } : {}),
    name: o.name,
    file: o.file,
    ...(o.constructPath ? { constructPath: o.constructPath } : {}),
  };
}

/** The outcome of matching the objects of an old and a new tree. */
export interface Matched {
  /** The same object before and after (same identity; possibly in another file). */
  readonly same: Array<[TreeObject, TreeObject]>;
  /** Same construct path and kind, different name or namespace. */
  readonly renamed: Array<[TreeObject, TreeObject]>;
  /** Old objects with no counterpart. */
  readonly deleted: TreeObject[];
  /** New objects with no counterpart. */
  readonly created: TreeObject[];
}

/**
 * Pairs old and new objects: first the same object in the same file, then the same object
 * (API group, kind, namespace, name) anywhere in the repo (a move), then the same construct path
 * and kind (a rename); the rest are deletions and creations.
 */
export function matchObjects(old: readonly TreeObject[], next: readonly TreeObject[]): Matched {
  const same: Array<[TreeObject, TreeObject]> = [];
  const renamed: Array<[TreeObject, TreeObject]> = [];
  const used = new Set<TreeObject>();
  const take = (index: Map<string, TreeObject[]>, key: string): TreeObject | undefined => {
    const list = index.get(key);
    while (list && list.length > 0) {
      const n = list.shift()!;
      if (!used.has(n)) {
        used.add(n);
        return n;
      }
    }
    return undefined;
  };
  const indexBy = (f: (o: TreeObject) => string | undefined) => {
    const index = new Map<string, TreeObject[]>();
    for (const n of next) {
      const k = f(n);
      if (k === undefined) continue;
      const list = index.get(k);
      if (list) list.push(n);
      else index.set(k, [n]);
    }
    return index;
  };
  let rest: TreeObject[] = [];
  const byFile = indexBy((n) => `${n.file}\u0000${identity(n)}`);
  for (const o of old) {
    const n = take(byFile, `${o.file}\u0000${identity(o)}`);
    if (n) same.push([o, n]);
    else rest.push(o);
  }
  // The other two indexes only when something is left to pair (an unchanged tree pairs every
  // object by file: at 10,000 clusters each index is 90,000 keys).
  const byId = rest.length > 0 ? indexBy(identity) : new Map<string, TreeObject[]>();
  const left: TreeObject[] = [];
  for (const o of rest) {
    const n = take(byId, identity(o));
    if (n) same.push([o, n]);
    else left.push(o);
  }
  rest = [];
  const kindPath = (o: TreeObject) => (o.constructPath ? `${groupOf(o.apiVersion)}\u0000${o.kind}\u0000${o.constructPath}` : undefined);
  const byPath = left.length > 0 ? indexBy(kindPath) : new Map<string, TreeObject[]>();
  for (const o of left) {
    const k = kindPath(o);
    const n = k === undefined ? undefined : take(byPath, k);
    if (n) renamed.push([o, n]);
    else rest.push(o);
  }
  return { same, renamed, deleted: rest, created: next.filter((n) => !used.has(n)) };
}

/** Whether an object is in an allow-destroy list (`Kind/ns/name`, `Kind.group/ns/name`, or scoped `<repo>:<cluster>:...`). */
export function isAllowed(allow: readonly string[] | readonly AllowId[], o: ObjectInfo): boolean {
  const ids = allow.length > 0 && typeof allow[0] === 'string' ? parseAllowIds(allow as string[]) : (allow as AllowId[]);
  return ids.some((a) => a.matches(o));
}

/**
 * Why renaming a Namespace is protected even with nothing protected in it: Kubernetes cannot
 * rename one, so the old Namespace is deleted, and with it every object in it, also those other
 * Kustomizations and repos apply there (a tenant's workloads), and a new, empty one is created.
 */
export const NAMESPACE_RENAME_REASON = 'a Namespace renamed: Kubernetes cannot rename one, so the old Namespace is deleted with every object in it, also those other Kustomizations and repos apply there, and a new, empty one is created';

/**
 * The deletions and renames among matched objects, with their protection (see
 * `protectionReasons`; a Namespace is protected when `held` lists protected objects in it; an
 * Argo CD Application with the cascading finalizer is protected when the `deployed` objects of
 * the old tree under its source path include protected objects without `Delete=false`; `extra`
 * adds reasons, e.g. for Kustomizations hydrating a remote cluster; `made` gives the reasons of an
 * object that deletes stateful resources it made, for those the Application deletes) and whether
 * each is blocked (protected and not in `allow`). `held` is only called when a Namespace goes away, `deployed`
 * only when a cascading Application does. `scope` gives the repo and cluster of an old object
 * (for scoped allow ids).
 */
export function removals(
  matched: Matched,
  allow: readonly string[] | readonly AllowId[],
  held: () => HeldLookup,
  scope: (o: TreeObject) => { repo?: string; cluster?: string } = () => ({}),
  extra: (o: TreeObject) => string[] = () => [],
  deployed: () => readonly TreeObject[] = () => [],
  made: (obj: PlainObject) => string[] = () => [],
): ObjectChange[] {
  const out: ObjectChange[] = [];
  let heldCache: HeldLookup | undefined;
  let deployedCache: readonly TreeObject[] | undefined;
  const protection = (o: TreeObject): string[] => {
    const reasons = o.obj ? protectionReasons(o.obj) : [];
    if (o.kind === 'Namespace' && groupOf(o.apiVersion) === '') {
      heldCache ??= held();
      const inside = heldCache.get(o.name, o);
      if (inside && inside.length > 0) reasons.push(namespaceReason(inside));
    }
    const paths = o.obj ? cascadingApplicationPaths(o.obj) : [];
    if (paths.length > 0) {
      deployedCache ??= deployed();
      const under = (file: string) => paths.some((p) => p === '' || file.startsWith(`${p}/`));
      const doomed = deployedCache.filter((d) => d.obj && under(d.file) && deletedWithApplication(d.obj, made)).map((d) => objectInfo(d).id);
      if (doomed.length > 0) reasons.push(applicationReason(doomed));
    }
    reasons.push(...extra(o));
    return reasons;
  };
  const scoped = (o: TreeObject): ObjectInfo => ({ ...objectInfo(o), ...scope(o) });
  // The allow list parsed and indexed once (see `allowMatcher`), not tested entry by entry per object.
  const allowed = allowMatcher(allow.length > 0 && typeof allow[0] === 'string' ? parseAllowIds(allow as string[]) : (allow as AllowId[]));
  const entry = (o: TreeObject, change: Omit<ObjectChange, 'protection' | 'blocked'>, more: readonly string[] = []): ObjectChange => {
    const reasons = [...protection(o), ...more];
    if (reasons.length === 0) return change;
    return { ...change, ...(o.obj && keptByGitOps(o.obj) ? { retained: true } : {}), protection: reasons, blocked: allowed(scoped(o)).length === 0 };
  };
  for (const o of matched.deleted) out.push(entry(o, { action: 'delete', object: scoped(o) }));
  for (const [o, n] of matched.renamed) {
    const diff = o.obj && n.obj ? diffObjects(o.obj, n.obj) : undefined;
    // Kubernetes cannot rename a Namespace: the old one is deleted with all it holds, whoever applied it.
    const more = o.kind === 'Namespace' && groupOf(o.apiVersion) === '' && o.name !== n.name
      ? [NAMESPACE_RENAME_REASON]
      : isHelmRelease(o) && o.obj && n.obj && (o.name !== n.name || o.namespace !== n.namespace) ? helmReleaseRename(o.obj, n.obj) : [];
    out.push(entry(o, { action: 'rename', object: { ...objectInfo(n), ...scope(n) }, previous: scoped(o), ...(diff ? { diff } : {}) }, more));
  }
  return out;
}

/**
 * Protected objects by namespace, as {@link removals} looks them up for a Namespace that goes
 * away (`o`: where the caller knows clusters, its file tells which cluster's objects count; a
 * `Map` of ids by namespace counts every object of that namespace name).
 */
export interface HeldLookup {
  get(namespace: string, o?: TreeObject): readonly string[] | undefined;
}

/** Whether an object (parsed or flagged) counts as protected for its Namespace; `made`: see {@link protectedByNamespace}. */
export function protectsNamespace(o: TreeObject, made: (obj: PlainObject) => string[] = () => []): boolean {
  return o.obj ? protectionReasons(o.obj).length > 0 || made(o.obj).length > 0 || hasClaimTemplates(o.obj) : o.isProtected === true;
}

/** How an object holding its Namespace is named in messages: its id, and for a StatefulSet only holding it by its claims, `(its volume claims)`. */
export function namespaceHolderId(o: TreeObject, made: (obj: PlainObject) => string[] = () => []): string {
  const id = objectInfo(o).id;
  return o.obj && hasClaimTemplates(o.obj) && protectionReasons(o.obj).length === 0 && made(o.obj).length === 0 ? `${id} (its volume claims)` : id;
}

/**
 * Protected objects by namespace (ids), among objects that are parsed or flagged; `made` gives
 * the reasons of an object that deletes stateful resources it made (a composite resource or kro
 * instance, see `ComposedKinds`).
 */
export function protectedByNamespace(objects: Iterable<TreeObject>, made: (obj: PlainObject) => string[] = () => []): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const o of objects) {
    if (!o.namespace) continue;
    if (!protectsNamespace(o, made)) continue;
    const list = out.get(o.namespace) ?? [];
    list.push(namespaceHolderId(o, made));
    out.set(o.namespace, list);
  }
  return out;
}

/** The objects of a tree snapshot (kustomize configuration excluded), with construct paths. */
export function objectsOfTree(tree: TreeSnapshot): TreeObject[] {
  const out: TreeObject[] = [];
  for (const [file, text] of tree.files) {
    const objs = objectsOfFile(file, text);
    for (const obj of objs) out.push(treeObject(file, obj, objs.length === 1 ? tree.constructPaths[file] : undefined));
  }
  return out;
}

/**
 * The objects of a tree's files, read only where needed: the identity of a file's single object
 * from its canonical head when possible (see `quickIdentity`), the file parsed on first use of an
 * object's `obj`; files are parsed once.
 */
class LazyTree {
  private readonly parsed = new Map<string, PlainObject[]>();
  private readonly lists = new Map<string, TreeObject[]>();
  public constructor(public readonly snapshot: TreeSnapshot) {}

  /** The parsed objects of `file` (kustomize configuration excluded). */
  public parse(file: string): PlainObject[] {
    let objs = this.parsed.get(file);
    if (!objs) this.parsed.set(file, (objs = objectsOfFile(file, this.snapshot.files.get(file) ?? '')));
    return objs;
  }

  /** The objects of `file`, with construct paths (see {@link objectsOfTree}). */
  public objects(file: string): TreeObject[] {
    let list = this.lists.get(file);
    if (list) return list;
    const text = this.snapshot.files.get(file) ?? '';
    const q = quickIdentity(text);
    if (q && !q.apiVersion.startsWith('kustomize.config.k8s.io/')) {
      // One object, named by the file's head: parsed only if its fields are needed.
      const parse = () => this.parse(file)[0];
      const o: TreeObject = {
        file,
        apiVersion: q.apiVersion,
        kind: q.kind,
        namespace: q.namespace,
        name: q.name,
        constructPath: this.snapshot.constructPaths[file],
        get obj() {
          return parse();
        },
      };
      list = [o];
    } else {
      const objs = this.parse(file);
      list = objs.map((obj) => treeObject(file, obj, objs.length === 1 ? this.snapshot.constructPaths[file] : undefined));
    }
    this.lists.set(file, list);
    return list;
  }

  /** The objects of the files `files` selects, in file order. */
  public select(files: (file: string) => boolean): TreeObject[] {
    const out: TreeObject[] = [];
    for (const file of this.snapshot.files.keys()) if (files(file)) out.push(...this.objects(file));
    return out;
  }
}

/**
 * Plans the change from an old repo tree (a directory, read with `readTree`, or a snapshot) to a
 * new one: objects created, updated (with a field diff), deleted and renamed, file changes, and
 * which deletions are protected and blocked (see {@link removals}).
 *
 * Files are paired by path: a file with the same bytes in both trees holds the same objects in the
 * same place, so it is neither parsed nor matched (an unchanged tree is not parsed at all). Only
 * the files that differ are read, and parsed where their objects' fields are needed (diffs,
 * protection).
 *
 * @example
 * const plan = planTrees('dist/platform', { files: newFiles, constructPaths: {} }, { allowDestroy: ['Cluster/fleet/aks-dev'] });
 */
export function planTrees(old: TreeSnapshot | string | undefined, next: TreeSnapshot, options: PlanTreesOptions = {}): RepoPlan {
  const before = typeof old === 'string' ? readTree(old) : old ?? EMPTY_TREE;
  const oldTree = new LazyTree(before);
  const newTree = new LazyTree(next);
  const created: string[] = [];
  const updated: string[] = [];
  const unchanged = new Set<string>();
  for (const [file, text] of next.files) {
    const was = before.files.get(file);
    if (was === undefined) created.push(file);
    else if (was !== text) updated.push(file);
    else unchanged.add(file);
  }
  const deleted = [...before.files.keys()].filter((f) => !next.files.has(f));
  // The objects of identical files pair with themselves first (same file, same identity), so
  // leaving them out changes no other pairing.
  const changed = (file: string) => !unchanged.has(file);
  const oldObjects = oldTree.select(changed);
  const newObjects = newTree.select(changed);
  const matched = matchObjects(oldObjects, newObjects);
  const changes: ObjectChange[] = [];
  for (const n of matched.created) changes.push({ action: 'create', object: objectInfo(n) });
  for (const [o, n] of matched.same) {
    const diff = diffObjects(o.obj!, n.obj!);
    if (diff.length === 0 && o.file === n.file) continue;
    changes.push({ action: 'update', object: objectInfo(n), previous: objectInfo(o), diff });
  }
  if (options.removals) {
    for (const r of options.removals) {
      // A protected update (a Composition that drops a stateful entry): on the object's update.
      const same = r.action === 'update' ? changes.findIndex((c) => c.action === 'update' && c.object.file === r.object.file && c.object.id === r.object.id) : -1;
      if (same >= 0) changes[same] = { ...changes[same], object: { ...changes[same].object, ...r.object }, protection: r.protection, blocked: r.blocked };
      else changes.push(r);
    }
  } else {
    // Namespaces and cascading Applications look at the whole trees (parsed only then).
    const all = (tree: LazyTree) => tree.select(() => true);
    // What composite, claim and kro instance kinds make, from the definitions of both trees (read on first use).
    let model: ComposedKinds | undefined;
    const made = (obj: PlainObject) => (model ??= composedKindsOf([...all(oldTree), ...all(newTree)])).reasons(obj);
    changes.push(...removals(matched, options.allowDestroy ?? [], () => protectedByNamespace([...all(oldTree), ...all(newTree)], made), undefined, (o) => (o.obj ? made(o.obj) : []), () => all(oldTree), made));
  }
  changes.sort((a, b) => cmp(a.object.file, b.object.file) || cmp(a.action, b.action) || cmp(a.object.id, b.object.id));
  // Same bytes under another construct path: the ownership manifest changes (as synth --check sees).
  let movedConstructs = 0;
  for (const file of unchanged) {
    const [was, now] = [before.constructPaths[file], next.constructPaths[file]];
    if (was !== undefined && now !== undefined && was !== now) movedConstructs++;
  }
  return { dir: options.dir ?? '.', changes, files: { created: created.sort(), updated: updated.sort(), deleted: deleted.sort() }, ...(movedConstructs > 0 ? { movedConstructs } : {}) };
}

/**
 * `plan` with its construct paths as the user wrote them (folders as `clusters/mgmt`, not
 * `clusters--mgmt`), as synth's messages show them: for a plan leaving the app's process (the
 * CLI's runner sends it), where the app's folders are no longer known.
 */
export function withDisplayPaths(plan: Plan): Plan {
  const info = <T extends ObjectInfo | undefined>(o: T): T => (o?.constructPath ? { ...o, constructPath: displayConstructPaths(o.constructPath) } : o);
  const change = <T extends ObjectChange>(c: T): T => ({ ...c, object: info(c.object), ...(c.previous ? { previous: info(c.previous) } : {}) });
  return { ...plan, repos: plan.repos.map((r) => ({ ...r, changes: r.changes.map(change) })), blocked: plan.blocked.map(change) };
}

/** Combines repo plans into a {@link Plan}. */
export function combinePlans(repos: readonly RepoPlan[], warnings: readonly string[] = []): Plan {
  const sorted = [...repos].sort((a, b) => cmp(a.dir, b.dir));
  return {
    repos: sorted,
    changed: sorted.some((r) => r.files.created.length + r.files.updated.length + r.files.deleted.length + (r.movedConstructs ?? 0) > 0),
    blocked: sorted.flatMap((r) => r.changes.filter((c) => c.blocked).map((c) => ({ ...c, dir: r.dir }))),
    ...(warnings.length > 0 ? { warnings: [...warnings] } : {}),
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const SENSITIVE = (obj: PlainObject, path: string) =>
  obj.kind === 'Secret' && groupOf(obj.apiVersion) === '' && /^(data|stringData)(\.|\[|$)/.test(path);

function fieldPath(base: string, key: string): string {
  if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) return base ? `${base}.${key}` : key;
  return `${base}[${JSON.stringify(key)}]`;
}

/**
 * The fields that differ between two versions of an object: maps key by key, lists index by
 * index. Values of a Secret's `data` and `stringData` are replaced by `(sensitive)`.
 */
export function diffObjects(a: PlainObject, b: PlainObject): FieldChange[] {
  const out: FieldChange[] = [];
  const mask = (p: string, v: unknown) => (SENSITIVE(a, p) || SENSITIVE(b, p) ? '(sensitive)' : v);
  const walk = (x: unknown, y: unknown, p: string) => {
    if (x === undefined && y === undefined) return;
    if (x === undefined) return void out.push({ path: p, op: 'add', new: mask(p, y) });
    if (y === undefined) return void out.push({ path: p, op: 'remove', old: mask(p, x) });
    const xo = x !== null && typeof x === 'object';
    const yo = y !== null && typeof y === 'object';
    if (xo && yo && Array.isArray(x) === Array.isArray(y)) {
      if (Array.isArray(x)) {
        const ya = y as unknown[];
        const xk = keyedByName(x);
        const yk = xk && keyedByName(ya);
        if (xk && yk && (xk.size > 0 || yk.size > 0)) {
          // Lists of named items (containers, env, volumes, ports, destinations: Kubernetes list-map
          // keys): paired by name, so removing one item is one change, not a shift of every later one.
          for (const [name, item] of xk) walk(item, yk.get(name), `${p}[name=${JSON.stringify(name)}]`);
          for (const [name, item] of yk) if (!xk.has(name)) walk(undefined, item, `${p}[name=${JSON.stringify(name)}]`);
          return;
        }
        for (let i = 0; i < Math.max(x.length, ya.length); i++) walk(x[i], ya[i], `${p}[${i}]`);
      } else {
        const xr = x as Record<string, unknown>;
        const yr = y as Record<string, unknown>;
        for (const k of [...new Set([...Object.keys(xr), ...Object.keys(yr)])].sort()) walk(xr[k], yr[k], fieldPath(p, k));
      }
      return;
    }
    if (x !== y) out.push({ path: p, op: 'change', old: mask(p, x), new: mask(p, y) });
  };
  walk(a, b, '');
  return out;
}

/** The items of `list` by their `name`, when every item is an object with a unique string name (an empty list too); else undefined. */
function keyedByName(list: readonly unknown[]): Map<string, unknown> | undefined {
  const out = new Map<string, unknown>();
  for (const item of list) {
    const name = item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as { name?: unknown }).name : undefined;
    if (typeof name !== 'string' || out.has(name)) return undefined;
    out.set(name, item);
  }
  return out;
}

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * The message for a blocked deletion or rename: names the construct path (when known), the file,
 * the object, why it is protected and how to allow it. `repoDir` prefixes the file.
 */
export function blockedMessage(change: ObjectChange, repoDir: string): string {
  const old = change.action === 'rename' ? change.previous! : change.object;
  const file = repoDir && repoDir !== '.' ? `${repoDir.replace(/\/+$/, '')}/${old.file}` : old.file;
  const where = old.constructPath ? `${old.constructPath} (${file})` : file;
  const argo = change.pruner === 'argocd';
  const what =
    change.action === 'rename'
      ? `would be renamed to ${change.object.id} (${change.retained ? 'the old object is retained: it stays on the cluster, out of Git, beside the new one' : 'the old object is deleted'})`
      : change.action === 'prune'
        ? `would be pruned by ${argo ? 'Argo CD' : 'Flux'} although its file stays in Git: ${change.prunedBy}`
        : change.action === 'update'
          ? change.object.kind === 'Namespace' && change.object.apiVersion === 'v1'
            ? 'would no longer be retained'
            : 'would change so that what it manages is deleted, scaled down or changed for good'
          : change.retained
            ? 'would be removed from Git (it is retained: it stays on the cluster, no longer managed)'
            : 'would be deleted';
  const id = old.repo !== undefined ? scopedId(old.repo, old.cluster ?? '', old.id) : old.id;
  const stop = change.pruneStoppable;
  return (
    `${where}: ${old.id} ${what}, but it is protected: ${(change.protection ?? []).join('; ')}. ` +
    `To allow it, add '${id}' to the GitOpsApp prop allowDestroy or pass --allow-destroy ${id}` +
    (!stop
      ? ''
      : argo
        ? `; to move it to another Application without deleting it, give ${stop.kustomization} prune: false for this change ` +
          'and prune: true again in a later one, once Argo CD has synced the other Application (it then tracks the object), or give the object the sync option Prune=false (RemovalPolicy.RETAIN)'
        : stop.userFile !== undefined
          ? `; its file is not the library's and stays: to keep it in the build, list it again in its folder's kustomization.yaml ` +
            `(Folder.addResource('${stop.userFile.slice(stop.userFile.lastIndexOf('/') + 1)}', { userOwned: true }) on folder ${stop.userFile.includes('/') ? stop.userFile.slice(0, stop.userFile.lastIndexOf('/')) : '.'})`
        : stop.leftOut !== undefined
          ? `; to keep it, re-include its file with a later "!" pattern in the source's spec.ignore ("!/${stop.leftOut}", and its folder's kustomization file if that is left out too), ` +
            'or retain the object (RemovalPolicy.RETAIN: Flux does not prune it)'
          : stop.removed
            ? `; to move it to another Kustomization without deleting it, first give ${stop.kustomization} prune: false in a change of its own, ` +
              'and remove it in a later one, once Flux has applied the first (its deletion then orphans what it applied)'
            : `; to move it to another Kustomization without deleting it, first give ${stop.kustomization} prune: false in a change of its own, ` +
              'make this change in a later one, once Flux has applied the first (it then only drops the object from its inventory), and prune: true again after that ' +
              '(in one change, it may reconcile the new revision with its old spec and prune)')
  );
}

const SIGN: Record<ObjectChange['action'], string> = { create: '+', update: '~', delete: '-', rename: '>', prune: '!' };

/** The plan as text for people: per repo, one line per object change with its field diff, then a summary. */
export function formatPlan(plan: Plan): string {
  const lines: string[] = [];
  let counts = { create: 0, update: 0, delete: 0, rename: 0, prune: 0 };
  let argoPrunes = 0;
  for (const repo of plan.repos) {
    const other = [
      ...repo.files.created.map((f) => `+ ${f}`),
      ...repo.files.updated.map((f) => `~ ${f}`),
      ...repo.files.deleted.map((f) => `- ${f}`),
    ].filter((l) => /(^|\/)kustomization\.ya?ml$/.test(l));
    const manifest = repo.movedConstructs
      ? `~ ${MANIFEST_FILE} (${repo.movedConstructs} file${repo.movedConstructs === 1 ? '' : 's'} under another construct path: a construct id changed; no object changes with ${repo.movedConstructs === 1 ? 'it' : 'them'})`
      : undefined;
    if (repo.changes.length === 0 && other.length === 0) {
      lines.push(manifest ? `${repo.dir}:\n  ${manifest}` : `${repo.dir}: no changes`);
      continue;
    }
    lines.push(`${repo.dir}:`);
    for (const c of repo.changes) {
      counts = { ...counts, [c.action]: counts[c.action] + 1 };
      if (c.action === 'prune' && c.pruner === 'argocd') argoPrunes++;
      const o = c.object;
      let head = `  ${SIGN[c.action]} ${c.action === 'rename' ? `${c.previous!.id} -> ${o.id}` : o.id}  ${o.file}`;
      if (c.action === 'update' && c.previous && c.previous.file !== o.file) head += ` (moved from ${c.previous.file})`;
      if (c.action === 'rename' && c.previous!.file !== o.file) head += ` (was ${c.previous!.file})`;
      if (c.action === 'prune') head += ` (pruned by ${c.pruner === 'argocd' ? 'Argo CD' : 'Flux'}: ${c.prunedBy})`;
      if (o.constructPath) head += `  [${displayConstructPaths(o.constructPath)}]`;
      lines.push(head);
      if (c.protection) {
        lines.push(`      ${c.blocked ? 'BLOCKED' : 'allowed'}: protected: ${c.protection.join('; ')}`);
      }
      for (const d of c.diff ?? []) {
        if (d.op === 'add') lines.push(`      + ${d.path}: ${show(d.new)}`);
        else if (d.op === 'remove') lines.push(`      - ${d.path}: ${show(d.old)}`);
        else lines.push(`      ~ ${d.path}: ${show(d.old)} -> ${show(d.new)}`);
      }
    }
    for (const l of other) lines.push(`  ${l}`);
    if (manifest) lines.push(`  ${manifest}`);
  }
  const summary =
    `plan: ${counts.create} to create, ${counts.update} to update, ${counts.delete} to delete, ${counts.rename} to rename` +
    (counts.prune - argoPrunes > 0 ? `, ${counts.prune - argoPrunes} pruned by Flux` : '') +
    (argoPrunes > 0 ? `, ${argoPrunes} pruned by Argo CD` : '') +
    (plan.blocked.length > 0 ? `; ${plan.blocked.length} protected ${plan.blocked.every((c) => c.action === 'update') ? 'change' : 'deletion'}(s) not allowed` : '');
  lines.push(summary);
  for (const b of plan.blocked) lines.push(`error: ${displayConstructPaths(blockedMessage(b, b.dir))}`);
  for (const w of plan.warnings ?? []) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

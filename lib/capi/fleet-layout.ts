import { posix } from 'path';
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Kustomization } from '../flux/kustomization';
import { Folder } from '../gitops/folder';
import { Repo } from '../gitops/repo';

/** The default bound on the objects one Flux Kustomization builds (see {@link kustomizationBuildSizes}). */
export const DEFAULT_MAX_OBJECTS_PER_BUILD = 1000;

/** One Flux Kustomization of the app with the size of its build. */
export interface KustomizationBuildSize {
  /** The Kustomization construct. */
  readonly kustomization: Kustomization;
  /** The folder at its `spec.path`. */
  readonly folder: Folder;
  /** Objects in its build: the folder's, plus those of the sub-folders its kustomization.yaml lists (recursively); each hand-listed file counts as one. */
  readonly objects: number;
}

/**
 * FNV-1a (32 bit) of a string, with murmur3's finalizer so that the low bits are well mixed: a
 * stable hash, the same in every run and Node version, used to put a cluster in a bucket or shard
 * by its name (so adding or removing other rows never moves it).
 */
export function stableHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Each Flux {@link Kustomization} of the app that builds a folder of `repo`, with the number of
 * objects its build holds: the folder's own objects plus, when the folder lists its sub-folders
 * (`includeSubfolders`, the default), theirs, recursively. This is what kustomize-controller
 * builds, applies and keeps in the Kustomization's inventory, so it is what must stay bounded.
 * Kustomizations whose source is another repo, or whose path is no folder of the app, are left out.
 */
export function kustomizationBuildSizes(repo: Repo): KustomizationBuildSize[] {
  const folders = repo.folders;
  const byPath = new Map(folders.map((f) => [f.path, f]));
  const own = new Map<Folder, number>();
  const children = new Map<Folder, Folder[]>();
  // Resources added by path: a folder of the app counts with its build, a file as one object.
  const listed = new Map<Folder, Folder[]>();
  for (const folder of folders) {
    const targets = folder.additionalResources.map((r) => byPath.get(posix.normalize(posix.join(folder.path, r))));
    listed.set(folder, targets.filter((t): t is Folder => t !== undefined && t !== folder));
    own.set(folder, targets.filter((t) => t === undefined).length);
    const segments = folder.path.split('/');
    for (let i = segments.length - 1; i > 0; i--) {
      const parent = byPath.get(segments.slice(0, i).join('/'));
      if (parent) {
        if (folder.kustomization) children.set(parent, [...(children.get(parent) ?? []), folder]);
        break;
      }
    }
  }
  const kustomizations: Kustomization[] = [];
  for (const c of repo.node.root.node.findAll()) {
    if (c instanceof ApiObject) {
      const folder = nearestFolder(c);
      if (folder && own.has(folder)) own.set(folder, own.get(folder)! + 1);
    } else if (Kustomization.isKustomization(c)) {
      kustomizations.push(c);
    }
  }
  const size = new Map<Folder, number>();
  const sizeOf = (f: Folder): number => {
    let n = size.get(f);
    if (n === undefined) {
      size.set(f, 0); // a cycle counts once
      n = own.get(f)! + (f.includeSubfolders ? (children.get(f) ?? []).reduce((sum, c) => sum + sizeOf(c), 0) : 0) + (listed.get(f) ?? []).reduce((sum, c) => sum + sizeOf(c), 0);
      size.set(f, n);
    }
    return n;
  };
  const out: KustomizationBuildSize[] = [];
  for (const k of kustomizations) {
    const sourceRepo = (k.source as { readonly repo?: Repo }).repo ?? Repo.of(k);
    if (sourceRepo !== repo) continue;
    const folder = byPath.get(k.path.replace(/^\.\//, '').replace(/\/+$/, ''));
    if (folder) out.push({ kustomization: k, folder, objects: sizeOf(folder) });
  }
  return out;
}

/**
 * One problem per Flux Kustomization building more than `max` objects from a folder of `repo`
 * (see {@link kustomizationBuildSizes}), naming the Kustomization, its folder and the fix.
 */
export function kustomizationBuildProblems(repo: Repo, max: number): string[] {
  return kustomizationBuildSizes(repo)
    .filter((b) => b.objects > max)
    .map((b) =>
      `${b.kustomization.node.path}: Kustomization ${b.kustomization.namespace}/${b.kustomization.name} builds ${b.objects} objects from ` +
      `${b.kustomization.path} (limit ${max}); kustomize build time and the inventory grow with it: give sub-folders their own Kustomizations ` +
      '(Folder includeSubfolders: false), or spread a Fleet over more buckets',
    );
}

function nearestFolder(c: IConstruct): Folder | undefined {
  for (let s: IConstruct | undefined = c.node.scope; s; s = s.node.scope) if (Folder.isFolder(s)) return s;
  return undefined;
}

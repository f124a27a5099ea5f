// Where a construct's objects are placed: its folder and that folder's cluster (internal helpers of
// the Flux checks; not exported by the package).
import { IConstruct } from 'constructs';
import { Folder } from '../gitops/folder';
import { Repo } from '../gitops/repo';

/** The folder a construct is placed in (its nearest Folder ancestor, itself excluded). */
export function nearestFolder(c: IConstruct): Folder | undefined {
  for (let s: IConstruct | undefined = c.node.scope; s; s = s.node.scope) if (Folder.isFolder(s)) return s;
  return undefined;
}

/**
 * The cluster of a folder as synth places its objects: its own `cluster`, else its nearest parent
 * folder's by path, else none (''). Memoized per folder for one check.
 */
export function folderClusters(): (folder: Folder) => string {
  const memo = new Map<Folder, string>();
  const byPath = new Map<Repo, Map<string, Folder>>();
  const clusterOf = (folder: Folder): string => {
    let c = memo.get(folder);
    if (c !== undefined) return c;
    if (folder.cluster !== undefined) {
      c = folder.cluster;
    } else {
      const repo = Repo.of(folder);
      let paths = byPath.get(repo);
      if (!paths) byPath.set(repo, (paths = new Map(repo.folders.map((f) => [f.path, f]))));
      const segments = folder.path.split('/');
      let parent: Folder | undefined;
      for (let i = segments.length - 1; i > 0 && !parent; i--) parent = paths.get(segments.slice(0, i).join('/'));
      c = parent ? clusterOf(parent) : '';
    }
    memo.set(folder, c);
    return c;
  };
  return clusterOf;
}

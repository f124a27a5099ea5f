/**
 * GitRepositories imported by name that declare the app repo they fetch
 * (`GitRepository.fromName(scope, id, { name, repo })`): the source exists on the cluster (`flux
 * bootstrap` made it, another app writes it), so the trees do not hold it, but the checks that
 * model a build from its source's repo (the apply-order model's paths, components and shared
 * objects) can follow the Kustomizations reading it. Kept per app (construct tree root).
 */
import { IConstruct } from 'constructs';

/** One imported GitRepository with the app repo it fetches. */
export interface ImportedGitSource {
  /** The import construct (its path is where problems point; its folder gives the cluster). */
  readonly construct: IConstruct;
  /** `metadata.name`. */
  readonly name: string;
  /** `metadata.namespace`. */
  readonly namespace: string;
  /** The app repo it fetches (a `Repo`). */
  readonly repo: IConstruct;
}

const BY_ROOT = new WeakMap<IConstruct, ImportedGitSource[]>();

/** Records an imported GitRepository that fetches an app repo. */
export function recordImportedGitSource(source: ImportedGitSource): void {
  const root = source.construct.node.root;
  const list = BY_ROOT.get(root);
  if (list) list.push(source);
  else BY_ROOT.set(root, [source]);
}

/** The imported GitRepositories of the app at `root` that declare the repo they fetch, in the order imported. */
export function importedGitSources(root: IConstruct): readonly ImportedGitSource[] {
  return BY_ROOT.get(root) ?? [];
}

/**
 * The apply-order part of `cdk8s-platform validate` (lib/gitops/apply-order.ts): every directory
 * argument is read as one repo tree (its YAML files and `kustomization.yaml` files), and every Flux
 * Kustomization in the trees is checked. Lines are `<file>#<docIndex>: <message>`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CliError } from './context';
import { parseYamlDocuments } from '../core/yaml-read';
import { joinPrefix } from '../core/validation/registry';
import { isKustomizeConfig } from '../tree/read';
import { MANIFEST_FILE, readManifest } from '../tree/manifest';
import { isKustomizationNameAnyCase, isKustomizeComponent, kustomizationReferences, pathKindOnDisk, referenceProblem, type PathKind } from '../tree/kustomize-refs';
import { ApplyOrderObject, applyOrderProblems, ApplyOrderRepo, Preinstalled, PreinstalledSet } from '../gitops/apply-order';
import type { KubeObject } from '../gitops/layout';
import { SOURCE_IGNORE_FILE, sourceControllerFilter, type SourceIgnoreFile } from '../core/source-ignore';
import { renameOf, renames, type KustomizeRename } from '../core/flux-build';

/** `--preinstalled` values: preset names (`flux`, `crossplane`, ...) or API group patterns. */
export function preinstalledSets(values: readonly string[]): PreinstalledSet[] {
  const presets = Preinstalled.presets();
  return values.map((v) => {
    if (presets[v]) return presets[v];
    if (v.startsWith('aso:')) {
      try {
        return Preinstalled.asoWith(v.slice('aso:'.length));
      } catch (e) {
        throw new CliError(`--preinstalled ${v}: ${(e as Error).message.replace(/^Preinstalled\.asoWith: /, '')}`);
      }
    }
    try {
      return Preinstalled.of(v, [v]);
    } catch {
      throw new CliError(`--preinstalled ${v}: not a preset (${Object.keys(presets).join(', ')}), "aso:<crdPattern>", an API group, "*.<suffix>" or "<group>/<Kind>"`);
    }
  });
}

const YAML_FILE = /\.ya?ml$/i;

/**
 * Whether the tree's own `.sourceignore` files (see {@link listTreeFiles}) leave the file `rel`
 * (`/`-separated, relative to the tree) out: then it is in none of the tree's artifacts (unless a
 * GitRepository's spec.ignore re-includes it), so `validate` neither validates it as a manifest nor
 * checks it as a kustomization file. Undefined when the tree has no `.sourceignore`.
 */
export function leftOutByTreeSourceIgnore(sourceIgnores: readonly SourceIgnoreFile[]): ((rel: string) => boolean) | undefined {
  if (sourceIgnores.length === 0) return undefined;
  const filter = sourceControllerFilter(undefined, sourceIgnores);
  return (rel) => filter.excludedBy(rel)?.origin.endsWith(SOURCE_IGNORE_FILE) === true;
}

/**
 * The YAML files of a directory, as `listFiles` lists them (absolute when `dir` is; not below
 * dot-directories and node_modules) with the kustomization files named `Kustomization` (no
 * extension: kustomize reads that name too), and its `.sourceignore` files, read (their directory relative
 * to `dir`, `/`-separated), in dot-directories too: source-controller reads one in every directory
 * but `.git` (sourceignore `LoadIgnorePatterns`), and any of them turns Flux's default exclusions
 * off. Not below node_modules, which a GitOps tree does not hold (walking one would cost more than
 * the tree).
 */
export function listTreeFiles(dir: string): { yaml: string[]; sourceIgnores: SourceIgnoreFile[] } {
  const yaml: string[] = [];
  const sourceIgnores: SourceIgnoreFile[] = [];
  const walk = (d: string, prefix: string, rel: string, dotted: boolean) => {
    const entries = fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = prefix + e.name;
      if (e.isDirectory()) {
        if (e.name === 'node_modules' || e.name === '.git') continue;
        walk(p, p + path.sep, rel === '' ? e.name : `${rel}/${e.name}`, dotted || e.name.startsWith('.'));
      } else if (e.isFile()) {
        if (e.name === SOURCE_IGNORE_FILE) sourceIgnores.push({ dir: rel, text: fs.readFileSync(p, 'utf8') });
        else if (!dotted && (YAML_FILE.test(e.name) || e.name === 'Kustomization')) yaml.push(p);
      }
    }
  };
  walk(dir, joinPrefix(dir), '', false);
  return { yaml, sourceIgnores };
}

/**
 * The documents of a YAML file as `validate` read them: each document's object, or `undefined` for
 * a document that does not parse (reported by the schema validation).
 */
export type ParsedFiles = ReadonlyMap<string, ReadonlyArray<unknown>>;

/**
 * The apply-order problems of the directories among `paths`, as validate output lines. `parsed`
 * (absolute path → documents) spares parsing the files `validate` has already read, `listings`
 * (absolute directory → its YAML files, as `listFiles` lists them) listing the directories again;
 * `maxObjectsPerBuild` bounds each Kustomization's build (default 1,000); `sourceIgnores`
 * (absolute directory → its `.sourceignore` files, see {@link listTreeFiles}) what source-controller
 * leaves out of the artifacts (read here when the directory has no listing).
 */
export function applyOrderLines(
  paths: readonly string[], preinstalled: readonly string[], resolve: (p: string) => string,
  parsed: ParsedFiles = new Map(), listings: ReadonlyMap<string, readonly string[]> = new Map(), maxObjectsPerBuild?: number,
  sourceIgnores: ReadonlyMap<string, readonly SourceIgnoreFile[]> = new Map(),
  pending: string[] = [],
): Array<{ source: string; message: string }> {
  const repos: ApplyOrderRepo[] = [];
  const references: Array<{ source: string; message: string }> = [];
  for (const p of paths) {
    const dir = resolve(p);
    if (!fs.statSync(dir).isDirectory()) continue;
    const objects: ApplyOrderObject[] = [];
    const kustomizations = new Map<string, string[]>();
    const kustomizationFileNames = new Map<string, string>();
    const shownPrefix = joinPrefix(p);
    const listed = listings.get(dir) ? { yaml: listings.get(dir)!, sourceIgnores: sourceIgnores.get(dir) ?? [] } : listTreeFiles(dir);
    const kustomizationDocs: Array<{ dir: string; rel: string; doc: unknown; where: string }> = [];
    const yamlFiles = new Set<string>();
    // Directories holding a kustomization file by its name (what kustomize looks for).
    const kustomizedDirs = new Set<string>();
    // Directory → the kustomization files it holds by name.
    const byName = new Map<string, Array<{ rel: string; shown: string }>>();
    // Files named like a kustomization file in another case (`Kustomization.yaml`).
    const misnamed: Array<{ rel: string; shown: string }> = [];
    for (const f of listed.yaml) {
      // listTreeFiles joins names onto `dir`: the rest is the path inside it.
      const inside = f.slice(dir.endsWith(path.sep) ? dir.length : dir.length + 1);
      const rel = path.sep === '/' ? inside : inside.split(path.sep).join('/');
      const shown = shownPrefix + inside;
      yamlFiles.add(rel);
      // A kustomization file by its name (kustomize accepts one without apiVersion and kind), or by its kind (below).
      const kustomizationFile = isKustomizeConfig(rel);
      if (!kustomizationFile && isKustomizationNameAnyCase(rel.slice(rel.lastIndexOf('/') + 1))) misnamed.push({ rel, shown });
      if (kustomizationFile) {
        const d = path.posix.dirname(rel);
        kustomizedDirs.add(d);
        const names = byName.get(d);
        if (names) names.push({ rel, shown });
        else byName.set(d, [{ rel, shown }]);
      }
      const docs = parsed.get(f) ?? parseYamlDocuments(fs.readFileSync(f, 'utf8')).map((doc) => doc.value);
      docs.forEach((doc, i) => {
        if (doc === undefined) return; // reported by the schema validation
        const obj = doc as KubeObject | null;
        if (!obj || typeof obj !== 'object' || (!kustomizationFile && (typeof obj.kind !== 'string' || typeof obj.apiVersion !== 'string'))) return;
        if (kustomizationFile || (obj.apiVersion as string).startsWith('kustomize.config.k8s.io/')) {
          // kustomize reads the first document of a file by its name, nothing else.
          if (kustomizationFile && i === 0) kustomizationDocs.push({ dir: path.posix.dirname(rel), rel, doc: obj, where: `${shown}#${i}` });
          // What it builds: its resources, then its components (with their own resources).
          const { resources, components: listedComponents } = obj as { resources?: unknown; components?: unknown };
          const entries = [...(Array.isArray(resources) ? resources : []), ...(Array.isArray(listedComponents) ? listedComponents : [])];
          kustomizations.set(path.posix.dirname(rel), entries.filter((r): r is string => typeof r === 'string'));
          kustomizationFileNames.set(path.posix.dirname(rel), path.posix.basename(rel));
          return;
        }
        // applyOrderProblems reads the objects, never changes them: copied only to add a missing metadata.
        objects.push({ file: rel, obj: obj.metadata ? obj : { ...obj, metadata: {} }, where: `${shown}#${i}` });
      });
    }
    // Filled below, before the model reads it: the files each kustomization file names.
    const namedFiles = new Map<string, string[]>();
    // What each kustomization file renames what it builds with (a Component's: the build of the
    // kustomization listing it), and the components each lists.
    const renamesOf = new Map<string, KustomizeRename>();
    const componentRenames = new Map<string, KustomizeRename>();
    const components = new Map<string, string[]>();
    for (const { dir: d, doc } of kustomizationDocs) {
      const { namespace, namePrefix, nameSuffix, components: listedComponents } = doc as Record<string, unknown>;
      const r = renameOf(namespace, namePrefix, nameSuffix);
      if (renames(r)) (isKustomizeComponent(doc) ? componentRenames : renamesOf).set(d, r);
      const entries = Array.isArray(listedComponents) ? listedComponents.filter((c): c is string => typeof c === 'string' && !c.includes('://') && !c.startsWith('/')) : [];
      if (entries.length > 0) components.set(d, entries.map((c) => path.posix.normalize(path.posix.join(d, c))));
    }
    // What is at a path of the tree (what each kustomization file names, a Flux Kustomization's
    // path and components): known from the listing (its YAML files, its directories with a
    // kustomization file), else looked up on disk.
    // Directories whose kustomization file is a kustomize Component (its first document's kind).
    const componentDirs = new Set(kustomizationDocs.filter((k) => isKustomizeComponent(k.doc)).map((k) => k.dir));
    const kindOf = (rel: string): PathKind => {
      if (yamlFiles.has(rel) && !isKustomizeConfig(rel)) return 'file';
      const d = rel === '' ? '.' : rel;
      if (kustomizedDirs.has(d)) return componentDirs.has(d) ? 'component' : 'kustomization';
      return pathKindOnDisk(rel === '' ? dir : path.join(dir, ...rel.split('/')));
    };
    // A Flux Kustomization's path and components as source-controller's artifact has them: it
    // archives regular files and directories only (fluxcd/pkg artifact/storage Archive), not links.
    const linked = new Map<string, boolean>();
    const isLink = (rel: string): boolean => {
      let v = linked.get(rel);
      if (v === undefined) {
        try {
          v = fs.lstatSync(path.join(dir, ...rel.split('/'))).isSymbolicLink();
        } catch {
          v = false; // not there: kindOf says so
        }
        linked.set(rel, v);
      }
      return v;
    };
    const inArtifact = (rel: string): PathKind => {
      // The path and every directory above it.
      for (let p = rel; p !== ''; p = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '') if (isLink(p)) return undefined;
      return kindOf(rel);
    };
    repos.push({ name: p, objects, kustomizations, kustomizationFileNames, sourceIgnoreFiles: listed.sourceIgnores, namedFiles, renames: renamesOf, components, componentRenames, pathKind: inArtifact });
    // A kustomization file the tree's own .sourceignore files leave out is in none of its artifacts:
    // no Flux build reads it (as validate does not validate such a file).
    const leftOut = leftOutByTreeSourceIgnore(listed.sourceIgnores);
    // kustomize reads exactly one kustomization file per directory: with two of its names, it fails
    // ("Found multiple kustomization files under: <dir>", loadKustFile), and so does every build
    // that includes the directory.
    // kustomize opens its three names exactly: on a case-insensitive file system (macOS, Windows)
    // `Kustomization.yaml` is found as `kustomization.yaml`, on Linux, where kustomize-controller
    // runs, it is not.
    for (const { rel, shown } of misnamed) {
      if (leftOut?.(rel)) continue;
      const where = `${shown}#0`;
      references.push({
        source: where,
        message: `${where}: not a kustomization file to kustomize on Linux, where kustomize-controller runs: it reads kustomization.yaml, kustomization.yml or Kustomization, in that case (a case-insensitive file system, as on macOS, finds this one, Flux does not); rename it`,
      });
    }
    for (const inDir of byName.values()) {
      const kept = inDir.filter((f) => !leftOut?.(f.rel));
      if (kept.length < 2) continue;
      const where = `${kept[0].shown}#0`;
      const others = kept.slice(1).map((f) => path.posix.basename(f.rel));
      references.push({
        source: where,
        message: `${where}: its directory also holds ${others.join(' and ')}: kustomize fails on a directory with more than one kustomization file ("Found multiple kustomization files"), and so does every Flux build that includes it; keep one (move what the others hold into it)`,
      });
    }
    // The files the app declared the user's, by the ownership manifest of the repo tree holding a
    // directory (the nearest one above it): one the tree lacks is not committed yet (the
    // gotk-components.yaml flux bootstrap commits), not a mistake of the tree.
    const userOwnedAt = new Map<string, { root: string; files: ReadonlySet<string> } | null>();
    const userOwnedOf = (d: string): { root: string; files: ReadonlySet<string> } | null => {
      const key = d === '.' ? '' : d;
      let v = userOwnedAt.get(key);
      if (v !== undefined) return v;
      if (fs.existsSync(path.join(dir, ...key.split('/').filter(Boolean), MANIFEST_FILE))) {
        const m = readManifest(path.join(dir, ...key.split('/').filter(Boolean)));
        v = { root: key, files: new Set(m.userOwned ?? []) };
      } else v = key === '' ? null : userOwnedOf(path.posix.dirname(key));
      userOwnedAt.set(key, v);
      return v;
    };
    for (const { dir: d, rel, doc, where } of kustomizationDocs) {
      if (leftOut?.(rel)) continue;
      for (const ref of kustomizationReferences(doc)) {
        const problem = referenceProblem(d === '.' ? '' : d, ref, kindOf);
        const named = path.posix.normalize(path.posix.join(d, ref.path));
        const owner = problem && (ref.target === 'file' || ref.target === 'file-or-kustomization') && kindOf(named) === undefined ? userOwnedOf(d) : null;
        if (owner && owner.files.has(owner.root === '' ? named : named.slice(owner.root.length + 1))) {
          pending.push(`${shownPrefix}${named}: listed by ${where.replace(/#0$/, '')} as the user's (the app does not write it) and not in the tree yet: kustomize builds of that folder fail until it is committed (flux bootstrap commits gotk-components.yaml)`);
          continue;
        }
        if (problem) references.push({ source: where, message: `${where}: ${problem}` });
        // A file it names and the tree has: the apply-order model checks that the source keeps it.
        else if (ref.target === 'file') {
          const named = path.posix.normalize(path.posix.join(d, ref.path));
          if (named !== '..' && !named.startsWith('../')) {
            const list = namedFiles.get(d);
            if (list) list.push(named);
            else namedFiles.set(d, [named]);
          }
        }
      }
    }
  }
  const sets = preinstalledSets(preinstalled);
  return [...references, ...applyOrderProblems({ repos, preinstalled: sets.map((set) => ({ cluster: '*', set })), maxObjectsPerBuild }).map((x) => ({ source: x.where, message: `${x.where}: ${x.message}` }))];
}

/**
 * Stages 2 and 3, render and check, in one streaming pass: for each repo and folder (sorted), each
 * ApiObject is rendered once (safe keys, canonical JSON, secret hygiene), named (file names,
 * duplicates, file-name length), handed to the consumer (the write stage's YAML pool, or a tree in
 * memory), and validated (schemas, CEL): here, or, for large apps, on the YAML pool's worker
 * threads while this thread renders the next folders (see {@link FolderVisitor}); once every
 * folder is rendered, the whole-app checks run (overlays, references, apply order:
 * lib/gitops/pipeline/check.ts).
 */
import { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { isClusterScoped } from '../../core/kinds';
import { controllerProvided, refKey, workloadReferences } from '../../core/references';
import { groupOf } from '../../core/validation/metadata';
import type { ValidationInput } from '../../core/validation/types';
import type { Validator } from '../../core/validation/validator';
import { plaintextSecretAllowance, secretProblems } from '../../safety/secrets';
import { appApplyOrderProblems } from '../apply-order';
import type { Folder } from '../folder';
import { Overlay } from '../kustomize';
import * as posix from 'path/posix';
import { canonicalize, fileNames, KubeObject, kustomizationFileYaml, toYaml } from '../layout';
import { needsOverlayCheck, overlayProblems } from '../overlay-check';
import type { Repo } from '../repo';
import { renderApiObject } from '../safe-keys';
import { withFastToJson } from '../to-json';
import { YamlFilePool, type PoolValidation } from '../yaml-pool';
import { unresolvedReferences } from './check';
import { SynthError, type FolderGroups, type PlacedObject, type PlacedWorkloadRef, type RepoSink } from './types';
import { FLUX_PRUNE_ANNOTATION, FLUX_RECONCILE_ANNOTATION, FLUX_SSA_ANNOTATION } from '../../core/removal-policy';

/** Input of the render and check stages. */
export interface RenderInput {
  /** The app (root construct): its preinstalled sets feed the apply-order check. */
  readonly app: IConstruct;
  /** The validator objects are checked with; undefined when validation is off. Called once, on first use. */
  readonly validator?: () => Validator;
}

/** A repo rendered in memory: file → content, object file → construct path. */
export interface RenderedTree {
  readonly files: Map<string, string>;
  readonly constructPaths: Record<string, string>;
}

/** Longest file name (bytes) ext4, XFS, btrfs, APFS and NTFS accept. */
const MAX_FILE_NAME_BYTES = 255;

/**
 * Receives each folder's objects as they are rendered. `validation` is given when the objects are
 * to be validated: the folder's number in this render, in order. A visitor that validates them
 * itself (the write stage's worker threads do, see `YamlFilePool`) returns true; their problems are
 * then put in place with {@link withValidationProblems}, in the order this render would have listed them.
 */
export type FolderVisitor = (repo: Repo, folder: Folder, entries: PlacedObject[], validation?: number) => boolean | void;

/**
 * The single pass every output is built from: for each repo and folder (sorted), renders each
 * ApiObject once, names its file, checks for duplicate objects, hands the folder to `visit`, and
 * validates it (unless `visit` does). Returns every problem found (duplicate objects, schema and CEL violations).
 */
export function render(input: RenderInput, groups: FolderGroups, visit: FolderVisitor): RenderOutcome {
  // Every object rendered with cdk8s's toJson done in one walk (lib/gitops/to-json.ts).
  return withFastToJson(() => renderAll(input, groups, visit));
}

function renderAll(input: RenderInput, groups: FolderGroups, visit: FolderVisitor): RenderOutcome {
  const problems: string[] = [];
  const validator = input.validator?.();
  const validate = validator ? (objects: Iterable<ValidationInput>) => validator.validate(objects).map((i) => i.message) : undefined;
  const present = new Set<string>();
  const placedAll: PlacedObject[] = [];
  const kustomizations = new Map<Repo, Map<string, string[]>>();
  const workloadRefs: PlacedWorkloadRef[] = [];
  const deferred: Array<{ at: number; folder: number }> = [];
  let folderNumber = 0;
  for (const { repo, folders } of groups.repos) {
    const seen = new Map<string, string>();
    // Kept only for repos with overlays, components or addResource targets (checked below).
    const check = needsOverlayCheck(folders);
    const renderedByApi = new Map<ApiObject, KubeObject>();
    const written = new Set<string>();
    for (const folder of folders) {
      const cluster = groups.clusters.get(folder)!;
      const rendered = (groups.byFolder.get(folder) ?? []).flatMap((apiObject) => {
        // Keys named __proto__ / constructor in user values: refused with their field, never a crash.
        const r = renderApiObject(apiObject);
        problems.push(...r.problems);
        if (r.json === undefined) return [];
        const json = r.json as KubeObject;
        const obj = canonicalize(json, isClusterScoped(json.apiVersion, json.kind));
        // Secret hygiene: no plaintext Secret, no credential-looking value, unless allowed.
        problems.push(...secretProblems(obj, apiObject.node.path, plaintextSecretAllowance(apiObject)));
        if (check) renderedByApi.set(apiObject, obj);
        return [{ obj, constructPath: apiObject.node.path }];
      });
      const entries: PlacedObject[] = [];
      for (const { file, obj, constructPath } of fileNames(rendered)) {
        const ns = obj.metadata.namespace ?? '';
        const key = `${cluster}\u0000${groupOf(obj.apiVersion)}\u0000${obj.kind}\u0000${ns}\u0000${obj.metadata.name}`;
        const first = seen.get(key);
        if (first) {
          const where = cluster ? `for cluster "${cluster}" in repo "${repo.dir}"` : `in repo "${repo.dir}"`;
          problems.push(`${constructPath}: ${obj.kind}/${ns}/${obj.metadata.name} is defined twice ${where} (also by ${first})`);
          continue;
        }
        const bytes = Buffer.byteLength(file);
        if (bytes > MAX_FILE_NAME_BYTES) {
          problems.push(
            `${constructPath}: ${obj.kind}/${ns ? `${ns}/` : ''}${obj.metadata.name}: metadata.name: the file name would be ${bytes} bytes ("${file.slice(0, 40)}…"), ` +
              `over the ${MAX_FILE_NAME_BYTES}-byte limit of file systems; shorten metadata.name to at most ${Math.max(1, MAX_FILE_NAME_BYTES - (bytes - (obj.metadata.name ?? '').length))} characters`,
          );
          continue;
        }
        seen.set(key, constructPath);
        present.add(key);
        // Secrets / ConfigMaps controllers write for this object (ASO operatorSpec, Crossplane
        // connection secrets, CAPI kubeconfigs, SealedSecrets), also when it is a raw ApiObject.
        for (const p of controllerProvided(obj)) present.add(refKey(cluster, p));
        for (const r of workloadReferences(obj)) workloadRefs.push({ ...r, path: constructPath, cluster, object: `${obj.kind}/${ns ? `${ns}/` : ''}${obj.metadata.name}` });
        entries.push({ obj, constructPath, repo, folder, file: `${folder.path}/${file}` });
        if (check) written.add(`${folder.path}/${file}`);
      }
      const n = folderNumber++;
      const validatedByVisitor = visit(repo, folder, entries, validate && entries.length > 0 ? n : undefined) === true;
      // The apply-order check reads the specs of Flux objects and establishers only: keep the
      // identity of every other object, so synth stays streaming (objects dropped once written).
      for (const e of entries) placedAll.push(APPLY_ORDER_KINDS.has(e.obj.kind) ? e : { ...e, obj: slimObject(e.obj) });
      if (folder.kustomization) {
        if (!kustomizations.has(repo)) kustomizations.set(repo, new Map());
        // What kustomize builds of it: its resources, then an overlay's components (with their objects).
        const built = folderResources(folder, entries, groups.children);
        if (Overlay.isOverlay(folder)) for (const c of folder.components) built.push(posix.relative(folder.path, c.path));
        kustomizations.get(repo)!.set(folder.path, built);
      }
      if (validatedByVisitor) deferred.push({ at: problems.length, folder: n });
      else if (validate) problems.push(...validate(entries.map((p) => ({ obj: p.obj, path: p.constructPath }))));
    }
    // Overlays, components and addResource targets: checked once the whole repo is rendered.
    const clusterOf = (f: Folder) => groups.clusters.get(f) ?? '';
    if (check) problems.push(...overlayProblems({ repo, folders, byFolder: groups.byFolder, childFolders: groups.childFolders, rendered: renderedByApi, written, clusterOf, present, validate }));
  }
  return { problems, present, workloadRefs, placed: placedAll, kustomizations, deferred };
}

/**
 * The YAML pool of a stage of `threads` threads whose workers validate with `validator` (none:
 * they do not validate): the pool started ahead (see `startStagingPool`) when it has those
 * threads, else a new one (the one started ahead is then terminated), given the validator.
 */
export function takeOverPool(ahead: YamlFilePool | undefined, threads: number, validator: Validator | undefined): YamlFilePool {
  let pool = ahead;
  if (pool && pool.threads !== threads) {
    pool.terminate();
    pool = undefined;
  }
  pool ??= new YamlFilePool(threads, { loadValidation: validator !== undefined });
  pool.validateWith(validatingPoolOptions(validator));
  return pool;
}

/** Options of a YAML pool whose workers validate with `validator` (a copy of it), and fall back on it. */
export function validatingPoolOptions(validator: Validator | undefined): PoolValidation {
  return validator ? { validator: validator.toPortable(), fallback: () => validator } : {};
}

/**
 * Waits for `pool` to stage every file (throws its first write error), and returns the problems
 * its workers found, by folder (for {@link withValidationProblems}); their time is added to the
 * validator's {@link Validator.elapsedMs}.
 */
export function finishValidatingPool(pool: YamlFilePool, validator: Validator | undefined): ReadonlyMap<number, readonly string[]> {
  pool.finish();
  validator?.recordElapsed(pool.validationMs);
  return pool.validationProblems();
}

/**
 * `rendered` with the problems of the folders its visitor validated (see {@link FolderVisitor}),
 * by folder number, put where the render would have listed them.
 */
export function withValidationProblems(rendered: RenderOutcome, byFolder: ReadonlyMap<number, readonly string[]>): RenderOutcome {
  if (rendered.deferred.length === 0) return rendered;
  const problems: string[] = [];
  let from = 0;
  for (const { at, folder } of rendered.deferred) {
    problems.push(...rendered.problems.slice(from, at), ...(byFolder.get(folder) ?? []));
    from = at;
  }
  problems.push(...rendered.problems.slice(from));
  return { ...rendered, problems, deferred: [] };
}

/** Output of the render stage: its problems and what the whole-app checks read. */
export interface RenderOutcome {
  /** Problems found while rendering and validating objects (duplicates, schemas, CEL, secrets, overlays). */
  readonly problems: string[];
  /** Keys (`refKey`) of every object written and of what controllers write for them. */
  readonly present: Set<string>;
  /** References from workloads to Secrets, ConfigMaps and ServiceAccounts. */
  readonly workloadRefs: PlacedWorkloadRef[];
  /** Every placed object (objects the apply-order check does not read: identity only). */
  readonly placed: PlacedObject[];
  /** The resources of each folder's kustomization.yaml, and an overlay's components, per repo. */
  readonly kustomizations: Map<Repo, Map<string, string[]>>;
  /**
   * The folders the visitor validated (by number), and where their problems go in `problems`:
   * complete `problems` with {@link withValidationProblems} before reading it.
   */
  readonly deferred: ReadonlyArray<{ readonly at: number; readonly folder: number }>;
}

/**
 * Stage 3, check, the whole-app part: references resolve (see check.ts) and, when nothing else is
 * wrong, every object of every Flux Kustomization's build can be applied (lib/gitops/apply-order.ts).
 */
export function checkApp(input: RenderInput, groups: FolderGroups, rendered: RenderOutcome): string[] {
  return checkAppAhead(input, groups, rendered)(rendered);
}

/**
 * {@link checkApp} run ahead of the visitor's validation problems: the whole-app checks read what
 * the render found (objects, references, kustomizations), not what the validation finds, so they
 * run while the YAML pool's workers still write and validate. Returns what gives checkApp's
 * problems once `rendered` has them ({@link withValidationProblems}): the same list, in the same
 * order (the apply-order problems only when nothing else is wrong).
 */
export function checkAppAhead(input: RenderInput, groups: FolderGroups, rendered: RenderOutcome): (validated: RenderOutcome) => string[] {
  const unresolved = unresolvedReferences(groups, rendered.present, rendered.workloadRefs);
  const applyOrderProblems = () => appApplyOrderProblems(input.app, groups.repos, rendered.placed, rendered.kustomizations, groups.clusters);
  // Worked out ahead when nothing is wrong yet (the workers may still find something). An object
  // the workers will find invalid may trip the model: then it is worked out again once they have
  // found nothing, as it would have been.
  let applyOrder: string[] | undefined;
  if (rendered.problems.length === 0 && unresolved.length === 0) {
    try {
      applyOrder = applyOrderProblems();
    } catch {
      applyOrder = undefined;
    }
  }
  return (validated) => {
    if (validated.deferred.length > 0) throw new Error('checkApp: the problems of the folders the visitor validated are missing (withValidationProblems)');
    const problems = [...validated.problems, ...unresolved];
    return problems.length > 0 ? problems : (applyOrder ?? applyOrderProblems());
  };
}

/**
 * The render stage's problem count: what the render found, validation included; left out when
 * the YAML pool's workers still validate some folders (their problems are counted with the check
 * stage's), rather than a count that would depend on the number of threads.
 */
export function renderedProblems(rendered: RenderOutcome): { problems?: number } {
  return rendered.deferred.length === 0 ? { problems: rendered.problems.length } : {};
}

/** {@link render} then {@link checkApp}: every problem of the app. */
export function renderAndCheck(input: RenderInput, groups: FolderGroups, visit: FolderVisitor): string[] {
  return checkApp(input, groups, render(input, groups, visit));
}

/** Every repo rendered in memory, with the construct path of each object file (throws a {@link SynthError} on any problem). */
export function renderToTrees(input: RenderInput, groups: FolderGroups): Map<Repo, RenderedTree> {
  const out = new Map<Repo, RenderedTree>();
  const problems = renderAndCheck(input, groups, (repo, folder, entries) => {
    let tree = out.get(repo);
    if (!tree) out.set(repo, (tree = { files: new Map(), constructPaths: {} }));
    const t = tree;
    const add = (rel: string, content: string) => t.files.set(rel, content);
    emitFolder({ add, addObject: (rel, obj, constructPath) => {
      add(rel, toYaml(obj));
      t.constructPaths[rel] = constructPath;
    } }, folder, entries, groups.children);
  });
  if (problems.length > 0) throw new SynthError(problems);
  return out;
}

/** Kinds whose whole object the apply-order model reads (Flux objects and establishers). */
const APPLY_ORDER_KINDS = new Set(['Kustomization', 'GitRepository', 'OCIRepository', 'ArtifactGenerator', 'HelmRelease', 'CustomResourceDefinition', 'Provider', 'Configuration', 'CompositeResourceDefinition', 'ResourceGraphDefinition', 'Namespace']);

/**
 * An object's identity only (apiVersion, kind, name, namespace), kustomize-controller's prune
 * exclusion labels and annotations and a SealedSecret's scope annotations; for a Cluster with a `spec.topology`, an empty one (the apply-order check
 * reads whether it has one: Cluster API's ClusterTopology feature gate).
 */
function slimObject(obj: KubeObject): KubeObject {
  const { name, namespace } = obj.metadata;
  const annotations = obj.metadata.annotations as Record<string, string> | undefined;
  const labels = obj.metadata.labels as Record<string, string> | undefined;
  const topology = obj.kind === 'Cluster' && typeof (obj.spec as { topology?: unknown } | undefined)?.topology === 'object' && (obj.spec as { topology?: unknown }).topology !== null;
  // kustomize-controller's prune exclusions, labels or annotations (an object two Kustomizations apply is not deleted with them).
  let kept: Record<string, string> | undefined;
  let keptLabels: Record<string, string> | undefined;
  if (annotations) for (const a of KEPT_ANNOTATIONS) if (annotations[a] !== undefined) (kept ??= {})[a] = annotations[a];
  if (labels) for (const a of FLUX_PRUNE_EXCLUSIONS) if (labels[a] !== undefined) (keptLabels ??= {})[a] = labels[a];
  return {
    apiVersion: obj.apiVersion, kind: obj.kind,
    metadata: { name, ...(namespace !== undefined ? { namespace } : {}), ...(keptLabels ? { labels: keptLabels } : {}), ...(kept ? { annotations: kept } : {}) },
    ...(topology ? { spec: { topology: {} } } : {}),
  } as KubeObject;
}

const FLUX_PRUNE_EXCLUSIONS = [FLUX_PRUNE_ANNOTATION, FLUX_RECONCILE_ANNOTATION, FLUX_SSA_ANNOTATION];
/** The annotations kept: the prune exclusions and a SealedSecret's scope (what its ciphertext is bound to). */
const KEPT_ANNOTATIONS = [...FLUX_PRUNE_EXCLUSIONS, 'sealedsecrets.bitnami.com/cluster-wide', 'sealedsecrets.bitnami.com/namespace-wide'];

/** Sends a folder's objects and its kustomization.yaml to a sink. */
export function emitFolder(sink: RepoSink, folder: Folder, entries: readonly PlacedObject[], children: Map<Folder, string[]>): void {
  for (const p of entries) sink.addObject(p.file, p.obj, p.constructPath);
  if (folder.kustomization) {
    sink.add(`${folder.path}/kustomization.yaml`, kustomizationFileYaml(folder._kustomizationKind(), folderResources(folder, entries, children), folder._kustomizationFields()));
  }
}

/**
 * The resources listed in a folder's `kustomization.yaml`: an overlay's base (and other resources
 * that come first), its files, sub-folders and added files.
 */
function folderResources(folder: Folder, entries: readonly PlacedObject[], children: Map<Folder, string[]>): string[] {
  const resources: string[] = [...folder._resourcesBefore()];
  resources.push(...entries.map((p) => p.file.slice(folder.path.length + 1)));
  if (folder.includeSubfolders) resources.push(...(children.get(folder) ?? []));
  resources.push(...folder.additionalResources);
  return resources;
}

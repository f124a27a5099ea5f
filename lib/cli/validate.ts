/**
 * `cdk8s-platform validate <path...>`: validates every document of every *.yaml / *.yml file under the
 * given files and directories (kustomization.yaml and node_modules / dot-directories skipped) with the
 * library validator (lib/core/validation): strict schema, CEL rules, ObjectMeta rules, embedded objects.
 *
 * Every object needs a schema: bundled (CRDs of the supported controllers, built-in Kubernetes 1.34
 * kinds), `--crds`, or a CRD / Crossplane XRD among the validated documents; objects of other kinds
 * are issues ("no schema … did you mean …") unless `--allow-unvalidated <group/Kind>`.
 *
 * Output: one line per issue, `<file>#<docIndex>: <Kind>/<namespace>/<name>: <field>: <reason>`
 * (docIndex 0-based; YAML syntax errors are issues too), then a summary line with the coverage counts
 * (validated by CRD schema / core schema / registered schema, not validated). Exit 0 when clean, 1 when
 * there are issues, 2 on usage / I/O errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import { SchemaRegistry, Validator, defaultSchemaDir, naturalCompare, type ValidationInput } from '../core/validation';
import { unresolvedWorkloadReferences, type ManifestObject } from '../core/references';
import { joinPrefix } from '../core/validation/registry';
import { readYamlFiles, type ReadYamlFile } from './read-yaml-files';
import { rgdInstanceKindSchema, rgdProducedObjects } from '../kro/schema';
import { CliError, type CliContext, type CliIO } from './context';
import { ProgressRenderer } from './progress';
import { applyOrderLines, leftOutByTreeSourceIgnore, listTreeFiles } from './validate-apply-order';
import { isKustomizationNameAnyCase } from '../tree/kustomize-refs';
import { ignorePatternProblems, SOURCE_IGNORE_FILE, type SourceIgnoreFile } from '../core/source-ignore';
import { DEFAULT_MAX_OBJECTS_PER_BUILD } from '../gitops/build-bound';

export interface ValidateCommandOptions {
  /** Extra CRD files / directories. */
  readonly crds?: readonly string[];
  /** Compact schema directory; default the bundled imports/schemas; false: none. */
  readonly schemas?: string | false;
  /** Evaluate CEL rules (default true). */
  readonly cel?: boolean;
  /** Apply order: what the clusters have pre-installed (preset names or API groups). */
  readonly preinstalled?: readonly string[];
  /** Kinds accepted without a schema (`<group>/<Kind>`, core group `v1/<Kind>`), counted as not validated. */
  readonly allowUnvalidated?: readonly string[];
  /**
   * The bound on the objects one Flux Kustomization of a directory argument builds.
   * @default 1000
   */
  readonly maxObjectsPerBuild?: number;
  /** Show the stages on stderr (see lib/cli/progress.ts). Default: when stderr is a terminal (`CliIO.stderrIsTTY`). */
  readonly progress?: boolean;
}


function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerValidate(program: Command, ctx: CliContext): void {
  program
    .command('validate')
    .description('validate Kubernetes manifests: CRD schemas (strict), CEL rules, metadata rules')
    .argument('<paths...>', 'YAML files or directories (searched recursively for *.yaml / *.yml)')
    .option('--crds <path>', 'additional CRD file or directory (repeatable)', collect, [])
    .option('--schemas <dir>', 'compact schema directory (default: the bundled imports/schemas)')
    .option('--no-schemas', 'do not use the bundled CRD schemas (built-in Kubernetes kinds, --crds and the CRDs/XRDs in the tree still apply)')
    .option('--no-cel', 'do not evaluate x-kubernetes-validations rules')
    .option('--preinstalled <name>', 'apply order: a preset (flux, source-watcher, crossplane, capi, capi-cluster-topology, capz, aso, kro, sealed-secrets, cert-manager), aso:<crdPattern>, or API group the clusters have before Flux applies anything (repeatable)', collect, [])
    .option('--allow-unvalidated <group/Kind>', 'accept objects of this kind without a schema (repeatable; counted as not validated)', collect, [])
    .option('--max-objects-per-build <n>', 'the most objects one Flux Kustomization may build (its build time and inventory grow with it)', String(DEFAULT_MAX_OBJECTS_PER_BUILD))
    .option('--no-progress', 'no stage lines on stderr (default: shown when stderr is a terminal)')
    .action(async (paths: string[], opts: { crds: string[]; schemas?: string | boolean; cel: boolean; preinstalled: string[]; allowUnvalidated: string[]; maxObjectsPerBuild: string; progress: boolean }) => {
      const schemas = opts.schemas === false ? false : typeof opts.schemas === 'string' ? opts.schemas : undefined;
      const progress = opts.progress === false ? false : undefined;
      const maxObjectsPerBuild = Number(opts.maxObjectsPerBuild);
      if (!/^[0-9]+$/.test(opts.maxObjectsPerBuild) || !Number.isSafeInteger(maxObjectsPerBuild) || maxObjectsPerBuild < 1) {
        throw new CliError(`--max-objects-per-build ${opts.maxObjectsPerBuild}: must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}`);
      }
      ctx.exitCode = await runValidate(paths, { crds: opts.crds, schemas, cel: opts.cel, preinstalled: opts.preinstalled, allowUnvalidated: opts.allowUnvalidated, maxObjectsPerBuild, progress }, ctx.io);
    });
}

/** The command itself, without commander (usable from tests and other commands). */
export async function runValidate(paths: readonly string[], opts: ValidateCommandOptions, io: CliIO): Promise<number> {
  const resolve = (p: string) => path.resolve(io.cwd, p);
  const registry = loadRegistry(opts, resolve);
  const progress = new ProgressRenderer({ command: 'validate', write: (t) => io.stderr(t), interactive: opts.progress ?? Boolean(io.stderrIsTTY) });

  // Each file as shown (relative to its argument) and its absolute path; each directory is listed
  // once (the apply-order check reads the same listing, kustomization.yaml files included).
  const files: string[] = [];
  const absolute: string[] = [];
  const listings = new Map<string, string[]>();
  // The `.sourceignore` files of each directory: what source-controller leaves out of artifacts.
  const sourceIgnores = new Map<string, SourceIgnoreFile[]>();
  const sourceIgnoreShown: Array<{ shown: string; text: string }> = [];
  let leftOut = 0;
  // The kustomization.yaml files of the directories (not validated): read with the others, for the apply-order check.
  const kustomizationFiles: string[] = [];
  const kustomizationShown: string[] = [];
  for (const p of paths) {
    let st: fs.Stats;
    const abs = resolve(p);
    try {
      st = fs.statSync(abs);
    } catch {
      throw new CliError(`path not found: ${p}`);
    }
    if (st.isDirectory()) {
      const { yaml: listed, sourceIgnores: ignores } = listTreeFiles(abs);
      listings.set(abs, listed);
      sourceIgnores.set(abs, ignores);
      const shownPrefix = joinPrefix(p);
      for (const f of ignores) sourceIgnoreShown.push({ shown: shownPrefix + [...(f.dir ? f.dir.split('/') : []), SOURCE_IGNORE_FILE].join(path.sep), text: f.text });
      // What the tree's own .sourceignore files leave out is in no artifact of it (unless a
      // GitRepository's spec.ignore re-includes it): not validated as a manifest (Helm values, CI
      // files...); the apply-order check still sees it.
      const leftOutByOwn = leftOutByTreeSourceIgnore(ignores);
      for (const f of listed) {
        // listTreeFiles joins names onto `abs`: the rest is the path inside it.
        const rel = f.slice(abs.endsWith(path.sep) ? abs.length : abs.length + 1);
        // Read for the checks, not validated as a manifest (one named in another case is reported there).
        const kustomization = isKustomizationNameAnyCase(rel.slice(rel.lastIndexOf(path.sep) + 1));
        if (!kustomization && leftOutByOwn?.(rel.split(path.sep).join('/'))) {
          leftOut++;
          continue;
        }
        if (!kustomization) {
          files.push(shownPrefix + rel);
          absolute.push(f);
        } else {
          kustomizationFiles.push(f);
          kustomizationShown.push(shownPrefix + rel);
        }
      }
    } else {
      files.push(p);
      absolute.push(abs);
    }
  }
  // A tree of kustomization files only (remote bases, say) still has what they name checked.
  if (files.length === 0 && kustomizationFiles.length === 0) throw new CliError(`no YAML files found in: ${paths.join(', ')}`);

  const inputs: ValidationInput[] = [];
  let documents = 0;
  const lines: Array<{ source: string; message: string }> = [];
  /** Files the app declared the user's and the tree lacks yet (see applyOrderLines): notes, not issues. */
  const pending: string[] = [];
  // Each file is parsed once: the apply-order check reads the same documents.
  const parsed = new Map<string, unknown[]>();
  await progress.stageAsync('read', async () => readAll(await readYamlFiles([...absolute, ...kustomizationFiles])), () => ({ files: files.length, objects: documents }));
  function readAll(read: ReadYamlFile[]): void {
  kustomizationFiles.forEach((file, n) => {
    const r = read[files.length + n];
    if (r.readError !== undefined) throw new CliError(`cannot read ${kustomizationShown[n]}: ${r.readError}`);
    parsed.set(file, r.docs.map((doc) => doc.value));
  });
  files.forEach((file, n) => {
    const r = read[n];
    if (r.readError !== undefined) throw new CliError(`cannot read ${file}: ${r.readError}`);
    const docs: unknown[] = [];
    parsed.set(absolute[n], docs);
    r.docs.forEach((doc, i) => {
      if (doc.error !== undefined) {
        docs.push(undefined);
        documents++;
        const source = `${file}#${i}`;
        const detail = doc.error.replace(/:$/, '');
        lines.push({ source, message: `${source}: <unknown kind>/<unnamed>: <root>: invalid YAML: ${detail}` });
        return;
      }
      const obj = doc.value;
      docs.push(obj);
      if (obj === null || obj === undefined) return; // empty document
      documents++;
      inputs.push({ obj, file, docIndex: i });
    });
  });
  }

  // kro: the instance kinds the ResourceGraphDefinitions of the tree define (kro generates their
  // CRDs on the cluster, so no CRD file exists) are registered from their SimpleSchema.
  const isRgd = (o: any) => o?.kind === 'ResourceGraphDefinition' && typeof o.apiVersion === 'string' && o.apiVersion.startsWith('kro.run/');
  const rgds = inputs.filter((i) => isRgd(i.obj));
  const rgdOfType = new Map<string, any>();
  for (const r of rgds) {
    try {
      const k = rgdInstanceKindSchema(r.obj as any);
      registry.addSchema({ ...k, origin: 'registered' });
      rgdOfType.set(`${k.apiVersion}/${k.kind}`, r.obj);
    } catch (e) {
      const source = `${r.file}#${r.docIndex ?? 0}`;
      lines.push({ source, message: `${source}: ${(e as Error).message}` });
    }
  }
  const validator = new Validator({ registry, cel: opts.cel !== false, allowUnvalidated: opts.allowUnvalidated ?? [], generateName: 'refuse' });
  const { issues, coverage } = progress.stage('validate', () => validator.validateWithCoverage(inputs), (r) => ({ objects: inputs.length, problems: r.issues.length }));
  for (const issue of issues) lines.push({ source: issue.source, message: issue.message });
  // References and apply order: the 'check' stage.
  const before = lines.length;
  progress.stage('check', () => {
    // Workloads' Secrets / ConfigMaps / ServiceAccounts: in the tree, or written by a controller for an object of it.
    const manifests = inputs.filter((i) => isManifest(i.obj));
    // ConfigMaps and Secrets kro creates for the instances of those RGDs count as present (appended
    // after the tree's manifests, so the indexes of the references below stay the tree's).
    const produced = manifests.flatMap((i) => {
      const rgd = rgdOfType.get(`${(i.obj as any).apiVersion}/${(i.obj as any).kind}`);
      return rgd ? rgdProducedObjects(rgd, i.obj as any) : [];
    });
    for (const r of unresolvedWorkloadReferences([...manifests.map((i) => i.obj as ManifestObject), ...(produced as ManifestObject[])])) {
      const input = manifests[r.index];
      const o = input.obj as ManifestObject;
      const source = `${input.file}#${input.docIndex ?? 0}`;
      const object = `${o.kind}/${r.namespace ? `${r.namespace}/` : ''}${o.metadata?.name ?? '<unnamed>'}`;
      const target = `${r.kind}/${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
      const hint = r.elsewhere
        ? `${r.kind}/${r.elsewhere}/${r.name} exists in namespace "${r.elsewhere}", but pods read ${r.kind}s from their own namespace`
        : 'add it to the tree (or the object a controller writes it for), or mark the reference optional: true';
      lines.push({ source, message: `${source}: ${object}: ${r.field}: refers to ${target}, which is not in the validated files; ${hint}` });
    }
    // Ignore patterns Flux reads differently from git (what GitRepository and OCIRepository refuse in code).
    for (const input of inputs) {
      const o = input.obj as ManifestObject & { spec?: { ignore?: unknown } };
      if ((o.kind !== 'GitRepository' && o.kind !== 'OCIRepository') || typeof o.apiVersion !== 'string' || !o.apiVersion.startsWith('source.toolkit.fluxcd.io/') || typeof o.spec?.ignore !== 'string') continue;
      const source = `${input.file}#${input.docIndex ?? 0}`;
      const object = `${o.kind}/${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? '<unnamed>'}`;
      for (const problem of ignorePatternProblems(o.spec.ignore)) lines.push({ source, message: `${source}: ${object}: spec.ignore: ${problem}` });
    }
    for (const { shown, text } of sourceIgnoreShown) for (const problem of ignorePatternProblems(text)) lines.push({ source: shown, message: `${shown}: ${problem}` });
    // --- apply order of the Flux Kustomizations in directory arguments (lib/cli/validate-apply-order.ts) ---
    lines.push(...applyOrderLines(paths, opts.preinstalled ?? [], resolve, parsed, listings, opts.maxObjectsPerBuild, sourceIgnores, pending));
    // --- end apply order ---
  }, () => ({ objects: inputs.length, problems: lines.length - before }));
  progress.clear();
  lines.sort((a, b) => naturalCompare(a.source, b.source) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));

  for (const l of lines) io.stdout(`${l.message}\n`);
  for (const p of pending.sort()) io.stderr(`validate: note: ${p}\n`);
  const docs = `${documents} document${documents === 1 ? '' : 's'} in ${files.length} file${files.length === 1 ? '' : 's'}${leftOut > 0 ? ` (and ${leftOut} left out by .sourceignore)` : ''}`;
  const counts =
    `validated by CRD schema: ${coverage.crd}, by core schema: ${coverage.core}, by registered schema: ${coverage.registered}; ` +
    `not validated: ${coverage.unvalidated}${coverage.unvalidatedKinds.length > 0 ? ` (${coverage.unvalidatedKinds.join(', ')})` : ''}`;
  if (lines.length === 0) {
    io.stdout(`validate: ${docs}: no issues (${counts})\n`);
    return 0;
  }
  io.stdout(`validate: ${docs}: ${lines.length} issue${lines.length === 1 ? '' : 's'} (${counts})\n`);
  return 1;
}

function isManifest(v: unknown): boolean {
  return typeof v === 'object' && v !== null && typeof (v as ManifestObject).apiVersion === 'string' && typeof (v as ManifestObject).kind === 'string';
}

function loadRegistry(opts: ValidateCommandOptions, resolve: (p: string) => string): SchemaRegistry {
  let registry: SchemaRegistry;
  if (opts.schemas === false) {
    registry = SchemaRegistry.builtinKinds();
  } else if (typeof opts.schemas === 'string') {
    try {
      registry = SchemaRegistry.fromDirectory(resolve(opts.schemas));
    } catch (e) {
      throw new CliError(e instanceof Error ? e.message : String(e));
    }
  } else {
    try {
      // A registry of its own: --crds adds to it.
      registry = SchemaRegistry.fromDirectory(defaultSchemaDir());
    } catch (e) {
      throw new CliError(`bundled schemas missing at ${defaultSchemaDir()} (run "npm run import"): ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  for (const c of opts.crds ?? []) {
    let n: number;
    try {
      n = registry.addCrdPath(resolve(c));
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new CliError(err.code === 'ENOENT' ? `CRD path not found: ${c}` : `cannot load CRDs from ${c}: ${err.message}`);
    }
    if (n === 0) throw new CliError(`no CustomResourceDefinition found in ${c}`);
  }
  return registry;
}

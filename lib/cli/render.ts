/**
 * `cdk8s-platform render <composition> <xr>`: offline `crossplane render` for
 * function-patch-and-transform pipelines (no Docker). Applies the Composition's patch-and-transform
 * steps to the XR and prints the desired XR and the composed resources as YAML, then validates the
 * composed resources (strict schema + CEL) against the bundled managed-resource schemas.
 *
 * - `<composition>`: a YAML file, or a directory (e.g. the synthesized GitOps repo), holding the
 *   Composition; when several compose the XR's type, pick one with `--composition <name>` or the
 *   XR's `spec.crossplane.compositionRef` / `spec.compositionRef`.
 * - `<xr>`: a YAML file with the composite resource (first document).
 * - `--xrd <file>`: the XRD (also found automatically in a `<composition>` directory): its schema
 *   defaults are applied to the XR and the XR is validated against it.
 * - `--observed <file>`: observed composed resources (YAML documents annotated with
 *   `crossplane.io/composition-resource-name`), for ToCompositeFieldPath patches and connection details.
 *
 * Composed resources function-patch-and-transform would leave out on this reconcile (a patch with
 * `policy.fromFieldPath: Required` whose source is absent, for a resource not in `--observed`) are
 * listed on stderr as skipped.
 *
 * Exit 0 when the render is valid, 1 when there are validation issues or a patch fails, 2 on
 * usage / I/O errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import { parseAllDocuments, stringify } from 'yaml';
import { listFiles } from '../core/validation/registry';
import { COMPOSITION_RESOURCE_NAME_ANNOTATION, ObservedResource, renderComposition, RenderError } from '../crossplane/render';
import { applyDefaults, validateWithSchema } from '../crossplane/schema-validation';
import { CliError, type CliContext, type CliIO } from './context';

export interface RenderCommandOptions {
  /** Name of the Composition to use. */
  readonly composition?: string;
  /** XRD file. */
  readonly xrd?: string;
  /** Observed resources file. */
  readonly observed?: string;
  /** Validate the composed resources (default true). */
  readonly validate?: boolean;
}

type Obj = Record<string, any>;

export function registerRender(program: Command, ctx: CliContext): void {
  program
    .command('render')
    .description('render a Crossplane composition (function-patch-and-transform steps) for an XR offline, like `crossplane render` without Docker')
    .argument('<composition>', 'YAML file or directory containing the Composition (and optionally its XRD)')
    .argument('<xr>', 'YAML file with the composite resource')
    .option('--composition <name>', 'name of the Composition to use when several match')
    .option('--xrd <file>', 'the CompositeResourceDefinition (defaults + XR validation)')
    .option('--observed <file>', 'observed composed resources (annotated with crossplane.io/composition-resource-name)')
    .option('--no-validate', 'do not validate the composed resources')
    .action((composition: string, xr: string, opts: { composition?: string; xrd?: string; observed?: string; validate: boolean }) => {
      ctx.exitCode = runRender(composition, xr, { composition: opts.composition, xrd: opts.xrd, observed: opts.observed, validate: opts.validate }, ctx.io);
    });
}

function readDocs(io: CliIO, p: string): Obj[] {
  const abs = path.resolve(io.cwd, p);
  let files: string[];
  try {
    files = fs.statSync(abs).isDirectory() ? listFiles(abs, /\.ya?ml$/i) : [abs];
  } catch {
    throw new CliError(`path not found: ${p}`);
  }
  const docs: Obj[] = [];
  for (const f of files) {
    for (const d of parseAllDocuments(fs.readFileSync(f, 'utf8'))) {
      if (d.errors.length > 0) throw new CliError(`${path.relative(io.cwd, f) || f}: invalid YAML: ${d.errors[0].message.split('\n')[0]}`);
      const js = d.toJS();
      if (js && typeof js === 'object' && !Array.isArray(js)) docs.push(js);
    }
  }
  return docs;
}

/** The command itself, without commander. */
export function runRender(compositionPath: string, xrPath: string, opts: RenderCommandOptions, io: CliIO): number {
  const docs = readDocs(io, compositionPath);
  const xr = readDocs(io, xrPath)[0];
  if (!xr || typeof xr.apiVersion !== 'string' || typeof xr.kind !== 'string') throw new CliError(`${xrPath}: no composite resource (a document with apiVersion and kind)`);

  const wanted = opts.composition ?? xr.spec?.crossplane?.compositionRef?.name ?? xr.spec?.compositionRef?.name;
  const candidates = docs.filter((d) => d.kind === 'Composition' && d.apiVersion?.startsWith('apiextensions.crossplane.io/')
    && d.spec?.compositeTypeRef?.apiVersion === xr.apiVersion && d.spec?.compositeTypeRef?.kind === xr.kind);
  const matching = wanted ? candidates.filter((d) => d.metadata?.name === wanted) : candidates;
  if (matching.length === 0) {
    throw new CliError(`no Composition${wanted ? ` named "${wanted}"` : ''} for ${xr.kind} (${xr.apiVersion}) in ${compositionPath}`);
  }
  if (matching.length > 1) {
    throw new CliError(`several Compositions for ${xr.kind} (${xr.apiVersion}): ${matching.map((d) => d.metadata?.name).join(', ')}; choose one with --composition`);
  }
  const composition = matching[0];

  const [group, version] = xr.apiVersion.split('/');
  const xrdDocs = opts.xrd ? readDocs(io, opts.xrd) : docs;
  const xrd = xrdDocs.find((d) => d.kind === 'CompositeResourceDefinition' && d.spec?.group === group && d.spec?.names?.kind === xr.kind);
  if (opts.xrd && !xrd) throw new CliError(`${opts.xrd}: no CompositeResourceDefinition for ${xr.kind} (${group})`);

  const lines: string[] = [];
  let input: Obj = JSON.parse(JSON.stringify(xr));
  if (xrd) {
    const v = (xrd.spec.versions ?? []).find((x: Obj) => x.name === version);
    if (!v) throw new CliError(`the XRD ${xrd.metadata?.name} has no version ${version}`);
    const legacy = xrd.apiVersion === 'apiextensions.crossplane.io/v1' || xrd.spec.scope === 'LegacyCluster';
    const schema: Obj = JSON.parse(JSON.stringify(v.schema?.openAPIV3Schema ?? { type: 'object' }));
    schema.properties = { ...(schema.properties ?? {}), apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } };
    schema.properties.status = { ...(schema.properties.status ?? { type: 'object' }), 'x-kubernetes-preserve-unknown-fields': true };
    const spec = (schema.properties.spec ??= { type: 'object' });
    // What Crossplane adds to the XR's spec.
    const crossplaneFields = ['crossplane', 'compositionRef', 'compositionSelector', 'compositionRevisionRef', 'compositionRevisionSelector', 'compositionUpdatePolicy', 'claimRef', 'resourceRefs', 'writeConnectionSecretToRef'];
    spec.properties = { ...(spec.properties ?? {}) };
    for (const f of legacy ? crossplaneFields.slice(1) : ['crossplane']) spec.properties[f] ??= { type: f === 'resourceRefs' ? 'array' : 'object', ...(f === 'resourceRefs' ? { items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } : { 'x-kubernetes-preserve-unknown-fields': true }) };
    input = { ...input, spec: applyDefaults(spec, input.spec ?? {}) };
    if (!legacy) input.spec.crossplane ??= { compositionRef: { name: composition.metadata?.name } };
    const scope = xrd.spec.scope === 'Namespaced' || (!legacy && xrd.spec.scope === undefined) ? 'Namespaced' : 'Cluster';
    for (const i of validateWithSchema(schema, xr.apiVersion, xr.kind, scope, input)) lines.push(`${xrPath}: ${i}`);
  } else if (input.metadata?.namespace && input.spec && typeof input.spec === 'object') {
    input.spec.crossplane ??= { compositionRef: { name: composition.metadata?.name } }; // a namespaced XR is a v2 XR
  }

  const observed: Record<string, ObservedResource> = {};
  if (opts.observed) {
    for (const d of readDocs(io, opts.observed)) {
      const name = d.metadata?.annotations?.[COMPOSITION_RESOURCE_NAME_ANNOTATION];
      if (typeof name !== 'string') throw new CliError(`${opts.observed}: ${d.kind}/${d.metadata?.name}: missing annotation ${COMPOSITION_RESOURCE_NAME_ANNOTATION}`);
      observed[name] = { resource: d };
    }
  }

  let result;
  try {
    result = renderComposition(composition, input, { observed, validate: opts.validate !== false });
  } catch (e) {
    if (e instanceof RenderError) {
      io.stderr(`render: ${composition.metadata?.name}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const out = [result.composite, ...result.resources.map((r) => r.object)];
  io.stdout(out.map((o) => `---\n${stringify(o, { version: '1.1' })}`).join(''));
  lines.push(...result.issues);
  for (const s of result.skippedSteps) io.stderr(`render: step "${s}" skipped (only function-patch-and-transform steps are rendered offline)\n`);
  for (const r of result.skippedResources) io.stderr(`render: step "${r.step}": resource "${r.name}" skipped (the composite is not ready until it is composed): ${r.reason}\n`);
  for (const w of result.warnings) io.stderr(`render: warning: ${w}\n`);
  for (const l of lines) io.stderr(`${l}\n`);
  io.stderr(`render: ${composition.metadata?.name}: ${result.resources.length} composed resource${result.resources.length === 1 ? '' : 's'}, ${result.skippedResources.length > 0 ? `${result.skippedResources.length} skipped, ` : ''}${lines.length === 0 ? 'no issues' : `${lines.length} issue${lines.length === 1 ? '' : 's'}`}\n`);
  return lines.length === 0 ? 0 : 1;
}

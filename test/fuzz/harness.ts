// Property-based fuzzing of the L2 constructs (issue #8, item 6).
//
// Each target generates random but type-correct props (valid values mixed with boundary and
// invalid-but-type-correct ones), builds them into a fresh app and synthesizes it in memory. Every
// case must end in one of two ways:
//
// - **valid**: `app.renderToMemory()` succeeds, which validates every object strictly against its
//   CRD schema including CEL rules, plus every reference; on "deep" runs the rendered YAML files
//   are parsed and validated again with a fresh `Validator`, and a second render must give the
//   same bytes (determinism);
// - **a clear error** (see {@link classifyError}): a `PropError` whose message is
//   `<construct path>: prop "<prop>": <rule>`, naming a construct of the app (or one a static
//   factory such as `CrossplaneProvider.upjetAzure(scope, id)` was about to create); or a `SynthError`
//   whose every problem starts with the path of a construct of the app and is a construct's own
//   problem (`<path>: prop "<prop>": <rule>`: late validations and unresolved references), a
//   duplicate object, a secret-hygiene finding (plaintext Secret, credential-looking value), or a
//   kro graph problem (`<path>: ResourceGraphDefinition "<name>": resource "<id>": ...`), or a
//   construct's check of another object of the app (`<path>: <object path>: <Kind>/<ns>/<name>: <field>: ...`).
//
// Anything else is a **failure**: a TypeError or other exception, a message without a construct
// path (or naming a construct that does not exist), a rule reading "undefined", "NaN" or
// "[object Object]", and in particular a schema or CEL violation at synth: the constructor
// accepted props whose output the API server would reject.
import * as fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { Folder, GitOpsApp, PropError, Repo, SynthError } from '../../lib';
import { Validator } from '../../lib/core/validation';

/** What a target builds into: a fresh app, repo `platform` (with a url), folder `fuzz` (namespace `apps`). */
export interface FuzzContext {
  readonly app: GitOpsApp;
  readonly repo: Repo;
  readonly folder: Folder;
}

/** A construct under fuzz: an arbitrary of plain-data specs and how to build one. */
export interface FuzzTarget<S = any> {
  /** The construct (and the scenario, when a construct has several). */
  readonly name: string;
  /** Its family (`flux`, `aso`, `capi`, `crossplane`, `argocd`, `kro`, `gitops`, `sealing`). */
  readonly family: string;
  /** Random specs: plain data (printable counterexamples). */
  readonly arbitrary: fc.Arbitrary<S>;
  /** Builds the spec into the context. */
  readonly build: (ctx: FuzzContext, spec: S) => void;
}

/** Declares a target (keeps the spec type between the arbitrary and the build function). */
export function target<S>(t: FuzzTarget<S>): FuzzTarget<S> {
  return t;
}

/** The outcome of one case. */
export type Verdict =
  | { readonly kind: 'valid'; readonly objects: number }
  | { readonly kind: 'clear'; readonly stage: 'construct' | 'synth'; readonly message: string }
  | { readonly kind: 'failure'; readonly reason: string; readonly message: string };

/** A fresh context. */
export function newFuzzContext(): FuzzContext {
  const app = new GitOpsApp({ outdir: '/nonexistent/cdk8s-platform-fuzz', printBaselineReport: false });
  const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
  const folder = repo.folder('fuzz', { namespace: 'apps' });
  return { app, repo, folder };
}

/**
 * A PropError message: `<construct path>: prop "<prop>": <rule>`. A component's patch checked
 * against an overlay that includes it names that overlay: `prop "<prop>" (in overlay "<path>"): <rule>`.
 */
export const PROP_ERROR_FORMAT = /^[^:]+: prop "[^"]+"(?: \(in overlay "[^"]+"\))?: .+/s;
/** Words that make a rule unclear: values that were never meant to be shown. */
const UNCLEAR_WORDS = /\bundefined\b|\bNaN\b|\[object Object\]/;

/** Construct paths of the app (what a clear message must start with). */
function constructPaths(app: GitOpsApp): Set<string> {
  return new Set(app.node.findAll().map((c) => c.node.path));
}

/** The construct path a problem starts with (`<path>: ...` or `<path> (<file>): ...`), if any. */
function leadingPath(problem: string, paths: Set<string>): string | undefined {
  const m = /^([^:()]+?)(?: \([^)]*\))?: /.exec(problem);
  return m && paths.has(m[1]) ? m[1] : undefined;
}

/** Why a SynthError problem is not clear (undefined when it is clear). */
export function unclearProblem(problem: string, paths: Set<string>): string | undefined {
  const p = leadingPath(problem, paths);
  if (!p) return 'problem does not start with the path of a construct of the app';
  const rest = problem.slice(problem.indexOf(': ') + 2);
  if (rest.startsWith('prop "')) {
    if (!PROP_ERROR_FORMAT.test(problem)) return 'malformed prop problem';
    if (UNCLEAR_WORDS.test(rest)) return 'rule shows undefined/NaN/[object Object]';
    return undefined;
  }
  if (/^[A-Za-z]+\/\S+ is defined twice /.test(rest)) return undefined;
  if (/^[A-Za-z]+\/\S+: plaintext Secret in Git \(/.test(rest)) return undefined;
  // An engine limit the construct cannot know (its file name in the folder): clear, names the fix.
  if (/^[A-Za-z]+\/\S+: metadata\.name: the file name would be \d+ bytes .*; shorten metadata\.name to at most \d+ characters$/.test(rest)) return undefined;
  if (/^[A-Za-z]+\/\S+: \S+: looks like /.test(rest)) return undefined;
  // A construct's late check of another object of the app (a Tenant checking the objects its repo
  // applies): `<path>: <object's construct path>: <Kind>/<ns>/<name>: <field>: <rule>`.
  const inner = /^([^:\s]+): [A-Za-z]+\/\S+: [^:]+: /.exec(rest);
  if (inner && paths.has(inner[1]) && !UNCLEAR_WORDS.test(rest)) return undefined;
  // The late check of a kro graph's expressions and dependencies (ResourceGraphDefinition.check()).
  if (/^ResourceGraphDefinition "[^"]+": (resource "[^"]+"|status field "[^"]+"|resources depend on each other)/.test(rest) && !UNCLEAR_WORDS.test(rest)) return undefined;
  // An overlay's patched object, validated at synth (patch fields are user data checked against the
  // target's schema once merged): `<overlay> (patches[i] of <target>): <Kind>/<ns>/<name>: <field>: <rule>`.
  if (/^[^:()]+? \([^)]*patches\[\d+\] of [^)]+\): [A-Za-z]+\/\S+: [^:]+: /.test(problem) && !UNCLEAR_WORDS.test(rest)) return undefined;
  // A Flux Kustomization whose path (or component) is not in the app repo its source fetches: what
  // the repo holds is known only once the app is complete (the apply-order model's late check).
  if (/^Kustomization \S+: spec\.(?:path|components\[\d+\]) "[^"]*"(?::| is a file)/.test(rest) && /kustomize-controller/.test(rest) && !UNCLEAR_WORDS.test(rest)) return undefined;
  if (/^[A-Za-z<][^:]*: .+?: /.test(rest)) return 'schema/CEL violation: the construct accepted props whose output is invalid';
  return 'unrecognized problem';
}

/** Classifies an exception thrown while building or synthesizing. */
export function classifyError(error: unknown, stage: 'construct' | 'synth', app: GitOpsApp): Verdict {
  const message = error instanceof Error ? error.message : String(error);
  const paths = constructPaths(app);
  if (error instanceof SynthError) {
    const bad = error.problems.map((p) => [p, unclearProblem(p, paths)] as const).filter(([, why]) => why !== undefined);
    if (error.problems.length === 0) return { kind: 'failure', reason: 'SynthError without problems', message };
    if (bad.length > 0) return { kind: 'failure', reason: `${bad[0][1]}`, message: bad.map(([p]) => p).join('\n') };
    return { kind: 'clear', stage: 'synth', message };
  }
  if (error instanceof PropError) {
    if (!PROP_ERROR_FORMAT.test(message)) return { kind: 'failure', reason: 'PropError message not in the form <path>: prop "<prop>": <rule>', message };
    // The construct named exists, or is about to be created by a static factory (its scope exists).
    const parent = error.constructPath.slice(0, Math.max(0, error.constructPath.lastIndexOf('/')));
    if (!paths.has(error.constructPath) && !paths.has(parent)) {
      return { kind: 'failure', reason: `PropError names "${error.constructPath}", not a construct of the app`, message };
    }
    if (UNCLEAR_WORDS.test(error.rule)) return { kind: 'failure', reason: 'rule shows undefined/NaN/[object Object]', message };
    return { kind: 'clear', stage, message };
  }
  const name = error instanceof Error ? error.constructor.name : typeof error;
  return { kind: 'failure', reason: `${name} (not a PropError or SynthError) at ${stage}`, message };
}

/** Every object of every rendered file (kustomization.yaml files excluded), with its file. */
export function renderedObjects(files: Map<string, Map<string, string>>): Array<{ obj: any; file: string }> {
  const out: Array<{ obj: any; file: string }> = [];
  for (const [repo, tree] of files) {
    for (const [file, text] of tree) {
      if (file.endsWith('kustomization.yaml')) continue;
      parseAllDocuments(text).forEach((d, i) => out.push({ obj: d.toJS(), file: `${repo}/${file}#${i}` }));
    }
  }
  return out;
}

let validator: Validator | undefined;

/**
 * A copy of a spec made of ordinary objects: fast-check builds some records with a null prototype
 * (`Object.create(null)`), which cdk8s cannot serialize (a known cdk8s limitation, not what is
 * fuzzed here: user props are object literals).
 */
export function plain<T>(v: T): T {
  if (Array.isArray(v)) return v.map(plain) as unknown as T;
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = plain(x);
    return out as T;
  }
  return v;
}

/**
 * Runs one case: builds `spec`, renders the app in memory, classifies the outcome. `deep` also
 * re-validates the rendered YAML with a fresh Validator and checks that a second render gives the
 * same bytes.
 */
export function evaluate<S>(t: FuzzTarget<S>, spec: S, deep = false): Verdict {
  const ctx = newFuzzContext();
  try {
    t.build(ctx, plain(spec));
  } catch (e) {
    return classifyError(e, 'construct', ctx.app);
  }
  let files: Map<string, Map<string, string>>;
  try {
    files = ctx.app.renderToMemory();
  } catch (e) {
    return classifyError(e, 'synth', ctx.app);
  }
  const objects = renderedObjects(files);
  if (deep) {
    validator ??= new Validator();
    const issues = validator.validate(objects.map((o) => ({ obj: o.obj, file: o.file })));
    if (issues.length > 0) return { kind: 'failure', reason: 'rendered YAML fails re-validation', message: issues.map((i) => i.message).join('\n') };
    let again: Map<string, Map<string, string>>;
    try {
      again = ctx.app.renderToMemory();
    } catch (e) {
      return { kind: 'failure', reason: 'second render failed', message: (e as Error).message };
    }
    const flat = (m: Map<string, Map<string, string>>) => JSON.stringify([...m].map(([r, t]) => [r, [...t]]));
    if (flat(again) !== flat(files)) return { kind: 'failure', reason: 'two renders of one app differ (not deterministic)', message: '' };
  }
  return { kind: 'valid', objects: objects.length };
}

/** A known finding: a construct bug the fuzz found, with its exact counterexample (see known-findings.ts). */
export interface KnownFinding {
  /** Short id. */
  readonly id: string;
  /** The targets it shows up in (`*`: any). */
  readonly targets: readonly string[];
  /** What is wrong. */
  readonly description: string;
  /** The exact spec that shows it, and its target (evaluated by the test: it must still fail this way). */
  readonly counterexample: { readonly target: string; readonly spec: unknown };
  /** Matches the failure message of this finding (also for other specs that hit it). */
  readonly message: RegExp;
}

/** The known finding a failure is, if any. */
export function knownFindingOf(findings: readonly KnownFinding[], targetName: string, v: Verdict): KnownFinding | undefined {
  if (v.kind !== 'failure') return undefined;
  return findings.find((f) => (f.targets.includes(targetName) || f.targets.includes('*')) && f.message.test(v.message));
}

/** What a clear error is about: its prop, or the kind of synth problem. */
function clearKey(message: string): string {
  const first = message.startsWith('synth failed') ? message.split('\n')[1]?.trim() ?? '' : message;
  const prop = /: prop "([^"]+)"(?: \(in overlay "[^"]+"\))?: /.exec(first)?.[1];
  if (prop) return `${message.startsWith('synth failed') ? 'synth ' : ''}${prop.replace(/\[\d+\]/g, '[]')}`;
  if (/ is defined twice /.test(first)) return 'synth duplicate object';
  if (/plaintext Secret|: looks like /.test(first)) return 'synth secret hygiene';
  if (/: ResourceGraphDefinition "[^"]+": /.test(first)) return 'synth kro expression';
  if (/^[^:\s]+: [^:\s]+: [A-Za-z]+\/\S+: /.test(first)) return 'synth check of another object';
  return 'other';
}

/** Figures of a run over one target. */
export interface TargetStats {
  readonly target: string;
  runs: number;
  valid: number;
  clear: number;
  known: number;
  failures: number;
  ms: number;
  /** Clear errors by prop (`prop "x"` of the message, or the kind of synth problem). */
  clearBy: Record<string, number>;
  /** The first failure: spec, verdict and the seed/path to replay it. */
  firstFailure?: { spec: unknown; verdict: Verdict; seed: number; path?: string };
}

/**
 * Runs `numRuns` cases of a target with fast-check (shrinking a failure to a small
 * counterexample), collecting figures. Every 5th case is deep (see {@link evaluate}). Known
 * findings count as `known`, not failures. Shrinking runs are not counted.
 */
export function fuzzTarget(t: FuzzTarget, opts: { numRuns: number; seed: number; findings: readonly KnownFinding[] }): TargetStats {
  const stats: TargetStats = { target: t.name, runs: 0, valid: 0, clear: 0, known: 0, failures: 0, ms: 0, clearBy: {} };
  const start = Date.now();
  let shrinking = false;
  const result = fc.check(
    fc.property(t.arbitrary, (spec) => {
      const v = evaluate(t, spec, !shrinking && stats.runs % 5 === 0);
      const known = knownFindingOf(opts.findings, t.name, v);
      if (!shrinking) {
        stats.runs++;
        if (v.kind === 'valid') stats.valid++;
        else if (v.kind === 'clear') {
          stats.clear++;
          const key = clearKey(v.message);
          stats.clearBy[key] = (stats.clearBy[key] ?? 0) + 1;
        } else if (known) stats.known++;
        else stats.failures++;
      }
      if (v.kind === 'failure' && !known) {
        shrinking = true;
        return false;
      }
      return true;
    }),
    { numRuns: opts.numRuns, seed: opts.seed },
  );
  if (result.failed && result.counterexample) {
    const spec = result.counterexample[0];
    stats.firstFailure = { spec, verdict: evaluate(t, spec, true), seed: result.seed, path: result.counterexamplePath ?? undefined };
  }
  stats.ms = Date.now() - start;
  return stats;
}

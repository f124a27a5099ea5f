// The bad-input corpus: every case builds an app whose outdir is a fresh temporary directory,
// must fail with one error naming the construct path, the prop (or field) and the rule, and must
// leave the output directory exactly as it was (nonexistent, or the tree of an earlier synth).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Folder, GitOpsApp, PropError, Repo, SynthError } from '../../lib';

/** What a case builds into: a fresh app (outdir not created yet), repo `platform`, folder `apps`. */
export interface CorpusContext {
  readonly app: GitOpsApp;
  /** Repo `platform` (url https://github.com/contoso/platform). */
  readonly repo: Repo;
  /** Folder `apps` (namespace `apps`): construct paths are `platform/apps/<id>`. */
  readonly folder: Folder;
  /** The app's outdir. */
  readonly outdir: string;
}

/** The kinds of bad input the corpus covers (issue #8, item 5). */
export type CorpusCategory =
  | 'names'
  | 'versions'
  | 'urls'
  | 'cidrs'
  | 'pools'
  | 'counts'
  | 'azure-naming'
  | 'paths'
  | 'durations'
  | 'cycles'
  | 'duplicates'
  | 'cross-namespace'
  | 'inline-secrets'
  | 'missing-references'
  | 'protected-deletions'
  | 'apply-order'
  | 'combinations';

/** One bad input. */
export interface CorpusCase {
  /** Unique id (`<family>-<what>`). */
  readonly id: string;
  /** What is wrong, in words. */
  readonly title: string;
  readonly category: CorpusCategory;
  /**
   * Where it fails: `construct` (the constructor or an `addX()` call throws a `PropError`, before
   * anything renders) or `synth` (`app.synth()` throws a `SynthError` before writing).
   */
  readonly stage: 'construct' | 'synth';
  /** The construct path the error must start with. */
  readonly path: string;
  /** The prop the error names (`prop "<prop>"`), or for engine problems the field/object named. */
  readonly prop: string;
  /** The rule: for prop errors, the exact text after `prop "<prop>": `; else a substring of `message`. */
  readonly rule: string;
  /**
   * The exact message (or SynthError problem) when it is not `<path>: prop "<prop>": <rule>`
   * (engine problems: duplicates, plaintext Secrets, schema violations, protected deletions).
   */
  readonly message?: string;
  /**
   * Other problems the same SynthError lists (exact), besides the expected one.
   * @default none: the expected problem is the only one
   */
  readonly alsoProblems?: readonly string[];
  /**
   * The constructor error is a plain `Error` (in the prop-error format) rather than a `PropError`.
   * Only for engine constructs that predate `PropError`; listed in the report.
   */
  readonly plainError?: boolean;
  /** Builds the bad app. */
  readonly build: (ctx: CorpusContext) => void;
  /** An earlier, valid synth into the same outdir (protected deletions and renames). */
  readonly before?: (ctx: CorpusContext) => void;
}

/** The exact message a case expects. */
export function expectedMessage(c: CorpusCase): string {
  return c.message ?? `${c.path}: prop "${c.prop}": ${c.rule}`;
}

/** A fresh context in `outdir`. */
export function newContext(outdir: string): CorpusContext {
  const app = new GitOpsApp({ outdir, printBaselineReport: false });
  const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
  const folder = repo.folder('apps', { namespace: 'apps' });
  return { app, repo, folder, outdir };
}

/** Every file (with its content) and directory (`<path>/`) under `dir`; undefined when `dir` does not exist. */
export function snapshot(dir: string): Record<string, string> | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        out[`${path.relative(dir, p)}/`] = '';
        walk(p);
      }
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** What running a case produced. */
export interface CaseOutcome {
  readonly stage: 'construct' | 'synth' | 'none';
  readonly error?: unknown;
  /** The message (PropError) or problems (SynthError). */
  readonly messages: readonly string[];
  /** The output directory before and after the failing step. */
  readonly before: Record<string, string> | undefined;
  readonly after: Record<string, string> | undefined;
}

/** Runs a case in a fresh temporary outdir (removed afterwards). */
export function runCase(c: CorpusCase): CaseOutcome {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-'));
  const outdir = path.join(tmp, 'out');
  try {
    if (c.before) {
      const ctx = newContext(outdir);
      c.before(ctx);
      ctx.app.synth();
    }
    const before = snapshot(outdir);
    const ctx = newContext(outdir);
    try {
      c.build(ctx);
    } catch (error) {
      return { stage: 'construct', error, messages: [(error as Error).message], before, after: snapshot(outdir) };
    }
    try {
      ctx.app.synth();
    } catch (error) {
      const problems = error instanceof SynthError ? [...error.problems] : [(error as Error).message];
      return { stage: 'synth', error, messages: problems, before, after: snapshot(outdir) };
    }
    return { stage: 'none', messages: [], before, after: snapshot(outdir) };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Asserts a case fails as described, writing nothing. */
export function expectCaseFails(c: CorpusCase): void {
  const out = runCase(c);
  const expected = expectedMessage(c);
  // Describes the outcome when it is not what the case expects.
  if (out.stage !== c.stage) {
    throw new Error(`${c.id}: expected a ${c.stage} failure, got ${out.stage === 'none' ? 'no error' : `a ${out.stage} failure`}:\n${out.messages.join('\n')}`);
  }
  if (c.stage === 'construct') {
    if (c.plainError) {
      expect(out.error).toBeInstanceOf(Error);
    } else {
      expect(out.error).toBeInstanceOf(PropError);
      const e = out.error as PropError;
      expect({ constructPath: e.constructPath, prop: e.prop, rule: e.rule }).toEqual({ constructPath: c.path, prop: c.prop, rule: c.rule });
    }
    expect(out.messages[0]).toBe(expected);
  } else {
    expect(out.error).toBeInstanceOf(SynthError);
    expect([...(out.error as SynthError).problems].sort()).toEqual([expected, ...(c.alsoProblems ?? [])].sort());
    // The SynthError message lists every problem and says nothing was written.
    expect((out.error as Error).message).toContain('nothing was written');
  }
  // The message names the construct path, the prop (or field) and the rule.
  expect(expected.startsWith(`${c.path}: `) || expected.startsWith(`${c.path} (`)).toBe(true);
  expect(expected).toContain(c.prop);
  expect(expected).toContain(c.rule);
  // Nothing was written: the outdir holds exactly what it held before (for single-synth cases:
  // nothing, not even a directory; a failed synth may leave the outdir itself, empty).
  expect(out.after ?? {}).toEqual(out.before ?? {});
  if (c.stage === 'construct') expect(out.after).toEqual(out.before);
}

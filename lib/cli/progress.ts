/**
 * The CLI's progress display: renders the {@link StageEvent}s of a run (lib/core/progress.ts) on
 * stderr, for `synth`, `plan`, `synth --check`, `validate` and `graph`.
 *
 * - On a terminal (stderr is a TTY): the running stage is one line redrawn in place
 *   (`validate: validating…`), and each finished stage leaves one line with its
 *   counts and time (`validate: read 659 files, 3,112 objects in 3 repos (0.4s)`).
 * - Not on a terminal (CI logs, pipes, tests): nothing per stage, so logs stay short and stable.
 * - In both cases the command prints one final line saying what was done
 *   (`validate: 3,112 documents in 659 files: no issues (…)`); {@link ProgressRenderer.summary}
 *   builds one from the stages seen, for commands that have no better one.
 *
 * A command that drives the stages itself wraps each one in {@link ProgressRenderer.stage}; a
 * command whose stages run elsewhere (the app process of `synth`) passes the events it receives to
 * {@link ProgressRenderer.listener}.
 */
import type { ProgressListener, StageCounts, StageEvent, SynthStage } from '../core/progress';

/** Options of a {@link ProgressRenderer}. */
export interface ProgressOptions {
  /** Command name, the prefix of every line (`validate`). */
  readonly command: string;
  /** Where lines go (stderr). */
  readonly write: (text: string) => void;
  /**
   * Whether stage lines are shown (a terminal).
   * @default process.stderr.isTTY
   */
  readonly interactive?: boolean;
  /**
   * Milliseconds clock.
   * @default Date.now
   */
  readonly clock?: () => number;
}

const RUNNING: Record<SynthStage, string> = {
  collect: 'collecting objects',
  render: 'rendering',
  check: 'checking',
  guard: 'comparing with the committed tree',
  write: 'writing',
  compare: 'comparing with the output directory',
  read: 'reading',
  plan: 'planning',
  validate: 'validating',
};

const DONE: Record<SynthStage, string> = {
  collect: 'collected',
  render: 'rendered',
  check: 'checked',
  guard: 'compared with the committed tree',
  write: 'wrote',
  compare: 'compared with the output directory',
  read: 'read',
  plan: 'planned',
  validate: 'validated',
};

function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/**
 * Counts as words: `659 files, 3,112 objects in 3 repos, 2 changed, 1 problem` (only the counts
 * present; empty when none).
 */
export function formatCounts(counts: StageCounts = {}): string {
  const parts: string[] = [];
  if (counts.files !== undefined) parts.push(count(counts.files, 'file', 'files'));
  if (counts.objects !== undefined) parts.push(count(counts.objects, 'object', 'objects'));
  let text = parts.join(', ');
  if (counts.repos !== undefined) text = text ? `${text} in ${count(counts.repos, 'repo', 'repos')}` : count(counts.repos, 'repo', 'repos');
  const more: string[] = [];
  if (counts.changed !== undefined) more.push(`${counts.changed.toLocaleString('en-US')} changed`);
  if (counts.problems !== undefined) more.push(count(counts.problems, 'problem', 'problems'));
  return [text, ...more].filter((t) => t !== '').join(', ');
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;
}

/** One line for a finished stage: `read 659 files, 3,112 objects in 3 repos (0.4s)`. */
export function formatStage(event: StageEvent): string {
  const counts = formatCounts(event.counts);
  return `${DONE[event.stage]}${counts ? ` ${counts}` : ''}${event.ms !== undefined ? ` (${seconds(event.ms)})` : ''}`;
}

/** Renders stage events (see the module comment). */
export class ProgressRenderer {
  /** Pass events here (e.g. the ones an app process reports). */
  public readonly listener: ProgressListener;
  private readonly interactive: boolean;
  private readonly clock: () => number;
  private readonly started = new Map<SynthStage, number>();
  private readonly ended: StageEvent[] = [];
  private live = false;

  public constructor(private readonly opts: ProgressOptions) {
    this.interactive = opts.interactive ?? Boolean(process.stderr.isTTY);
    this.clock = opts.clock ?? Date.now;
    this.listener = (e) => this.onEvent(e);
  }

  /** Stages that ended, in order. */
  public get stages(): readonly StageEvent[] {
    return this.ended;
  }

  /**
   * Runs `fn` as `stage`: a start event, then an end event with the counts `counts` derives from
   * the result (and the time taken). An exception ends the stage without a line.
   */
  public stage<T>(stage: SynthStage, fn: () => T, counts?: (result: T) => StageCounts): T {
    this.listener({ stage, state: 'start' });
    let result: T;
    try {
      result = fn();
    } catch (e) {
      this.clear();
      throw e;
    }
    this.listener({ stage, state: 'end', counts: counts?.(result) });
    return result;
  }

  /** {@link stage} for an asynchronous `fn`. */
  public async stageAsync<T>(stage: SynthStage, fn: () => Promise<T>, counts?: (result: T) => StageCounts): Promise<T> {
    this.listener({ stage, state: 'start' });
    let result: T;
    try {
      result = await fn();
    } catch (e) {
      this.clear();
      throw e;
    }
    this.listener({ stage, state: 'end', counts: counts?.(result) });
    return result;
  }

  /** `read 659 files, 3,112 objects; validated 3,112 objects` — what the stages did, for a final line. */
  public summary(): string {
    return this.ended.map((e) => formatStage({ ...e, ms: undefined })).join('; ');
  }

  /** Removes the live line, if any (call before printing other output). */
  public clear(): void {
    if (this.live) this.opts.write('\r\x1b[K');
    this.live = false;
  }

  private onEvent(e: StageEvent): void {
    if (e.state === 'start') {
      this.started.set(e.stage, this.clock());
      if (!this.interactive) return;
      this.clear();
      this.opts.write(`${this.opts.command}: ${RUNNING[e.stage]}…`);
      this.live = true;
      return;
    }
    const start = this.started.get(e.stage);
    const ended: StageEvent = { ...e, ms: e.ms ?? (start !== undefined ? this.clock() - start : undefined) };
    this.ended.push(ended);
    if (!this.interactive) return;
    this.clear();
    this.opts.write(`${this.opts.command}: ${formatStage(ended)}\n`);
  }
}

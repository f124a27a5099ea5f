/**
 * The typed values passed between the stages of a synth (collect → render → check → guard →
 * write; plan instead of write in plan mode). See lib/gitops/pipeline/index.ts.
 */
import type { ApiObject } from 'cdk8s';
import type { StageCounts, ProgressListener, SynthStage } from '../../core/progress';
import type { ObjectRef, WorkloadRef } from '../../core/references';
import type { BaselineEntry } from '../../safety/baseline-report';
import type { Folder } from '../folder';
import type { KubeObject } from '../layout';
import type { Repo } from '../repo';

/** All problems found during synth, reported at once. */
export class SynthError extends Error {
  public constructor(public readonly problems: readonly string[]) {
    super(`synth failed with ${problems.length} problem(s); nothing was written:\n  ${problems.join('\n  ')}`);
    this.name = 'SynthError';
  }
}

/** One object placed in the tree. */
export interface PlacedObject {
  /** Canonical JSON of the object, as written. */
  readonly obj: KubeObject;
  /** Construct path of the ApiObject that produced it. */
  readonly constructPath: string;
  /** Repo it is written to. */
  readonly repo: Repo;
  /** Folder it is written to. */
  readonly folder: Folder;
  /** Path of its file, relative to the repo root. */
  readonly file: string;
}

/** Output of the collect stage: the app's structure, worked out once per synth. */
export interface FolderGroups {
  /** Repos sorted by dir, each with its folders sorted by path. */
  readonly repos: ReadonlyArray<{ readonly repo: Repo; readonly folders: readonly Folder[] }>;
  readonly byFolder: Map<Folder, ApiObject[]>;
  readonly objectCount: number;
  /** Each folder's direct sub-folders (that write a kustomization.yaml), relative paths. */
  readonly children: Map<Folder, string[]>;
  /** The same sub-folders, as folders. */
  readonly childFolders: Map<Folder, Folder[]>;
  /** The cluster each folder's objects are applied to ('' = the repo's own). */
  readonly clusters: Map<Folder, string>;
  /** References recorded by constructs, with the folder they sit in. */
  readonly references: Array<{ path: string; folder: Folder; prop: string; target: () => ObjectRef }>;
  /** Objects declared as existing outside the output, with the folder they were declared in. */
  readonly provided: Array<{ folder: Folder; target: () => ObjectRef }>;
  /** The secure-baseline report, from the same walk of the tree. */
  readonly optOuts: BaselineEntry[];
}

/** A WorkloadRef with where it was found. */
export interface PlacedWorkloadRef extends WorkloadRef {
  readonly path: string;
  readonly cluster: string;
  readonly object: string;
}

/** Receives the rendered files of one repo. */
export interface RepoSink {
  /** An object, serialized as YAML by the sink; `constructPath` is the ApiObject's. */
  addObject(rel: string, obj: KubeObject, constructPath: string): void;
  /** A file with ready content. */
  add(rel: string, content: string): void;
}

/** Reports stage events to an optional listener. */
export class StageReporter {
  public constructor(private readonly listener?: ProgressListener) {}

  /**
   * Runs `fn` as stage `stage`: a start event, then an end event with the counts `counts` reads
   * from its result (and the directories `dirs` reads, for a stage that writes).
   */
  public run<T>(stage: SynthStage, fn: () => T, counts?: (result: T) => StageCounts, dirs?: (result: T) => readonly string[]): T {
    if (!this.listener) return fn();
    this.listener({ stage, state: 'start' });
    const t0 = performance.now();
    let result: T;
    try {
      result = fn();
    } catch (e) {
      if (e instanceof SynthError) this.listener({ stage, state: 'end', ms: Math.round(performance.now() - t0), counts: { problems: e.problems.length } });
      throw e;
    }
    const written = dirs?.(result);
    this.listener({ stage, state: 'end', ms: Math.round(performance.now() - t0), counts: counts?.(result), ...(written ? { dirs: written } : {}) });
    return result;
  }
}

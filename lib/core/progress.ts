/**
 * Progress of a synth, plan, check or validate run, reported stage by stage (collect → render →
 * check → guard → write; compare for `synth --check`; read / plan / validate for the commands that read a tree). The CLI
 * renders these events; apps and tests may listen too.
 */
export type SynthStage = 'collect' | 'render' | 'check' | 'guard' | 'write' | 'compare' | 'read' | 'plan' | 'validate';

/** Counts a stage reports when it ends (only what it knows). */
export interface StageCounts {
  /** Kubernetes objects. */
  readonly objects?: number;
  /** Files. */
  readonly files?: number;
  /** Repos. */
  readonly repos?: number;
  /** Files written or changed. */
  readonly changed?: number;
  /** Problems found. */
  readonly problems?: number;
}

/** One progress event. */
export interface StageEvent {
  /** The stage. */
  readonly stage: SynthStage;
  /** Whether it starts or ends. */
  readonly state: 'start' | 'end';
  /** What the stage handled (on `end`). */
  readonly counts?: StageCounts;
  /** Milliseconds the stage took (on `end`). */
  readonly ms?: number;
  /** The directories the stage wrote (on the `end` of `write`: each repo's, absolute). */
  readonly dirs?: readonly string[];
}

/** Receives progress events. */
export type ProgressListener = (event: StageEvent) => void;

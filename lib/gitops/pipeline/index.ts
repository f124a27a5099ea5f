// Synth as a pipeline of stages, each a module with typed input and output; GitOpsApp wires them.
//   collect (collect.ts) → render (render.ts) → check (render.ts checkApp, check.ts) → guard (guard.ts) → write (write.ts)
//   plan mode: collect → render → check → read → guard → plan (plan.ts)
// Every stage reports StageEvents (lib/core/progress.ts) to the session's ProgressListener.
export * from './session';
export { SynthError, type PlacedObject } from './types';
export { reportSynthFailure } from './report';

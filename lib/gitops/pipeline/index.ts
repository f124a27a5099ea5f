// Synth as a pipeline of stages, each a module with typed input and output; GitOpsApp wires them.
//   collect (collect.ts) → render (render.ts) → check (render.ts checkApp, check.ts) → guard (guard.ts) → write (write.ts)
//   plan mode: collect → render → check → read → guard → plan (plan.ts)
// Every stage reports StageEvents (lib/core/progress.ts) to the session's ProgressListener.
// Public: the synth session (how the CLI, a script or a test tells `app.synth()` what to do).
export * from './session';

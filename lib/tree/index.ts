// The output tree: the ownership manifest and reading synthesized repo trees (one module for
// synth, `synth --check`, `plan`, `graph` and `validate`).
export * from './manifest';
export * from './read';
export * from './baseline';

#!/usr/bin/env node
// Entry point of the `cdk8s-platform` CLI. The library is written in TypeScript and run with tsx
// (no build step in development); tsx's CommonJS hook is registered before the CLI module loads.
'use strict';
require('tsx/cjs');
require('../lib/cli/main.ts').main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`cdk8s-platform: ${err && err.message ? err.message : err}\n`); process.exitCode = 2; },
);

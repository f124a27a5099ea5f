#!/usr/bin/env node
// Entry point of the `cdk8s-platform` CLI.
// - In the published package, the compiled CLI (build/lib/cli/main.js) runs: no TypeScript at runtime.
// - In a checkout of the source repo (lib/cli/main.ts present), the TypeScript sources run through
//   tsx's CommonJS hook, so development needs no build step (a stale build/ is never used).
'use strict';
const fs = require('fs');
const path = require('path');

const source = path.join(__dirname, '..', 'lib', 'cli', 'main.ts');
let cli;
if (fs.existsSync(source)) {
  require('tsx/cjs');
  cli = require(source);
} else {
  cli = require('../build/lib/cli/main.js');
}
cli.main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`cdk8s-platform: ${err && err.message ? err.message : err}\n`); process.exitCode = 2; },
);

// Helpers of the newcomer-experience tests.
import { spawnSync, type SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const BIN = path.join(ROOT, 'bin', 'cdk8s-platform.js');
export const TSX = require.resolve('tsx/cli', { paths: [ROOT] });

/** A fresh directory under the git-ignored .tmp/ (inside the project, so apps resolve its node_modules). */
export function workDir(prefix: string): string {
  fs.mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
  return fs.mkdtempSync(path.join(ROOT, '.tmp', `${prefix}-`));
}

/** Runs the CLI from the sources (bin/cdk8s-platform.js). */
export function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
}

/** Parses Mermaid diagrams with mermaid's parser (in a child node: mermaid is ESM-only). */
export function mermaidParse(diagrams: string[]): Array<{ ok: boolean; type?: string; error?: string }> {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'mermaid-parse.mjs')], {
    cwd: ROOT,
    input: JSON.stringify(diagrams),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`mermaid parser failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Writes `files` (path → content) under `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [f, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), content);
  }
}

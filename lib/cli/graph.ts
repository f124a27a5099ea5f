/**
 * `cdk8s-platform graph [dir]`: a picture of the platform. Reads a synthesized tree (any YAML tree:
 * by default the cdk8s.yaml `output`, else `dist`), finds its repos (directories holding the
 * `.cdk8s-platform.json` ownership manifest; else the directory itself) and draws one Mermaid
 * flowchart per repo (see lib/graph). Prints Markdown (`--format md`, default) or bare Mermaid
 * (`--format mermaid`); `--write` keeps the section in each repo's README.md up to date (text outside
 * the section's marker comments is left alone). Exit 0, or 2 on usage / I/O errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import { buildGraph, graphSection, readTrees, toMermaid, updateReadme, type MermaidOptions } from '../graph';
import { CliError, type CliContext, type CliIO } from './context';
import { readConfig } from './synth';

export interface GraphCommandOptions extends MermaidOptions {
  /** `md` (default) or `mermaid`. */
  readonly format?: string;
  /** Update README.md at the root of each repo. */
  readonly write?: boolean;
}

export function registerGraph(program: Command, ctx: CliContext): void {
  program
    .command('graph')
    .description('draw the platform (clusters, Flux chains, tenants, ASO owners, Crossplane APIs) as Mermaid, one diagram per repo')
    .argument('[dir]', 'synthesized tree (default: cdk8s.yaml output, else dist)')
    .option('--format <format>', 'md (Markdown with a mermaid block per repo) or mermaid', 'md')
    .option('--write', "write the diagram into each repo's README.md (between marker comments)")
    .option('--summary', 'always summarize by environment')
    .option('--max-clusters <n>', 'summarize above this many clusters (default 12)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new CliError(`--max-clusters: "${v}" is not a non-negative integer`);
      return n;
    })
    .action((dir: string | undefined, opts: GraphCommandOptions) => {
      ctx.exitCode = runGraph(dir, opts, ctx.io);
    });
}

/** The command itself, without commander. */
export function runGraph(dir: string | undefined, opts: GraphCommandOptions, io: CliIO): number {
  const format = opts.format ?? 'md';
  if (format !== 'md' && format !== 'mermaid') throw new CliError(`--format: "${format}" is not one of md, mermaid`);
  const root = path.resolve(io.cwd, dir ?? readConfig(io.cwd).output ?? 'dist');
  if (!fs.existsSync(root)) throw new CliError(`no synthesized tree at ${root} (run "cdk8s-platform synth" first, or pass a directory)`);
  let trees;
  try {
    trees = readTrees(root);
  } catch (e) {
    throw new CliError(e instanceof Error ? e.message : String(e));
  }
  const mermaidOpts: MermaidOptions = { maxClusters: opts.maxClusters, summary: opts.summary ? true : undefined };
  const parts: string[] = [];
  for (const tree of trees) {
    const graph = buildGraph(tree);
    const title = tree.name === '.' ? path.basename(root) : tree.name;
    if (format === 'mermaid') {
      parts.push(`${trees.length > 1 ? `%% repo ${title}\n` : ''}${toMermaid(graph, mermaidOpts)}`);
    } else {
      parts.push(`# ${title}\n\n${graphSection(graph, mermaidOpts)}`);
    }
    if (opts.write) {
      const readme = path.join(tree.dir, 'README.md');
      const existing = fs.existsSync(readme) ? fs.readFileSync(readme, 'utf8') : undefined;
      const next = updateReadme(existing, graphSection(graph, mermaidOpts));
      if (next !== existing) fs.writeFileSync(readme, next);
      io.stderr(`graph: ${next === existing ? 'unchanged' : 'wrote'} ${path.relative(io.cwd, readme) || readme}\n`);
    }
  }
  if (!opts.write) io.stdout(parts.join('\n'));
  return 0;
}

/**
 * `cdk8s-platform graph [dir]`: a picture of the platform. Reads a synthesized tree (any YAML tree:
 * by default the cdk8s.yaml `output`, else `dist`), finds its repos (directories holding the
 * `.cdk8s-platform.json` ownership manifest; else the directory itself) and draws one Mermaid
 * flowchart per repo (see lib/graph). Prints Markdown (`--format md`, default) or bare Mermaid
 * (`--format mermaid`); `--write` keeps the section in each repo's README.md up to date (text outside
 * the section's marker comments is left alone). Above 12 clusters (`--max-clusters`) or 150 nodes a
 * repo is summarized by environment; `--full` draws every object, `--summary` always summarizes.
 * Progress (lib/cli/progress.ts): the stages on a terminal, and one final line on stderr saying what
 * was drawn. Exit 0, or 2 on usage / I/O errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import { addKustomizationFile, buildGraph, findRepoDirs, graphSection, isSummarized, mermaidTooLarge, objectsOfTreeFile, toMermaid, treeFiles, updateReadme, type MermaidOptions, type RepoTree, type TreeObject } from '../graph';
import { isKustomizeConfig } from '../tree/read';
import { readYamlFiles } from './read-yaml-files';
import { CliError, type CliContext, type CliIO } from './context';
import { ProgressRenderer } from './progress';
import { readConfig } from './synth';

export interface GraphCommandOptions extends MermaidOptions {
  /** `md` (default) or `mermaid`. */
  readonly format?: string;
  /** Update README.md at the root of each repo. */
  readonly write?: boolean;
  /** Draw every object, however large the platform (no summary). */
  readonly full?: boolean;
  /** Show the stages on stderr. Default: when stderr is a terminal (`CliIO.stderrIsTTY`). */
  readonly progress?: boolean;
}

export function registerGraph(program: Command, ctx: CliContext): void {
  program
    .command('graph')
    .description('draw the platform (clusters, Flux chains, tenants, ASO owners, Crossplane APIs) as Mermaid, one diagram per repo')
    .argument('[dir]', 'synthesized tree (default: cdk8s.yaml output, else dist)')
    .option('--format <format>', 'md (Markdown with a mermaid block per repo) or mermaid', 'md')
    .option('--write', "write the diagram into each repo's README.md (between marker comments)")
    .option('--summary', 'always summarize by environment')
    .option('--full', 'draw every object, even above --max-clusters (no summary)')
    .option('--no-progress', 'no stage lines on stderr (default: shown when stderr is a terminal)')
    .option('--max-clusters <n>', 'summarize above this many clusters (default 12)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new CliError(`--max-clusters: "${v}" is not a non-negative integer`);
      return n;
    })
    .action(async (dir: string | undefined, opts: GraphCommandOptions) => {
      ctx.exitCode = await runGraph(dir, { ...opts, progress: opts.progress === false ? false : undefined }, ctx.io);
    });
}

/** The command itself, without commander. */
export async function runGraph(dir: string | undefined, opts: GraphCommandOptions, io: CliIO): Promise<number> {
  const format = opts.format ?? 'md';
  if (format !== 'md' && format !== 'mermaid') throw new CliError(`--format: "${format}" is not one of md, mermaid`);
  const root = path.resolve(io.cwd, dir ?? readConfig(io.cwd).output ?? 'dist');
  if (!fs.existsSync(root)) throw new CliError(`no synthesized tree at ${root} (run "cdk8s-platform synth" first, or pass a directory)`);
  if (opts.full && opts.summary) throw new CliError('--full and --summary: choose one');
  const progress = new ProgressRenderer({ command: 'graph', write: (t) => io.stderr(t), interactive: opts.progress ?? Boolean(io.stderrIsTTY) });
  let trees: RepoTree[];
  try {
    trees = await progress.stageAsync('read', () => readTreesInParallel(root), (t) => ({ objects: t.reduce((n, x) => n + x.objects.length, 0), repos: t.length }));
  } catch (e) {
    throw new CliError(e instanceof Error ? e.message : String(e));
  }
  const mermaidOpts: MermaidOptions = { maxClusters: opts.maxClusters, summary: opts.full ? false : opts.summary ? true : undefined };
  const graphs = progress.stage('render', () => trees.map((t) => buildGraph(t)));
  const parts: string[] = [];
  let summarized = 0;
  let clusters = 0;
  for (const [i, tree] of trees.entries()) {
    const graph = graphs[i];
    if (isSummarized(graph, mermaidOpts)) summarized++;
    clusters += graph.nodes.filter((n) => n.category === 'cluster').length;
    const title = tree.name === '.' ? path.basename(root) : tree.name;
    const tooLarge = mermaidTooLarge(toMermaid(graph, mermaidOpts));
    if (tooLarge) {
      io.stderr(`graph: warning: the diagram of ${title} has ${tooLarge}: GitHub and other viewers with Mermaid's default limits will not draw it; ${opts.full ? "drop --full" : "pass --summary"} to summarize by environment\n`);
    }
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
  const objects = trees.reduce((n, t) => n + t.objects.length, 0);
  io.stderr(
    `graph: drew ${trees.length} repo${trees.length === 1 ? '' : 's'} (${objects.toLocaleString('en-US')} object${objects === 1 ? '' : 's'}, ` +
      `${clusters.toLocaleString('en-US')} cluster${clusters === 1 ? '' : 's'})` +
      `${summarized > 0 ? `; ${summarized === trees.length ? (trees.length === 1 ? 'summarized' : 'all summarized') : `${summarized} summarized`} by environment (--full draws every object)` : ''}\n`,
  );
  return 0;
}

/**
 * `readTrees` (lib/graph/tree.ts) with every file of every repo read and parsed in one
 * `readYamlFiles` call, on worker threads as well for large trees (as `validate` reads): the same
 * trees, the same errors.
 */
export async function readTreesInParallel(root: string): Promise<RepoTree[]> {
  const repos = findRepoDirs(root).map((r) => ({ ...r, files: treeFiles(r.dir) }));
  const read = await readYamlFiles(repos.flatMap((r) => r.files.map((f) => path.join(r.dir, f))));
  let i = 0;
  return repos.map((r) => {
    const objects: TreeObject[] = [];
    const kustomizations = new Map<string, readonly string[]>();
    for (const file of r.files) {
      const got = read[i++];
      if (got.readError !== undefined) throw new Error(got.readError);
      if (isKustomizeConfig(file)) addKustomizationFile(kustomizations, file, got.docs);
      else objects.push(...objectsOfTreeFile(r.dir, file, got.docs));
    }
    return { name: r.name, dir: r.dir, objects, kustomizations };
  });
}

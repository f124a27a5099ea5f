/**
 * Mermaid rendering of a {@link PlatformGraph}: a `flowchart LR` with one subgraph per CAPI cluster
 * (its control plane, infrastructure and node pools), Flux objects and sources, tenants, an "Azure
 * resources (ASO)" subgraph and a "Crossplane" subgraph. Large platforms (more clusters or nodes than
 * the limits) are summarized: one node per environment with counts by category, Flux sources kept
 * individually, edges aggregated with counts. Output is deterministic.
 */
import type { GraphEdge, GraphNode, NodeCategory, PlatformGraph } from './graph';

export interface MermaidOptions {
  /**
   * Summarize when the graph has more CAPI clusters than this.
   * @default 12
   */
  readonly maxClusters?: number;
  /**
   * Summarize when the graph has more nodes than this.
   * @default 150
   */
  readonly maxNodes?: number;
  /**
   * Force the summary (true) or the detailed picture (false).
   * @default - decided by maxClusters / maxNodes
   */
  readonly summary?: boolean;
}

const SHAPES: Record<NodeCategory, [string, string]> = {
  cluster: ['[["', '"]]'],
  controlPlane: ['["', '"]'],
  infrastructure: ['["', '"]'],
  nodePool: ['["', '"]'],
  kustomization: ['["', '"]'],
  helmRelease: ['["', '"]'],
  source: ['[("', '")]'],
  tenant: ['(["', '"])'],
  azure: ['{{"', '"}}'],
  xrd: ['[/"', '"/]'],
  composition: ['["', '"]'],
  composed: ['["', '"]'],
  composite: ['(["', '"])'],
  external: ['["', '"]'],
};

const CATEGORY_NAMES: Array<[NodeCategory, string, string]> = [
  ['cluster', 'cluster', 'clusters'],
  ['controlPlane', 'control plane', 'control planes'],
  ['infrastructure', 'infrastructure cluster', 'infrastructure clusters'],
  ['nodePool', 'node pool', 'node pools'],
  ['kustomization', 'Flux Kustomization', 'Flux Kustomizations'],
  ['helmRelease', 'HelmRelease', 'HelmReleases'],
  ['tenant', 'tenant', 'tenants'],
  ['azure', 'Azure resource (ASO)', 'Azure resources (ASO)'],
  ['xrd', 'XRD', 'XRDs'],
  ['composition', 'Composition', 'Compositions'],
  ['composed', 'composed resource', 'composed resources'],
  ['composite', 'composite resource', 'composite resources'],
  ['source', 'Flux source', 'Flux sources'],
  ['external', 'object outside the repo', 'objects outside the repo'],
];

/** Escapes text for a quoted Mermaid label. */
export function mermaidText(text: string): string {
  return text.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

function label(lines: readonly string[]): string {
  return lines.map(mermaidText).join('<br/>');
}

/** True when the graph is drawn as a summary with these options. */
export function isSummarized(graph: PlatformGraph, opts: MermaidOptions = {}): boolean {
  if (opts.summary !== undefined) return opts.summary;
  const clusters = graph.nodes.filter((n) => n.category === 'cluster').length;
  return clusters > (opts.maxClusters ?? 12) || graph.nodes.length > (opts.maxNodes ?? 150);
}

/** The Mermaid flowchart of a repo graph (without code fences). */
export function toMermaid(graph: PlatformGraph, opts: MermaidOptions = {}): string {
  return isSummarized(graph, opts) ? summary(graph) : detailed(graph);
}

function detailed(graph: PlatformGraph): string {
  const out: string[] = ['flowchart LR'];
  const ids = new Map<string, string>();
  graph.nodes.forEach((n, i) => ids.set(n.key, `n${i + 1}`));
  const node = (n: GraphNode, indent: string) => {
    const [open, close] = SHAPES[n.category];
    out.push(`${indent}${ids.get(n.key)}${open}${label(n.lines)}${close}`);
  };

  const clusters = graph.nodes.filter((n) => n.category === 'cluster');
  const inCluster = new Set<string>();
  clusters.forEach((c, i) => {
    const title = `${c.lines[0].replace(/^Cluster /, 'cluster ')}${c.environment ? ` · ${c.environment}` : ''}`;
    out.push(`  subgraph c${i + 1}["${mermaidText(title)}"]`, '    direction TB');
    for (const n of graph.nodes) {
      if (n.cluster === c.key) {
        node(n, '    ');
        inCluster.add(n.key);
      }
    }
    out.push('  end');
  });
  const groups: Array<[string, (n: GraphNode) => boolean]> = [
    ['Azure resources (ASO)', (n) => n.category === 'azure'],
    ['Crossplane', (n) => n.category === 'xrd' || n.category === 'composition' || n.category === 'composed'],
  ];
  groups.forEach(([title, match], i) => {
    const members = graph.nodes.filter((n) => !inCluster.has(n.key) && match(n));
    if (members.length === 0) return;
    out.push(`  subgraph g${i + 1}["${mermaidText(title)}"]`);
    for (const n of members) {
      node(n, '    ');
      inCluster.add(n.key);
    }
    out.push('  end');
  });
  for (const n of graph.nodes) if (!inCluster.has(n.key)) node(n, '  ');
  for (const e of graph.edges) out.push(`  ${ids.get(e.from)} ${e.label === 'dependsOn' ? '-.->' : '-->'}|${mermaidText(e.label)}| ${ids.get(e.to)}`);
  return `${out.join('\n')}\n`;
}

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

function summary(graph: PlatformGraph): string {
  const out: string[] = ['flowchart LR'];
  const UNSPECIFIED = 'unspecified';
  // Summary groups: Flux sources and objects outside the repo (what many things point at) on their
  // own when there are few of them, everything else by environment.
  const shared = (n: GraphNode) => n.category === 'source' || n.category === 'external';
  const sources = graph.nodes.filter(shared);
  const keepSources = sources.length <= 20;
  const groupOf = (n: GraphNode): string =>
    keepSources && shared(n) ? `source|${n.key}` : `env|${n.environment ?? UNSPECIFIED}`;
  const envs = [...new Set(graph.nodes.filter((n) => groupOf(n).startsWith('env|')).map((n) => n.environment ?? UNSPECIFIED))].sort((a, b) =>
    a === UNSPECIFIED ? 1 : b === UNSPECIFIED ? -1 : a < b ? -1 : a > b ? 1 : 0,
  );
  const ids = new Map<string, string>();
  envs.forEach((env, i) => ids.set(`env|${env}`, `e${i + 1}`));
  if (keepSources) sources.forEach((s, i) => ids.set(`source|${s.key}`, `s${i + 1}`));

  // Edges between groups, counted; edges inside a group counted in the group's label.
  const between = new Map<string, number>();
  const within = new Map<string, Map<string, number>>();
  for (const e of graph.edges) {
    const from = groupOf(byKey(graph, e.from));
    const to = groupOf(byKey(graph, e.to));
    if (from === to) {
      const m = within.get(from) ?? new Map<string, number>();
      m.set(e.label, (m.get(e.label) ?? 0) + 1);
      within.set(from, m);
    } else {
      const k = `${from}\n${to}\n${e.label}`;
      between.set(k, (between.get(k) ?? 0) + 1);
    }
  }

  envs.forEach((env) => {
    const members = graph.nodes.filter((n) => groupOf(n) === `env|${env}`);
    const lines: string[] = [];
    for (const [category, one, many] of CATEGORY_NAMES) {
      const n = members.filter((m) => m.category === category).length;
      if (n > 0) lines.push(plural(n, one, many));
    }
    const other = members.filter((m) => !CATEGORY_NAMES.some(([c]) => c === m.category)).length;
    if (other > 0) lines.push(plural(other, 'other node', 'other nodes'));
    const refs = [...(within.get(`env|${env}`) ?? new Map<string, number>()).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [l, n] of refs) lines.push(`${n.toLocaleString('en-US')} × ${l}`);
    const title = `environment: ${env}`;
    out.push(`  subgraph g${ids.get(`env|${env}`)}["${mermaidText(title)}"]`, `    ${ids.get(`env|${env}`)}["${label(lines)}"]`, '  end');
  });
  if (keepSources) {
    for (const s of sources) {
      const [open, close] = SHAPES[s.category];
      out.push(`  ${ids.get(`source|${s.key}`)}${open}${label(s.lines)}${close}`);
    }
  }
  const edgeLines = [...between.entries()]
    .map(([k, n]) => {
      const [from, to, l] = k.split('\n');
      return `  ${ids.get(from)} ${l === 'dependsOn' ? '-.->' : '-->'}|"${mermaidText(`${n.toLocaleString('en-US')} × ${l}`)}"| ${ids.get(to)}`;
    })
    .sort();
  out.push(...edgeLines);
  return `${out.join('\n')}\n`;
}

const indexCache = new WeakMap<PlatformGraph, Map<string, GraphNode>>();
function byKey(graph: PlatformGraph, key: string): GraphNode {
  let index = indexCache.get(graph);
  if (!index) {
    index = new Map(graph.nodes.map((n) => [n.key, n]));
    indexCache.set(graph, index);
  }
  return index.get(key)!;
}

/** Edges of a graph as `from --label--> to` text lines (for tests and debugging). */
export function describeEdges(graph: PlatformGraph): string[] {
  const names = new Map(graph.nodes.map((n) => [n.key, n.lines[0]]));
  return graph.edges.map((e: GraphEdge) => `${names.get(e.from)} --${e.label}--> ${names.get(e.to)}`);
}

/**
 * Mermaid rendering of a {@link PlatformGraph}: a `flowchart LR` with one subgraph per CAPI cluster
 * (its control plane, infrastructure and node pools), Flux objects and sources, tenants, an "Azure
 * resources (ASO)" subgraph and a "Crossplane" subgraph. Large platforms (more clusters or nodes than
 * the limits) are summarized: one box per environment counting its objects (clusters, node pools,
 * Flux Kustomizations, folders, ...), Flux sources kept individually, and one arrow per kind of
 * reference between two boxes, saying how many objects hold it (`668 Flux Kustomizations apply to`).
 * `summary: false` (`graph --full`) draws every object. Output is deterministic.
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
  folder: ['>"', '"]'],
  workload: ['("', '")'],
  external: ['["', '"]'],
};

const CATEGORY_NAMES: Array<[NodeCategory, string, string]> = [
  ['cluster', 'cluster', 'clusters'],
  ['controlPlane', 'control plane', 'control planes'],
  ['infrastructure', 'infrastructure cluster', 'infrastructure clusters'],
  ['nodePool', 'node pool', 'node pools'],
  ['kustomization', 'Flux Kustomization', 'Flux Kustomizations'],
  ['helmRelease', 'HelmRelease', 'HelmReleases'],
  ['folder', 'folder', 'folders'],
  ['tenant', 'tenant', 'tenants'],
  ['workload', 'workload', 'workloads'],
  ['azure', 'Azure resource (ASO)', 'Azure resources (ASO)'],
  ['xrd', 'XRD', 'XRDs'],
  ['composition', 'Composition', 'Compositions'],
  ['composed', 'composed resource', 'composed resources'],
  ['composite', 'composite resource', 'composite resources'],
  ['source', 'Flux source', 'Flux sources'],
  ['external', 'object outside the repo', 'objects outside the repo'],
];

/** What an arrow of the summary says its objects do, by the field of the reference. */
const VERBS: Record<string, string> = {
  kubeConfig: 'apply to',
  path: 'apply',
  sourceRef: 'read from',
  chartRef: 'read from',
  clusterName: 'belong to',
  controlPlaneRef: 'are run by',
  infrastructureRef: 'run on',
  serviceAccountName: 'run as',
  owner: 'are owned by',
  compositeTypeRef: 'implement',
  composes: 'compose',
  kind: 'are instances of',
  secretKeyRef: 'read exports of',
  configMapKeyRef: 'read exports of',
  envFrom: 'read exports of',
  volumes: 'read exports of',
  dependsOn: 'depend on',
};
const FIELD_ORDER = Object.keys(VERBS);

/** Escapes text for a quoted Mermaid label. */
export function mermaidText(text: string): string {
  return text.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

function label(lines: readonly string[]): string {
  return lines.map(mermaidText).join('<br/>');
}

/**
 * What Mermaid draws at most with its default configuration (mermaid 11/12 `maxEdges` and
 * `maxTextSize`; GitHub and most Markdown viewers use the defaults): larger diagrams are refused
 * ("Edge limit exceeded", "Maximum text size in diagram exceeded").
 */
export const MERMAID_LIMITS = { maxEdges: 500, maxTextSize: 50_000 } as const;

/** True when the graph is drawn as a summary with these options. */
export function isSummarized(graph: PlatformGraph, opts: MermaidOptions = {}): boolean {
  if (opts.summary !== undefined) return opts.summary;
  const clusters = graph.nodes.filter((n) => n.category === 'cluster').length;
  return clusters > (opts.maxClusters ?? 12) || graph.nodes.length > (opts.maxNodes ?? 150) || graph.edges.length > MERMAID_LIMITS.maxEdges;
}

/**
 * Why a Mermaid diagram is too large for Mermaid's default limits ({@link MERMAID_LIMITS}), or
 * undefined when it is drawable.
 */
export function mermaidTooLarge(diagram: string): string | undefined {
  const edges = diagram.split('\n').filter((l) => /^\s*\S+ (?:-->|-\.->)\|/.test(l)).length;
  const problems: string[] = [];
  if (edges > MERMAID_LIMITS.maxEdges) problems.push(`${edges.toLocaleString('en-US')} edges (Mermaid draws at most ${MERMAID_LIMITS.maxEdges})`);
  if (diagram.length > MERMAID_LIMITS.maxTextSize) problems.push(`${diagram.length.toLocaleString('en-US')} characters (at most ${MERMAID_LIMITS.maxTextSize.toLocaleString('en-US')})`);
  return problems.length > 0 ? problems.join(' and ') : undefined;
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
  const members = new Map<string, GraphNode[]>();
  for (const n of graph.nodes) if (n.cluster) members.set(n.cluster, [...(members.get(n.cluster) ?? []), n]);
  clusters.forEach((c, i) => {
    const parts = members.get(c.key) ?? [c];
    // A cluster drawn with its parts (control plane, infrastructure, node pools) in a box of its own.
    if (parts.length > 1) {
      const title = `${c.lines[0].replace(/^Cluster /, 'cluster ')}${c.environment ? ` · ${c.environment}` : ''}`;
      out.push(`  subgraph c${i + 1}["${mermaidText(title)}"]`, '    direction TB');
    }
    for (const n of parts) {
      node(n, parts.length > 1 ? '    ' : '  ');
      inCluster.add(n.key);
    }
    if (parts.length > 1) out.push('  end');
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
  const UNSPECIFIED = 'no environment';
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

  // Arrows between groups: per (from group, to group, field, category of the referring objects),
  // the referring objects, counted once each.
  const between = new Map<string, Set<string>>();
  // Inside a group: per (field, category from, category to), the objects at both ends.
  const within = new Map<string, Map<string, { from: Set<string>; to: Set<string> }>>();
  for (const e of graph.edges) {
    const fromNode = byKey(graph, e.from);
    const toNode = byKey(graph, e.to);
    const from = groupOf(fromNode);
    const to = groupOf(toNode);
    if (from === to) {
      if (!VERBS[e.label] || e.label === 'controlPlaneRef' || e.label === 'infrastructureRef') continue; // parts of a cluster: counted with it
      const m = within.get(from) ?? new Map<string, { from: Set<string>; to: Set<string> }>();
      const k = `${e.label}\n${fromNode.category}\n${toNode.category}`;
      const ends = m.get(k) ?? { from: new Set<string>(), to: new Set<string>() };
      ends.from.add(e.from);
      ends.to.add(e.to);
      m.set(k, ends);
      within.set(from, m);
      continue;
    }
    const k = `${from}\n${to}\n${e.label}\n${fromNode.category}`;
    const set = between.get(k) ?? new Set<string>();
    set.add(e.from);
    between.set(k, set);
  }

  envs.forEach((env) => {
    const members = graph.nodes.filter((n) => groupOf(n) === `env|${env}`);
    const lines: string[] = [];
    for (const [category, one, many] of CATEGORY_NAMES) {
      let n = members.filter((m) => m.category === category).length;
      if (category === 'nodePool') n += members.reduce((sum, m) => sum + (m.pools ?? 0), 0);
      if (n > 0) lines.push(plural(n, one, many));
    }
    // What the objects of the group do to each other: `10 Flux Kustomizations apply to 5 clusters`.
    const relations = [...(within.get(`env|${env}`) ?? new Map<string, { from: Set<string>; to: Set<string> }>()).entries()]
      .map(([k, ends]) => {
        const [l, fromCategory, toCategory] = k.split('\n');
        const order = CATEGORY_NAMES.findIndex(([c]) => c === fromCategory);
        return { order, l, text: relation(ends.from.size, fromCategory as NodeCategory, l, ends.to.size, toCategory as NodeCategory) };
      })
      // In the order of the counts above (clusters, node pools, Kustomizations, ...), then of VERBS.
      .sort((a, b) => a.order - b.order || FIELD_ORDER.indexOf(a.l) - FIELD_ORDER.indexOf(b.l) || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0))
      .map((r) => r.text);
    if (relations.length > 0) lines.push('', ...relations);
    const title = env === UNSPECIFIED ? UNSPECIFIED : `environment: ${env}`;
    out.push(`  subgraph g${ids.get(`env|${env}`)}["${mermaidText(title)}"]`, `    ${ids.get(`env|${env}`)}["${label(lines)}"]`, '  end');
  });
  if (keepSources) {
    for (const s of sources) {
      const [open, close] = SHAPES[s.category];
      out.push(`  ${ids.get(`source|${s.key}`)}${open}${label(s.lines)}${close}`);
    }
  }
  const edgeLines = [...between.entries()]
    .map(([k, set]) => {
      const [from, to, l, category] = k.split('\n');
      const text = relation(set.size, category as NodeCategory, l);
      return `  ${ids.get(from)} ${l === 'dependsOn' ? '-.->' : '-->'}|"${mermaidText(text)}"| ${ids.get(to)}`;
    })
    .sort();
  out.push(...edgeLines);
  return `${out.join('\n')}\n`;
}

const NAMES = new Map(CATEGORY_NAMES.map(([c, one, many]) => [c, [one, many] as const]));

/** `5 Flux Kustomizations apply to 3 clusters` (the objects are counted, not the references). */
function relation(n: number, category: NodeCategory, field: string, m?: number, toCategory?: NodeCategory): string {
  const [one, many] = NAMES.get(category) ?? ['object', 'objects'];
  const verb = VERBS[field] ?? field;
  const head = `${plural(n, one, many)} ${n === 1 ? singular(verb) : verb}`;
  if (m === undefined || toCategory === undefined) return head;
  const [toOne, toMany] = NAMES.get(toCategory) ?? ['object', 'objects'];
  return `${head} ${plural(m, toOne, toMany)}`;
}

/** `apply to` → `applies to`, `are owned by` → `is owned by` (for a count of one). */
function singular(verb: string): string {
  const [first, ...rest] = verb.split(' ');
  const head = first === 'are' ? 'is' : first === 'belong' ? 'belongs' : first.endsWith('y') ? `${first.slice(0, -1)}ies` : `${first}s`;
  return [head, ...rest].join(' ');
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

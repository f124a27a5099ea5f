/**
 * The platform graph of one repo tree: clusters (CAPI Cluster with control plane, infrastructure and
 * node pools), Flux Kustomization / HelmRelease chains (dependsOn, sourceRef, kubeConfig → target
 * cluster, serviceAccountName → tenant), tenants (a Namespace with a ServiceAccount bound by a
 * RoleBinding), ASO owner trees (`spec.owner.name`) and Crossplane APIs (XRD ← Composition → composed
 * resources, composite resources → XRD), the folder each Flux Kustomization applies (`path`), and
 * the workloads that read a value an ASO resource exports (`spec.operatorSpec.secrets` /
 * `configMaps` → `secretKeyRef`, `configMapKeyRef`, `envFrom`, volumes). Edges point from the object
 * holding the reference to the object referred to and are labelled with the field
 * (`A -->|dependsOn| B`: A depends on B). Built from plain objects, so it works on any YAML tree.
 *
 * Environments (see environment.ts): an object's own environment label; else the environment of
 * the cluster it belongs to or applies to (node pools, control planes, the Kustomizations that
 * apply to a cluster through `kubeConfig`, and the folders those apply); else its folder's name.
 */
import { builtDirectories, fluxBuildPath, listedEntries, type BuildTree } from '../core/flux-build';
import { withPrefix } from '../core/sorted';
import { environmentOf } from './environment';
import { groupOf, type RepoTree, type TreeObject } from './tree';

export type NodeCategory =
  | 'cluster'
  | 'controlPlane'
  | 'infrastructure'
  | 'nodePool'
  | 'kustomization'
  | 'helmRelease'
  | 'source'
  | 'tenant'
  | 'azure'
  | 'xrd'
  | 'composition'
  | 'composed'
  | 'composite'
  | 'folder'
  | 'workload'
  | 'external';

export interface GraphNode {
  /** Stable key (`<group>|<Kind>|<namespace>|<name>` for objects). */
  readonly key: string;
  readonly category: NodeCategory;
  /** Label lines. */
  readonly lines: string[];
  /** Environment (see environment.ts), undefined when unspecified. */
  readonly environment?: string;
  /** Key of the CAPI Cluster node this node belongs to (control plane, infrastructure, pools). */
  readonly cluster?: string;
  /** Node pools a topology Cluster declares (`spec.topology.workers`), counted as node pools. */
  readonly pools?: number;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** The field holding the reference (`dependsOn`, `sourceRef`, `kubeConfig`, `owner`, ...). */
  readonly label: string;
}

export interface PlatformGraph {
  /** Repo name (directory). */
  readonly repo: string;
  /** Objects read. */
  readonly objectCount: number;
  /** Nodes, sorted by key. */
  readonly nodes: GraphNode[];
  /** Edges, sorted. */
  readonly edges: GraphEdge[];
}

const CAPI = 'cluster.x-k8s.io';
const FLUX_KUSTOMIZE = 'kustomize.toolkit.fluxcd.io';
const FLUX_HELM = 'helm.toolkit.fluxcd.io';
const FLUX_SOURCE = 'source.toolkit.fluxcd.io';
/** source-watcher's ArtifactGenerator, which writes ExternalArtifacts (`source.toolkit.fluxcd.io`). */
const FLUX_SOURCE_EXTENSIONS = 'source.extensions.fluxcd.io';
const CROSSPLANE = 'apiextensions.crossplane.io';
const RBAC = 'rbac.authorization.k8s.io';

function keyOf(group: string, kind: string, namespace: string, name: string): string {
  return `${group}|${kind}|${namespace}|${name}`;
}

function objKey(o: TreeObject): string {
  return keyOf(groupOf(o.apiVersion), o.kind, o.namespace, o.name);
}

function qualified(o: { namespace: string; name: string }): string {
  return o.namespace ? `${o.namespace}/${o.name}` : o.name;
}

/** `{ apiGroup | apiVersion, kind, name }` (CAPI v1beta2 / v1beta1 references). */
function refGroup(ref: Record<string, any>): string {
  if (typeof ref.apiGroup === 'string') return ref.apiGroup;
  if (typeof ref.apiVersion === 'string') return groupOf(ref.apiVersion);
  return '';
}

/** ASO resources embedded in a CAPZ AzureASOManaged* object (`spec.resources`). */
function embeddedLines(o: TreeObject): string[] {
  const resources = o.obj.spec?.resources;
  if (!Array.isArray(resources)) return [];
  return resources
    .filter((r) => r && typeof r === 'object' && typeof r.kind === 'string')
    .map((r) => `${r.kind} ${r.metadata?.name ?? ''}`.trim());
}

/** Builds the graph of one repo tree. */
export function buildGraph(tree: RepoTree): PlatformGraph {
  const nodes = new Map<string, Mutable<GraphNode>>();
  const edges = new Map<string, GraphEdge>();
  const byKey = new Map<string, TreeObject>();
  for (const o of tree.objects) if (!byKey.has(objKey(o))) byKey.set(objKey(o), o);

  // The environment an object is labelled with (inherited ones are added at the end).
  const envOf = (o: TreeObject) => labelledEnvironment(o.labels);
  const addNode = (n: Mutable<GraphNode>): string => {
    if (!nodes.has(n.key)) nodes.set(n.key, n);
    return n.key;
  };
  const addEdge = (from: string, to: string, label: string) => {
    edges.set(`${from}\n${to}\n${label}`, { from, to, label });
  };
  // ASO resources CAPZ embeds in AzureASOManaged* objects (`spec.resources`): `${namespace}|${name}` → the node drawing them.
  const embedded = new Map<string, Array<{ kind: string; node: string }>>();
  const recordEmbedded = (o: TreeObject, node: string) => {
    for (const r of Array.isArray(o.obj.spec?.resources) ? o.obj.spec.resources : []) {
      if (!r || typeof r.kind !== 'string' || typeof r.metadata?.name !== 'string') continue;
      const k = `${o.namespace}|${r.metadata.name}`;
      embedded.set(k, [...(embedded.get(k) ?? []), { kind: r.kind, node }]);
    }
  };
  /** A node for something referred to but not in the tree. */
  const external = (key: string, line: string): string => addNode({ key, category: 'external', lines: [line, '(not in this repo)'] });

  // --- Clusters (CAPI) ---------------------------------------------------------------------------------
  const clusters = tree.objects.filter((o) => groupOf(o.apiVersion) === CAPI && o.kind === 'Cluster');
  const clusterByName = new Map<string, string>(); // `${ns}/${name}` → key
  for (const c of clusters) {
    const key = objKey(c);
    const env = environmentOf(c.labels, c.file); // a cluster's folder may name its environment
    clusterByName.set(`${c.namespace}/${c.name}`, key);
    const topology = c.obj.spec?.topology;
    const cls = typeof topology?.class === 'string' ? topology.class : typeof topology?.classRef?.name === 'string' ? topology.classRef.name : undefined;
    const pools = topologyPools(topology);
    addNode({
      key,
      category: 'cluster',
      lines: [`Cluster ${qualified(c)}`, ...(cls ? [`class ${cls}${typeof topology?.version === 'string' ? ` · ${topology.version}` : ''}`] : []), ...(pools > 0 ? [`${pools} node pool${pools === 1 ? '' : 's'}`] : [])],
      environment: env,
      cluster: key,
      ...(pools > 0 ? { pools } : {}),
    });
    for (const [field, category] of [['controlPlaneRef', 'controlPlane'], ['infrastructureRef', 'infrastructure']] as const) {
      const ref = c.obj.spec?.[field];
      if (!ref || typeof ref.name !== 'string') continue;
      const target = byKey.get(keyOf(refGroup(ref), ref.kind, c.namespace, ref.name));
      if (!target) continue;
      const k = addNode({ key: objKey(target), category, lines: [`${target.kind} ${target.name}`, ...embeddedLines(target)], environment: env, cluster: key });
      recordEmbedded(target, k);
      addEdge(key, k, field);
    }
  }

  // Node pools: MachinePool / MachineDeployment with their infrastructure (e.g. AzureASOManagedMachinePool).
  for (const p of tree.objects) {
    if (groupOf(p.apiVersion) !== CAPI || (p.kind !== 'MachinePool' && p.kind !== 'MachineDeployment')) continue;
    const cluster = clusterByName.get(`${p.namespace}/${p.obj.spec?.clusterName}`);
    const lines = [`${p.kind} ${p.name}${typeof p.obj.spec?.replicas === 'number' ? ` ×${p.obj.spec.replicas}` : ''}`];
    const infraRef = p.obj.spec?.template?.spec?.infrastructureRef;
    const infra = infraRef && typeof infraRef.name === 'string' ? byKey.get(keyOf(refGroup(infraRef), infraRef.kind, p.namespace, infraRef.name)) : undefined;
    if (infra) {
      lines.push(`${infra.kind} ${infra.name}`, ...embeddedLines(infra));
      recordEmbedded(infra, objKey(p));
      nodes.delete(objKey(infra));
    }
    const key = addNode({ key: objKey(p), category: 'nodePool', lines, environment: envOf(p), cluster });
    if (cluster) addEdge(key, cluster, 'clusterName');
    else if (p.obj.spec?.clusterName) addEdge(key, external(keyOf(CAPI, 'Cluster', p.namespace, p.obj.spec.clusterName), `Cluster ${p.namespace}/${p.obj.spec.clusterName}`), 'clusterName');
  }

  // --- Tenants: a Namespace whose ServiceAccount a RoleBinding/ClusterRoleBinding binds --------------
  const tenantOfSa = new Map<string, string>(); // `${ns}/${sa}` → tenant key
  for (const b of tree.objects) {
    if (groupOf(b.apiVersion) !== RBAC || (b.kind !== 'RoleBinding' && b.kind !== 'ClusterRoleBinding')) continue;
    for (const s of Array.isArray(b.obj.subjects) ? b.obj.subjects : []) {
      if (s?.kind !== 'ServiceAccount' || typeof s.name !== 'string') continue;
      const ns = s.namespace ?? b.namespace;
      const sa = byKey.get(keyOf('', 'ServiceAccount', ns, s.name));
      const namespace = byKey.get(keyOf('', 'Namespace', '', ns));
      if (!sa || !namespace) continue;
      const key = `tenant|${ns}`;
      const existing = nodes.get(key);
      const line = `ServiceAccount ${s.name} · ${b.kind} ${b.name}`;
      if (existing) {
        if (!existing.lines.includes(line)) existing.lines.push(line);
      } else {
        addNode({ key, category: 'tenant', lines: [`Tenant ${ns}`, line], environment: environmentOf(namespace.labels, namespace.file) });
      }
      tenantOfSa.set(`${ns}/${s.name}`, key);
    }
  }

  // --- Flux ------------------------------------------------------------------------------------------
  const fluxKinds = new Map<string, 'kustomization' | 'helmRelease'>([[`${FLUX_KUSTOMIZE}|Kustomization`, 'kustomization'], [`${FLUX_HELM}|HelmRelease`, 'helmRelease']] as const);
  // The ExternalArtifacts the tree's ArtifactGenerators write (in their namespace), by key.
  const generatorOf = new Map<string, TreeObject>();
  for (const g of tree.objects) {
    if (groupOf(g.apiVersion) !== FLUX_SOURCE_EXTENSIONS || g.kind !== 'ArtifactGenerator') continue;
    for (const a of Array.isArray(g.obj.spec?.artifacts) ? g.obj.spec.artifacts : []) {
      if (typeof a?.name === 'string') generatorOf.set(keyOf(FLUX_SOURCE, 'ExternalArtifact', g.namespace, a.name), g);
    }
  }
  /** An ArtifactGenerator's node, with an edge to each of its sources. */
  const generatorNode = (g: TreeObject): string => {
    const key = objKey(g);
    if (nodes.has(key)) return key;
    const n = Array.isArray(g.obj.spec?.artifacts) ? g.obj.spec.artifacts.length : 0;
    addNode({ key, category: 'source', lines: [`ArtifactGenerator ${qualified(g)}`, `${n} artifact${n === 1 ? '' : 's'}`], environment: envOf(g) });
    for (const s of Array.isArray(g.obj.spec?.sources) ? g.obj.spec.sources : []) {
      if (typeof s?.name === 'string' && typeof s.kind === 'string') addEdge(key, sourceNode(s.kind, s.namespace ?? g.namespace, s.name), 'sources');
    }
    return key;
  };
  const sourceNode = (kind: string, namespace: string, name: string): string => {
    const o = byKey.get(keyOf(FLUX_SOURCE, kind, namespace, name));
    const line = `${kind} ${namespace}/${name}`;
    const generator = !o ? generatorOf.get(keyOf(FLUX_SOURCE, kind, namespace, name)) : undefined;
    if (generator) {
      // Written by a generator of this tree: drawn with it, not as outside the repo.
      const key = addNode({ key: keyOf(FLUX_SOURCE, kind, namespace, name), category: 'source', lines: [line, `generated by ArtifactGenerator ${qualified(generator)}`], environment: envOf(generator) });
      addEdge(key, generatorNode(generator), 'generatedBy');
      return key;
    }
    if (!o) return external(keyOf(FLUX_SOURCE, kind, namespace, name), line);
    const url = o.obj.spec?.url;
    return addNode({ key: objKey(o), category: 'source', lines: typeof url === 'string' ? [line, url] : [line], environment: envOf(o) });
  };
  // Folders of the tree: path → number of objects in it (its own files, not sub-folders).
  const folderObjects = new Map<string, number>();
  for (const o of tree.objects) {
    const dir = o.file.includes('/') ? o.file.slice(0, o.file.lastIndexOf('/')) : '';
    folderObjects.set(dir, (folderObjects.get(dir) ?? 0) + 1);
  }
  // Each folder with the objects at or below it (its own and its sub-folders'), summed once up its
  // ancestors: looking them up per Kustomization by scanning every folder was quadratic (10,000
  // clusters: 20,000 Kustomizations × 10,000 folders).
  const objectsBelow = new Map<string, number>();
  for (const [dir, n] of folderObjects) {
    for (let d = dir; ; ) {
      objectsBelow.set(d, (objectsBelow.get(d) ?? 0) + n);
      if (d === '') break;
      const i = d.lastIndexOf('/');
      d = i < 0 ? '' : d.slice(0, i);
    }
  }
  const built = builtObjects(tree, folderObjects, objectsBelow);
  /** The folder a Kustomization's `path` names: in this tree when it has objects at or below it, else outside. */
  const folderNode = (raw: string, src: Record<string, any> | undefined): string => {
    const p = raw.replace(/^\.?\/+/, '').replace(/\/+$/, '').replace(/^\.$/, '');
    const key = `folder|${p}`;
    if (objectsBelow.has(p)) {
      const { objects, subFolders } = built(p);
      const count = `${objects} object${objects === 1 ? '' : 's'}${subFolders ? ' with its sub-folders' : ''}`;
      return addNode({ key, category: 'folder', lines: [`folder ${p === '' ? '.' : p}/`, count] });
    }
    // Not in this tree: in another repo (the source's), or a folder with no objects yet.
    const from = src && typeof src.name === 'string' ? `${src.kind ?? 'source'} ${src.name}` : 'its source';
    return addNode({ key, category: 'folder', lines: [`folder ${p === '' ? '.' : p}/`, `no files in this tree (${from})`] });
  };
  for (const f of tree.objects) {
    const category = fluxKinds.get(`${groupOf(f.apiVersion)}|${f.kind}`);
    if (!category) continue;
    const spec = f.obj.spec ?? {};
    const detail = category === 'kustomization'
      ? (typeof spec.path === 'string' ? `path ${spec.path}` : undefined)
      : (typeof spec.chart?.spec?.chart === 'string' ? `chart ${spec.chart.spec.chart}${spec.chart.spec.version ? ` ${spec.chart.spec.version}` : ''}` : undefined);
    const key = addNode({ key: objKey(f), category, lines: detail ? [`${f.kind} ${qualified(f)}`, detail] : [`${f.kind} ${qualified(f)}`], environment: envOf(f) });
    for (const d of Array.isArray(spec.dependsOn) ? spec.dependsOn : []) {
      if (typeof d?.name !== 'string') continue;
      const target = keyOf(groupOf(f.apiVersion), f.kind, d.namespace ?? f.namespace, d.name);
      addEdge(key, byKey.has(target) ? target : external(target, `${f.kind} ${d.namespace ?? f.namespace}/${d.name}`), 'dependsOn');
    }
    const srcRef = category === 'kustomization' ? spec.sourceRef : spec.chart?.spec?.sourceRef ?? spec.chartRef;
    if (srcRef && typeof srcRef.name === 'string' && typeof srcRef.kind === 'string') {
      addEdge(key, sourceNode(srcRef.kind, srcRef.namespace ?? f.namespace, srcRef.name), category === 'kustomization' || !spec.chartRef ? 'sourceRef' : 'chartRef');
    }
    if (category === 'kustomization' && typeof spec.path === 'string') {
      addEdge(key, folderNode(spec.path, srcRef), 'path');
    }
    const secret = spec.kubeConfig?.secretRef?.name;
    if (typeof secret === 'string') {
      const clusterName = secret.endsWith('-kubeconfig') ? secret.slice(0, -'-kubeconfig'.length) : undefined;
      const cluster = clusterName !== undefined ? clusterByName.get(`${f.namespace}/${clusterName}`) : undefined;
      addEdge(key, cluster ?? external(keyOf('', 'Secret', f.namespace, secret), `kubeconfig Secret ${f.namespace}/${secret}`), 'kubeConfig');
    }
    if (typeof spec.serviceAccountName === 'string') {
      const tenant = tenantOfSa.get(`${f.namespace}/${spec.serviceAccountName}`);
      if (tenant) addEdge(key, tenant, 'serviceAccountName');
    }
  }

  // --- ASO owner trees -------------------------------------------------------------------------------
  const aso = tree.objects.filter((o) => groupOf(o.apiVersion).endsWith('.azure.com') && o.obj.spec && typeof o.obj.spec === 'object');
  for (const a of aso) {
    const azureName = a.obj.spec.azureName;
    addNode({ key: objKey(a), category: 'azure', lines: typeof azureName === 'string' && azureName !== a.name ? [`${a.kind} ${qualified(a)}`, `azureName ${azureName}`] : [`${a.kind} ${qualified(a)}`], environment: envOf(a) });
  }
  // The ASO objects by namespace and name, in tree order (filtering the whole list for each owner
  // reference was quadratic: 26,000 ASO objects took 14 s).
  const asoByName = new Map<string | undefined, Map<string, typeof aso>>();
  for (const o of aso) {
    let byName = asoByName.get(o.namespace);
    if (!byName) asoByName.set(o.namespace, (byName = new Map()));
    const list = byName.get(o.name);
    if (list) list.push(o);
    else byName.set(o.name, [o]);
  }
  for (const a of aso) {
    const owner = a.obj.spec.owner;
    if (!owner || typeof owner !== 'object') continue;
    if (typeof owner.name === 'string') {
      const candidates = (asoByName.get(a.namespace)?.get(owner.name) ?? []).filter((o) => o !== a);
      const parent =
        candidates.find((o) => a.kind.startsWith(o.kind)) ??
        candidates.find((o) => o.kind === 'ResourceGroup') ??
        candidates.find((o) => owner.kind === undefined || owner.kind === o.kind);
      // Else an ASO resource CAPZ embeds (the ManagedCluster of an AzureASOManagedControlPlane, say).
      const inside = parent ? undefined : embedded.get(`${a.namespace}|${owner.name}`);
      const holder = inside?.find((e) => owner.kind === undefined || owner.kind === e.kind) ?? inside?.[0];
      if (!parent && holder) {
        addEdge(objKey(a), holder.node, 'owner');
        continue;
      }
      addEdge(objKey(a), parent ? objKey(parent) : external(`aso-owner|${a.namespace}|${owner.name}`, `owner ${qualified({ namespace: a.namespace, name: owner.name })}`), 'owner');
    } else if (typeof owner.armId === 'string') {
      addEdge(objKey(a), external(`armId|${owner.armId}`, `ARM ${owner.armId}`), 'owner');
    }
  }

  // --- ASO exports → the workloads that read them ----------------------------------------------------
  // ASO writes the values listed in spec.operatorSpec.secrets / configMaps into the named Secret /
  // ConfigMap of the resource's namespace; a workload reading that Secret or ConfigMap depends on it.
  const exporters = new Map<string, string>(); // `Secret|ns|name` → ASO node key
  for (const a of aso) {
    const operatorSpec = a.obj.spec.operatorSpec;
    if (!operatorSpec || typeof operatorSpec !== 'object') continue;
    for (const [field, kind] of [['secrets', 'Secret'], ['configMaps', 'ConfigMap']] as const) {
      const values = operatorSpec[field];
      if (!values || typeof values !== 'object') continue;
      for (const v of Object.values(values) as any[]) {
        if (v && typeof v.name === 'string') exporters.set(`${kind}|${a.namespace}|${v.name}`, objKey(a));
      }
    }
  }
  if (exporters.size > 0) {
    for (const w of tree.objects) {
      const pod = podSpecOf(w);
      if (!pod) continue;
      for (const ref of podReferences(pod)) {
        const exporter = exporters.get(`${ref.kind}|${w.namespace}|${ref.name}`);
        if (!exporter) continue;
        const key = addNode({ key: objKey(w), category: 'workload', lines: [`${w.kind} ${qualified(w)}`], environment: envOf(w) });
        addEdge(key, exporter, ref.field);
      }
    }
  }

  // --- Crossplane ------------------------------------------------------------------------------------
  const xrdByType = new Map<string, string>(); // `${group}|${kind}` → key
  for (const x of tree.objects) {
    if (groupOf(x.apiVersion) !== CROSSPLANE || !x.kind.startsWith('CompositeResourceDefinition')) continue;
    const group = x.obj.spec?.group;
    const kind = x.obj.spec?.names?.kind;
    if (typeof group !== 'string' || typeof kind !== 'string') continue;
    const key = addNode({ key: objKey(x), category: 'xrd', lines: [`XRD ${kind}`, group], environment: envOf(x) });
    xrdByType.set(`${group}|${kind}`, key);
    const claim = x.obj.spec?.claimNames?.kind;
    if (typeof claim === 'string') xrdByType.set(`${group}|${claim}`, key);
  }
  for (const c of tree.objects) {
    if (groupOf(c.apiVersion) !== CROSSPLANE || c.kind !== 'Composition') continue;
    const key = addNode({ key: objKey(c), category: 'composition', lines: [`Composition ${c.name}`], environment: envOf(c) });
    const type = c.obj.spec?.compositeTypeRef;
    if (type && typeof type.apiVersion === 'string' && typeof type.kind === 'string') {
      const target = xrdByType.get(`${groupOf(type.apiVersion)}|${type.kind}`) ?? external(`xr|${type.apiVersion}|${type.kind}`, `composite ${type.kind} (${groupOf(type.apiVersion)})`);
      addEdge(key, target, 'compositeTypeRef');
    }
    const composed: Array<{ name?: string; base?: Record<string, any> }> = [];
    for (const step of Array.isArray(c.obj.spec?.pipeline) ? c.obj.spec.pipeline : []) {
      for (const r of Array.isArray(step?.input?.resources) ? step.input.resources : []) composed.push(r);
    }
    for (const r of Array.isArray(c.obj.spec?.resources) ? c.obj.spec.resources : []) composed.push(r);
    for (const r of composed) {
      const base = r?.base;
      if (!base || typeof base.kind !== 'string') continue;
      const k = addNode({
        key: `composed|${c.name}|${base.apiVersion ?? ''}|${base.kind}|${r.name ?? ''}`,
        category: 'composed',
        lines: [`${base.kind}${r.name ? ` ${r.name}` : ''}`, groupOf(String(base.apiVersion ?? ''))].filter((l) => l !== ''),
        environment: environmentOf(c.labels, c.file),
      });
      addEdge(key, k, 'composes');
    }
  }
  // Composite resources (XR instances) and claims of the XRDs above.
  for (const o of tree.objects) {
    const xrd = xrdByType.get(`${groupOf(o.apiVersion)}|${o.kind}`);
    if (!xrd) continue;
    const key = addNode({ key: objKey(o), category: 'composite', lines: [`${o.kind} ${qualified(o)}`], environment: envOf(o) });
    addEdge(key, xrd, 'kind');
  }

  // --- Environments: inherited from the cluster a node belongs to or applies to, else the folder --
  const inherit = (key: string, from: string) => {
    const n = nodes.get(key);
    const env = nodes.get(from)?.environment;
    if (n && n.environment === undefined && env !== undefined) n.environment = env;
  };
  for (const n of nodes.values()) if (n.cluster && n.cluster !== n.key) inherit(n.key, n.cluster);
  const sorted = [...edges.values()];
  for (const label of ['clusterName', 'kubeConfig', 'path', 'serviceAccountName', 'owner']) {
    for (const e of sorted) {
      if (e.label !== label) continue;
      // A Kustomization takes its cluster's environment; the folder it applies, the Kustomization's.
      if (label === 'path') inherit(e.to, e.from);
      else if (label === 'owner') inherit(e.from, e.to);
      else inherit(e.from, e.to);
    }
  }
  for (const o of tree.objects) {
    const n = nodes.get(objKey(o));
    if (n && n.environment === undefined) n.environment = environmentOf({}, o.file);
  }
  for (const n of nodes.values()) {
    if (n.category === 'folder' && n.environment === undefined) n.environment = environmentOf({}, `${n.key.slice('folder|'.length)}/x`);
  }

  const sortedNodes = [...nodes.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const present = new Set(nodes.keys());
  const sortedEdges = [...edges.values()]
    .filter((e) => present.has(e.from) && present.has(e.to))
    .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  return { repo: tree.name, objectCount: tree.objects.length, nodes: sortedNodes, edges: sortedEdges };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The environment label of an object (see environment.ts), or undefined. */
function labelledEnvironment(labels: Readonly<Record<string, string>>): string | undefined {
  return environmentOf(labels, '');
}

/** Node pools of a ClusterClass-based cluster (`spec.topology.workers`). */
function topologyPools(topology: Record<string, any> | undefined): number {
  const workers = topology?.workers;
  if (!workers || typeof workers !== 'object') return 0;
  return ['machinePools', 'machineDeployments'].reduce((n, f) => n + (Array.isArray(workers[f]) ? workers[f].length : 0), 0);
}

const WORKLOAD_POD_SPEC: Record<string, (spec: Record<string, any>) => unknown> = {
  Deployment: (s) => s.template?.spec,
  StatefulSet: (s) => s.template?.spec,
  DaemonSet: (s) => s.template?.spec,
  ReplicaSet: (s) => s.template?.spec,
  Job: (s) => s.template?.spec,
  CronJob: (s) => s.jobTemplate?.spec?.template?.spec,
  Pod: (s) => s,
};

/** The pod spec of a workload object, if it is one. */
function podSpecOf(o: TreeObject): Record<string, any> | undefined {
  const get = WORKLOAD_POD_SPEC[o.kind];
  const group = groupOf(o.apiVersion);
  if (!get || (group !== 'apps' && group !== 'batch' && group !== '') || !o.obj.spec || typeof o.obj.spec !== 'object') return undefined;
  const pod = get(o.obj.spec);
  return pod && typeof pod === 'object' ? (pod as Record<string, any>) : undefined;
}

/** The Secrets and ConfigMaps a pod spec reads, with the field that reads each. */
function podReferences(pod: Record<string, any>): Array<{ kind: 'Secret' | 'ConfigMap'; name: string; field: string }> {
  const out: Array<{ kind: 'Secret' | 'ConfigMap'; name: string; field: string }> = [];
  const add = (kind: 'Secret' | 'ConfigMap', name: unknown, field: string) => {
    if (typeof name === 'string') out.push({ kind, name, field });
  };
  const arr = (v: unknown): any[] => (Array.isArray(v) ? v : []);
  for (const c of [...arr(pod.containers), ...arr(pod.initContainers)]) {
    for (const e of arr(c?.env)) {
      add('Secret', e?.valueFrom?.secretKeyRef?.name, 'secretKeyRef');
      add('ConfigMap', e?.valueFrom?.configMapKeyRef?.name, 'configMapKeyRef');
    }
    for (const e of arr(c?.envFrom)) {
      add('Secret', e?.secretRef?.name, 'envFrom');
      add('ConfigMap', e?.configMapRef?.name, 'envFrom');
    }
  }
  for (const v of arr(pod.volumes)) {
    add('Secret', v?.secret?.secretName, 'volumes');
    add('ConfigMap', v?.configMap?.name, 'volumes');
    for (const src of arr(v?.projected?.sources)) {
      add('Secret', src?.secret?.name, 'volumes');
      add('ConfigMap', src?.configMap?.name, 'volumes');
    }
  }
  return out;
}

/**
 * How many objects a Flux Kustomization of a path builds (and whether some come from directories
 * below it), as kustomize-controller builds it (`builtDirectories`, lib/core/flux-build.ts, the
 * model the apply-order check and the destroy guard share): what the path's kustomization file
 * lists, recursively, or, without one, every file below the path (Flux generates the
 * kustomization file). A sub-folder the kustomization file does not list is not counted. Without
 * the tree's kustomization files (a tree made by hand), every object at or below the path.
 */
function builtObjects(tree: RepoTree, folderObjects: ReadonlyMap<string, number>, objectsBelow: ReadonlyMap<string, number>): (path: string) => { objects: number; subFolders: boolean } {
  const kustomizations = tree.kustomizations;
  if (!kustomizations) return (p) => ({ objects: objectsBelow.get(p) ?? 0, subFolders: (objectsBelow.get(p) ?? 0) !== (folderObjects.get(p) ?? 0) });
  const fileObjects = new Map<string, number>();
  for (const o of tree.objects) fileObjects.set(o.file, (fileObjects.get(o.file) ?? 0) + 1);
  const dirSet = new Set([...folderObjects.keys(), ...kustomizations.keys()]);
  const dirs = [...dirSet].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const resolved = new Map<string, { dirs: string[]; files: string[] }>();
  const resolve = (d: string) => {
    let r = resolved.get(d);
    if (!r) resolved.set(d, (r = listedEntries(d, kustomizations.get(d) ?? [], (p) => kustomizations.has(p), (p) => fileObjects.has(p))));
    return r;
  };
  const buildTree: BuildTree<string> = {
    at: (p) => (dirSet.has(p) ? p : undefined),
    pathOf: (d) => d,
    isKustomized: (d) => kustomizations.has(d),
    listedDirs: (d) => resolve(d).dirs,
    atOrBelow: (p) => (p === '' ? dirs : [...(dirSet.has(p) ? [p] : []), ...withPrefix(dirs, `${p}/`, (d) => d)]),
  };
  return (p) => {
    let objects = 0;
    let subFolders = false;
    for (const d of builtDirectories(buildTree, p)) {
      const n = d.generated ? folderObjects.get(d.dir) ?? 0 : resolve(d.dir).files.reduce((sum, f) => sum + fileObjects.get(f)!, 0);
      objects += n;
      if (n > 0 && d.dir !== fluxBuildPath(p)) subFolders = true;
    }
    return { objects, subFolders };
  };
}

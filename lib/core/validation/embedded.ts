/**
 * Where Kubernetes objects are embedded inside other objects. Each embedded object is validated like a
 * top-level object (its own schema if the registry has one, metadata rules, its own embedding
 * locations — so nesting works), with issues reported on the outer object under the embedding path,
 * e.g. `spec.resources[0].spec.location`.
 *
 * Add entries to DEFAULT_EMBEDDINGS (or pass `embeddings` to the Validator) for more locations.
 */
import { fieldIndex, fieldKey } from './field-path';

export interface EmbeddingLocation {
  /** API group of the containing object (`''` for the core group). */
  readonly group: string;
  /** Kinds of the containing object. */
  readonly kinds: readonly string[];
  /**
   * Path of the embedded object(s) in the containing object: dot-separated property names, `[*]` for
   * every array item and `{*}` for every map value, e.g. `spec.resources[*]`.
   */
  readonly path: string;
  /**
   * Partial objects (bases that are completed later, e.g. by Crossplane patches): `required` fields and
   * CEL rules are not checked and metadata.name is optional. Unknown fields, types, enums, patterns are.
   */
  readonly partial?: boolean;
  /** Whether metadata.name (or generateName) is required; default: true unless `partial`. */
  readonly requireName?: boolean;
  /** What this is, for documentation. */
  readonly description?: string;
}

export const DEFAULT_EMBEDDINGS: readonly EmbeddingLocation[] = [
  {
    group: 'infrastructure.cluster.x-k8s.io',
    kinds: ['AzureASOManagedCluster', 'AzureASOManagedControlPlane', 'AzureASOManagedMachinePool'],
    path: 'spec.resources[*]',
    description: 'CAPZ: Azure Service Operator resources created for the cluster / control plane / pool',
  },
  {
    group: 'infrastructure.cluster.x-k8s.io',
    kinds: ['AzureASOManagedClusterTemplate', 'AzureASOManagedControlPlaneTemplate', 'AzureASOManagedMachinePoolTemplate'],
    path: 'spec.template.spec.resources[*]',
    description: 'CAPZ ClusterClass templates of the above',
  },
  {
    group: 'apiextensions.crossplane.io',
    kinds: ['Composition', 'CompositionRevision'],
    path: 'spec.pipeline[*].input',
    requireName: false,
    description: 'Crossplane composition function inputs (e.g. pt.fn.crossplane.io Resources)',
  },
  {
    group: 'ops.crossplane.io',
    kinds: ['Operation'],
    path: 'spec.pipeline[*].input',
    requireName: false,
    description: 'Crossplane operation function inputs',
  },
  {
    group: 'ops.crossplane.io',
    kinds: ['CronOperation', 'WatchOperation'],
    path: 'spec.operationTemplate.spec.pipeline[*].input',
    requireName: false,
    description: 'Crossplane operation template function inputs',
  },
  {
    group: 'pt.fn.crossplane.io',
    kinds: ['Resources'],
    path: 'resources[*].base',
    partial: true,
    description: 'function-patch-and-transform resource bases (patched later, so partial)',
  },
];

type Segment = { key: string } | { each: 'array' | 'map' };

const parsedPaths = new Map<string, Segment[]>();

function parsePath(p: string): Segment[] {
  let segs = parsedPaths.get(p);
  if (!segs) {
    segs = [];
    for (const part of p.split('.')) {
      const m = /^([^[{]*)((?:\[\*\]|\{\*\})*)$/.exec(part);
      if (!m) throw new Error(`invalid embedding path ${JSON.stringify(p)}`);
      if (m[1]) segs.push({ key: m[1] });
      for (const w of m[2].match(/\[\*\]|\{\*\}/g) ?? []) segs.push({ each: w === '[*]' ? 'array' : 'map' });
    }
    parsedPaths.set(p, segs);
  }
  return segs;
}

/** Values found at an embedding path, with their field paths (relative to `obj`). */
export function resolveEmbeddingPath(obj: unknown, p: string): Array<{ value: unknown; field: string }> {
  let cur: Array<{ value: unknown; field: string }> = [{ value: obj, field: '' }];
  for (const seg of parsePath(p)) {
    const next: Array<{ value: unknown; field: string }> = [];
    for (const { value, field } of cur) {
      if ('key' in seg) {
        if (isObj(value) && value[seg.key] !== undefined) next.push({ value: value[seg.key], field: fieldKey(field, seg.key) });
      } else if (seg.each === 'array') {
        if (Array.isArray(value)) value.forEach((v, i) => next.push({ value: v, field: fieldIndex(field, i) }));
      } else if (isObj(value)) {
        for (const [k, v] of Object.entries(value)) next.push({ value: v, field: fieldKey(field, k) });
      }
    }
    cur = next;
  }
  return cur;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

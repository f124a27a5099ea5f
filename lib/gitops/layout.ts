import * as YAML from 'yaml';
import { groupOf } from '../core/validation/metadata';
import { emitYaml } from './yaml-emit';

/** A Kubernetes object as plain JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

const TOP_LEVEL_ORDER = ['apiVersion', 'kind', 'metadata', 'spec'];
const METADATA_ORDER = ['name', 'generateName', 'namespace', 'labels', 'annotations'];

function reorder<T extends Record<string, unknown>>(obj: T, first: string[]): T {
  const out: Record<string, unknown> = {};
  for (const k of first) if (k in obj) out[k] = obj[k];
  for (const k of Object.keys(obj).sort()) if (!(k in out)) out[k] = obj[k];
  return out as T;
}

/**
 * Puts an object in the canonical form written to disk: top-level keys `apiVersion`, `kind`,
 * `metadata`, `spec`, then the rest alphabetically; metadata keys `name`, `namespace`, `labels`,
 * `annotations`, then the rest; no namespace on cluster-scoped kinds. (Nested keys are already
 * sorted by cdk8s.)
 */
export function canonicalize(obj: KubeObject, clusterScoped: boolean): KubeObject {
  const metadata = { ...obj.metadata };
  if (clusterScoped) delete metadata.namespace;
  return reorder({ ...obj, metadata: reorder(metadata, METADATA_ORDER) }, TOP_LEVEL_ORDER);
}

/**
 * Options every YAML file is written with: no line folding, and YAML 1.1 quoting so strings such
 * as `yes`, `on` or `1.20` stay strings for Kubernetes' YAML 1.1 parser.
 */
export const YAML_OPTIONS = { lineWidth: 0, version: '1.1' } as const;

/**
 * Whether to serialize with the fast emitter (byte-identical to `yaml` with {@link YAML_OPTIONS});
 * `CDK8S_PLATFORM_YAML=yaml` (read once, at load) uses `yaml` itself, to compare the two.
 */
export const FAST_YAML = process.env.CDK8S_PLATFORM_YAML !== 'yaml';

/**
 * Serializes one object as a YAML document with {@link YAML_OPTIONS}: the bytes of
 * `YAML.stringify(obj, YAML_OPTIONS)`, produced by the specialised emitter of `yaml-emit.ts`
 * (which hands anything it does not handle exactly to `yaml`).
 */
export function toYaml(obj: unknown): string {
  return FAST_YAML ? emitYaml(obj) : YAML.stringify(obj, YAML_OPTIONS);
}

/** Kinds listed first in a folder (kustomize and Flux apply them before the rest). */
const KIND_RANK: Record<string, number> = { Namespace: 0, CustomResourceDefinition: 1 };

function rank(kind: string): number {
  return KIND_RANK[kind] ?? 2;
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9.-]+/g, '-');
}

/**
 * File names for the objects of one folder: `<kind>-<name>.yaml`, lowercase. Objects that would
 * share a file name (same kind and name in different namespaces or API groups) get
 * `<kind>.<group>-<namespace>-<name>.yaml` instead. The result is in write order: Namespaces, then
 * CustomResourceDefinitions, then everything else by file name; it does not depend on the order
 * in which the objects were created. Each item comes back with its `file` added.
 */
export function fileNames<T extends { readonly obj: KubeObject }>(items: readonly T[]): Array<T & { file: string }> {
  const base = items.map(({ obj }) => `${slug(obj.kind)}-${slug(obj.metadata.name ?? '')}.yaml`);
  const count = new Map<string, number>();
  for (const b of base) count.set(b, (count.get(b) ?? 0) + 1);
  const named = items.map((item, i) => {
    const { obj } = item;
    let file = base[i];
    if ((count.get(file) ?? 0) > 1) {
      file = `${slug(obj.kind)}.${slug(groupOf(obj.apiVersion) || 'core')}-${slug(obj.metadata.namespace ?? '_')}-${slug(obj.metadata.name ?? '')}.yaml`;
    }
    return { ...item, file };
  });
  return named.sort((a, b) => rank(a.obj.kind) - rank(b.obj.kind) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** The `kustomization.yaml` of a folder listing `resources` in the given order. */
export function kustomizationYaml(resources: readonly string[]): string {
  return kustomizationFileYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' }, resources, {});
}

/**
 * A `kustomization.yaml` (a Kustomization, or a kustomize Component) with `resources` in the
 * given order, then `fields` (components, namespace, patches, images, ...) in their order.
 */
export function kustomizationFileYaml(head: { apiVersion: string; kind: string }, resources: readonly string[], fields: Record<string, unknown>): string {
  return toYaml({ apiVersion: head.apiVersion, kind: head.kind, resources: [...resources], ...fields });
}

/**
 * Which objects of a build the `$patch: delete` patches of a Flux Kustomization (`spec.patches`)
 * remove, as kustomize does: the apply-order model must not count, order or follow an object the
 * build drops (Flux's documented sharding setup builds the `flux-system` folder again for each
 * shard and deletes every Flux object from it).
 *
 * Target matching follows kustomize (api/types/selector.go, api/resource/resource.go
 * `MatchesSelector`): `group`, `version`, `kind`, `name` and `namespace` are regular expressions
 * matched against the whole value (`^(?:…)$`), an empty one matches anything; `labelSelector` and
 * `annotationSelector` are Kubernetes label selectors (equality- and set-based). A patch without a
 * target deletes the object its own apiVersion, kind, name and namespace name. The selector parser
 * is hand-written (about 40 lines): the npm packages that parse label selectors come with a
 * Kubernetes client, far more than this needs.
 */
import { parseAllDocuments } from 'yaml';
import { groupOf } from './validation/metadata';
import type { KubeObject } from '../gitops/layout';

/** One requirement of a label selector. */
interface Requirement {
  readonly key: string;
  readonly op: 'in' | 'notin' | 'exists' | '!exists';
  readonly values: readonly string[];
}

/**
 * The requirements of a Kubernetes label selector (`a=b,c!=d,e in (f,g),h notin (i),j,!k`);
 * undefined when it cannot be parsed (the patch is then taken to match nothing).
 */
export function parseLabelSelector(selector: string): Requirement[] | undefined {
  const out: Requirement[] = [];
  // Split on commas outside parentheses.
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of selector) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    if (p === '') continue;
    let m: RegExpMatchArray | null;
    if ((m = p.match(/^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/))) out.push({ key: m[1], op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]] });
    else if ((m = p.match(/^([^\s!=(),]+)\s+(in|notin)\s*\(([^()]*)\)$/))) out.push({ key: m[1], op: m[2] as 'in' | 'notin', values: m[3].split(',').map((v) => v.trim()).filter((v) => v !== '') });
    else if ((m = p.match(/^!\s*([^\s!=(),]+)$/))) out.push({ key: m[1], op: '!exists', values: [] });
    else if ((m = p.match(/^([^\s!=(),]+)$/))) out.push({ key: m[1], op: 'exists', values: [] });
    else return undefined;
  }
  return out;
}

function matchesSelector(requirements: readonly Requirement[], labels: Record<string, unknown> | undefined): boolean {
  return requirements.every((r) => {
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
    const value = has ? String(labels![r.key]) : undefined;
    switch (r.op) {
      case 'exists': return has;
      case '!exists': return !has;
      case 'in': return has && r.values.includes(value!);
      case 'notin': return !has || !r.values.includes(value!);
    }
  });
}

function anchored(pattern: unknown): RegExp | undefined {
  if (typeof pattern !== 'string' || pattern === '') return undefined;
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    return /(?!)/; // an invalid expression matches nothing (kustomize refuses the build)
  }
}

interface Target {
  group?: unknown;
  version?: unknown;
  kind?: unknown;
  name?: unknown;
  namespace?: unknown;
  labelSelector?: unknown;
  annotationSelector?: unknown;
}

/** A predicate for the objects a kustomize patch target selects. */
function targetMatcher(t: Target): (o: KubeObject) => boolean {
  const group = anchored(t.group);
  const version = anchored(t.version);
  const kind = anchored(t.kind);
  const name = anchored(t.name);
  const namespace = anchored(t.namespace);
  const labels = typeof t.labelSelector === 'string' ? parseLabelSelector(t.labelSelector) : [];
  const annotations = typeof t.annotationSelector === 'string' ? parseLabelSelector(t.annotationSelector) : [];
  if (labels === undefined || annotations === undefined) return () => false;
  return (o) => {
    const apiVersion = String(o.apiVersion ?? '');
    const v = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    return (
      (!group || group.test(groupOf(apiVersion))) &&
      (!version || version.test(v)) &&
      (!kind || kind.test(String(o.kind ?? ''))) &&
      (!name || name.test(String(o.metadata?.name ?? ''))) &&
      (!namespace || namespace.test(String(o.metadata?.namespace ?? ''))) &&
      matchesSelector(labels, o.metadata?.labels as Record<string, unknown> | undefined) &&
      matchesSelector(annotations, o.metadata?.annotations as Record<string, unknown> | undefined)
    );
  };
}

/**
 * A predicate for the objects of a build that the `$patch: delete` entries of `patches` (a Flux
 * Kustomization's `spec.patches`: `{ patch, target? }`) delete; undefined when none does.
 */
export function deletedByPatches(patches: unknown): ((o: KubeObject) => boolean) | undefined {
  if (!Array.isArray(patches)) return undefined;
  const matchers: Array<(o: KubeObject) => boolean> = [];
  for (const p of patches) {
    const { patch, target } = (p ?? {}) as { patch?: unknown; target?: unknown };
    if (typeof patch !== 'string' || !patch.includes('$patch')) continue;
    let docs: unknown[];
    try {
      docs = parseAllDocuments(patch).map((d) => d.toJS());
    } catch {
      continue;
    }
    for (const doc of docs) {
      const body = (doc ?? {}) as { $patch?: unknown; apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
      if (body.$patch !== 'delete') continue;
      if (target && typeof target === 'object') {
        matchers.push(targetMatcher(target as Target));
      } else if (typeof body.kind === 'string' && typeof body.metadata?.name === 'string') {
        // No target: the patch names its object, namespace included: without one it names an
        // object without namespace (kustomize: "no matches for Id Widget.v1.example.com/w.[noNs]"
        // for a namespaced object, which fails the build; such a patch deletes nothing here).
        const group = typeof body.apiVersion === 'string' ? groupOf(body.apiVersion) : undefined;
        const ns = typeof body.metadata.namespace === 'string' ? body.metadata.namespace : undefined;
        matchers.push((o) =>
          o.kind === body.kind && o.metadata?.name === body.metadata!.name && (group === undefined || groupOf(String(o.apiVersion ?? '')) === group) &&
          (o.metadata?.namespace ?? undefined) === ns);
      }
    }
  }
  return matchers.length > 0 ? (o) => matchers.some((m) => m(o)) : undefined;
}

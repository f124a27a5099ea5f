/**
 * Kinds whose objects make a controller create other objects, and delete them with themselves:
 * Crossplane composite resources (XRs) and claims, and kro instances. The destroy guard uses this
 * to protect such an object when what it makes includes a stateful kind (`isStatefulKind`), and
 * the definitions whose deletion deletes every object of such a kind:
 *
 * - **XR**: Crossplane deletes the composed resources of a deleted XR (they are owned by it; a
 *   composed resource whose `managementPolicies` omit `Delete` orphans its external resource, but
 *   is no longer managed).
 * - **Claim** (legacy XRDs' `claimNames`): the claim reconciler deletes the bound XR when the claim
 *   is deleted (crossplane `internal/controller/apiextensions/claim/reconciler.go`, "Successfully
 *   deleted composite resource"), whatever `compositeDeletePolicy` says (it only picks background
 *   or foreground deletion).
 * - **kro instance**: kro deletes every resource of the instance's apply set, wave by wave, before
 *   it removes its finalizer (kro `pkg/controller/instance/deletion.go`, `reconcileDeletion`).
 * - **CompositeResourceDefinition**: its deletion makes Crossplane delete every XR of its kind
 *   (`DeleteAllOf`, crossplane `internal/controller/apiextensions/definition/reconciler.go`) and
 *   every claim (`offered` reconciler), then the CRD.
 * - **CustomResourceDefinition**: its deletion deletes every object of its kind in the cluster.
 * - **Provider** (an upjet-azure package, `upjetAzureApiGroups`) installing a stateful kind: its
 *   deletion deletes its revisions, which own the kinds' CustomResourceDefinitions, and so every
 *   managed resource of them (crossplane/crossplane#6001; #4251: stuck when the provider is gone
 *   first; provider-upjet-gcp#541: deleted in the cloud while it still runs).
 *
 * A kro ResourceGraphDefinition's deletion is not such a path: kro leaves the instance CRD (and so
 * the instances) unless its controller runs with `--allow-crd-deletion` (off by default).
 *
 * What a kind makes is read from the Compositions (bases of `spec.resources` and of each pipeline
 * step's `input.resources`, as function-patch-and-transform takes them; the `apiVersion` and
 * `kind` pairs written in a step's inline sources, as function-go-templating, function-kcl or
 * function-python take them) and kro graphs (`spec.resources[].template`; an `externalRef` is
 * read, not created) the guard is given, and followed through kinds that are themselves composite,
 * claim or instance kinds (a Composition composing another XR kind, a graph creating an XR). A
 * pipeline step of which nothing can be read (a function without input, or whose sources are
 * fetched from elsewhere), of a function not known to compose nothing (`NON_COMPOSING_FUNCTIONS`,
 * by its package, else its name), counts as making something stateful the guard cannot read: the
 * guard cannot tell, so the deletion needs an allow.
 */
import { someOf } from '../core/list-text';
import { ASO_RECONCILE_POLICY, ASO_RECONCILE_POLICY_ANNOTATION, isStatefulKind, RemovalPolicy, statefulKindsOf } from '../core/removal-policy';
import { inApiGroups, upjetAzureApiGroups } from '../core/upjet-azure-groups';
import { groupOf } from '../core/validation/metadata';
import type { PlainObject } from './protection';

type Json = Record<string, unknown>;

const CROSSPLANE_GROUP = 'apiextensions.crossplane.io';

/** `group/Kind`. */
function keyOf(apiVersion: string, kind: string): string {
  return `${groupOf(apiVersion)}/${kind}`;
}

/** A Composition or kro graph: its name and the kinds it makes (`group/Kind`, sorted, unique). */
interface Maker {
  readonly name: string;
  readonly makes: readonly string[];
  /**
   * The made kinds every readable base or template of which explicitly deletes its resource with
   * the maker's object ({@link explicitlyDeletes}): a decision the default retention respects.
   */
  readonly deletes?: readonly string[];
  /** Pipeline steps of which nothing can be read, with the name of their function (`functionRef.name`). */
  readonly opaque?: ReadonlyArray<{ readonly step: string; readonly fn: string }>;
}

/**
 * Composition functions that compose no resource of their own (they read, filter, order, tag or
 * report on what other steps compose), by package name.
 */
export const NON_COMPOSING_FUNCTIONS: readonly string[] = [
  'function-auto-ready', 'function-cel-filter', 'function-environment-configs', 'function-extra-resources',
  'function-msgraph', 'function-sequencer', 'function-status-transformer', 'function-tag-manager',
];

/** Marks a made "kind" that stands for what an unreadable pipeline step composes. */
const OPAQUE = '?';

/**
 * The `apiVersion` / `kind` pairs written in source text (a Go template's YAML, KCL, Python, CUE):
 * in each YAML document (`---`-separated), each literal `apiVersion` value with the literal `kind`
 * value nearest to it (within 400 characters). Documents of a function's meta objects
 * (`*.fn.crossplane.io`, `*.krm.kcl.dev`: ExtraResources requirements, composite status, context)
 * are left out with the kinds they name. `dynamic` is true when an `apiVersion` or `kind` value
 * is not a literal (a template expression or a variable): what the source composes is then not
 * known from its text.
 */
export function readSource(text: string): { kinds: Array<{ apiVersion: string; kind: string }>; dynamic: boolean } {
  const kinds: Array<{ apiVersion: string; kind: string }> = [];
  let dynamic = false;
  for (const doc of text.split(/^---[ \t]*$/m)) {
    const versions = [...doc.matchAll(/\bapiVersion["']?\s*[:=]\s*["']?((?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?v[0-9][a-z0-9]*)\b/g)];
    const literalKinds = [...doc.matchAll(/\bkind["']?\s*[:=]\s*["']?([A-Z][A-Za-z0-9]*)\b/g)];
    if (versions.some((v) => FUNCTION_META_GROUP.test(groupOf(v[1])))) continue;
    // An apiVersion / kind whose value is not a literal (a template expression, a variable) makes
    // the text say nothing sure; the composite's own (`.observed.composite.resource.kind`, KCL's
    // `oxr`), written to set its status, composes nothing.
    for (const m of doc.matchAll(/\b(?:apiVersion|kind)["']?[ \t]*(?::=|[:=])[ \t]*([^\n,}]*)/g)) {
      const value = m[1].trim();
      if (value === '' || /^["']?(?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?v[0-9][a-z0-9]*\b|^["']?[A-Z][A-Za-z0-9]*\b/.test(value)) continue;
      if (/observed\.composite|\boxr\b|\bdxr\b/.test(value)) continue;
      dynamic = true;
    }
    for (const v of versions) {
      let best: RegExpMatchArray | undefined;
      for (const k of literalKinds) if (Math.abs(k.index! - v.index!) <= 400 && (!best || Math.abs(k.index! - v.index!) < Math.abs(best.index! - v.index!))) best = k;
      if (best) kinds.push({ apiVersion: v[1], kind: best[1] });
    }
  }
  return { kinds, dynamic };
}

/** The `apiVersion` / `kind` pairs written in source text: {@link readSource}'s `kinds`. */
export function kindsInSource(text: string): Array<{ apiVersion: string; kind: string }> {
  return readSource(text).kinds;
}

/** The annotations naming a composed resource in function-go-templating and function-kcl output. */
const RESOURCE_NAME_ANNOTATION = /(?:gotemplating\.fn\.crossplane\.io|krm\.kcl\.dev)\/composition-resource-name["']?[ \t]*[:=][ \t]*([^\n,}]*)/g;

/**
 * The composed resources a function step's source names (function-go-templating's
 * `gotemplating.fn.crossplane.io/composition-resource-name`, function-kcl's
 * `krm.kcl.dev/composition-resource-name` annotations): name → the `apiVersion` and `kind` nearest
 * to it in its YAML document (Crossplane keeps a composed resource by that name, and deletes the
 * ones of a composite resource the desired state no longer names). `dynamic` is true when a name
 * is not a literal (a template expression or a variable).
 */
export function namedEntriesInSource(text: string): { entries: Map<string, { apiVersion: string; kind: string }>; dynamic: boolean } {
  const entries = new Map<string, { apiVersion: string; kind: string }>();
  let dynamic = false;
  for (const doc of text.split(/^---[ \t]*$/m)) {
    const names = [...doc.matchAll(RESOURCE_NAME_ANNOTATION)];
    if (names.length === 0) continue;
    const versions = [...doc.matchAll(/\bapiVersion["']?\s*[:=]\s*["']?((?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?v[0-9][a-z0-9]*)\b/g)];
    const kinds = [...doc.matchAll(/\bkind["']?\s*[:=]\s*["']?([A-Z][A-Za-z0-9]*)\b/g)];
    const nearest = (list: RegExpMatchArray[], at: number) => list.reduce<RegExpMatchArray | undefined>((best, m) => (!best || Math.abs(m.index! - at) < Math.abs(best.index! - at) ? m : best), undefined);
    for (const m of names) {
      const value = /^["']?([a-z0-9]([-a-z0-9.]*[a-z0-9])?)["']?\s*$/.exec(m[1].trim());
      if (!value) {
        dynamic = true;
        continue;
      }
      const v = nearest(versions, m.index!);
      const k = nearest(kinds, m.index!);
      if (v && k) entries.set(value[1], { apiVersion: v[1], kind: k[1] });
    }
  }
  return { entries, dynamic };
}

/** The string values of a step's input (its inline sources), depth first. */
export function stringsOf(v: unknown, into: string[]): void {
  if (typeof v === 'string') into.push(v);
  else if (Array.isArray(v)) for (const x of v) stringsOf(x, into);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) stringsOf(x, into);
}

/**
 * Groups whose kinds a function's output names without them being composed: the meta objects of
 * function-go-templating (`meta.gotemplating.fn.crossplane.io`) and function-kcl (`meta.krm.kcl.dev`).
 */
const FUNCTION_META_GROUP = /(^|\.)(fn\.crossplane\.io|krm\.kcl\.dev)$/;

/**
 * The kinds (`apiVersion`, `kind`) of the object templates in `list` (`base` or `template` of each
 * entry); with `deletes`, each kind mapped to whether every template of it so far explicitly
 * deletes its resource ({@link explicitlyDeletes}).
 */
function kindsOf(list: unknown, field: 'base' | 'template', into: Set<string>, deletes?: Map<string, boolean>): void {
  if (!Array.isArray(list)) return;
  for (const entry of list) {
    const t = (entry as Json | null)?.[field] as Json | undefined;
    if (!t || typeof t.apiVersion !== 'string' || typeof t.kind !== 'string') continue;
    const key = keyOf(t.apiVersion, t.kind);
    into.add(key);
    deletes?.set(key, (deletes.get(key) ?? true) && explicitlyDeletes(t));
  }
}

/**
 * Whether a composed object's template says, in so many words, that its resource goes with it:
 * Crossplane `spec.managementPolicies` with `Delete` or `*` (a RemovalPolicy.DESTROY base), or
 * ASO's `serviceoperator.azure.com/reconcile-policy: manage`. Left out, the controllers delete it
 * too, but nobody decided that.
 */
function explicitlyDeletes(t: Json): boolean {
  const policies = (t.spec as Json | undefined)?.managementPolicies;
  if (Array.isArray(policies)) return policies.includes('*') || policies.includes('Delete');
  const annotations = ((t.metadata as Json | undefined)?.annotations ?? {}) as Json;
  return annotations[ASO_RECONCILE_POLICY_ANNOTATION] === ASO_RECONCILE_POLICY[RemovalPolicy.DESTROY];
}

/** The definitions the guard reads to know what composite, claim and kro instance kinds make. */
export function definesComposedKinds(o: { apiVersion: string; kind: string }): boolean {
  const group = groupOf(o.apiVersion);
  return ((o.kind === 'Composition' || o.kind === 'CompositeResourceDefinition') && group === CROSSPLANE_GROUP) || (o.kind === 'ResourceGraphDefinition' && group === 'kro.run') ||
    (o.kind === 'Function' && group === 'pkg.crossplane.io');
}

/**
 * What the composite, claim and kro instance kinds of an app make, from its Compositions,
 * CompositeResourceDefinitions and ResourceGraphDefinitions (old and new: {@link add} each), and
 * the protection reasons that follow ({@link reasons}).
 */
export class ComposedKinds {
  /** Compositions by composite kind. */
  private readonly compositions = new Map<string, Maker[]>();
  /** kro graphs by instance kind. */
  private readonly graphs = new Map<string, Maker[]>();
  /** Claim kind → composite kind (legacy XRDs' `claimNames`). */
  private readonly claims = new Map<string, string>();
  /** Composite kind → its claim kind. */
  private readonly claimOf = new Map<string, string>();
  /** Composite kind → the Composition its XRD enforces (`spec.enforcedCompositionRef`). */
  private readonly enforced = new Map<string, string>();
  /** Function packages by Function name (`pkg.crossplane.io` Functions of the app). */
  private readonly functions = new Map<string, string>();
  private readonly statefulCache = new Map<string, string[]>();

  /**
   * Adds a Composition, CompositeResourceDefinition or ResourceGraphDefinition (others are
   * ignored). Two of one name for one kind (the committed and the new one, or one per cluster or
   * repo) count as one that makes what either makes.
   */
  public add(o: PlainObject): void {
    if (!definesComposedKinds(o)) return;
    const name = o.metadata?.name ?? '';
    const spec = (o.spec ?? {}) as Json;
    this.statefulCache.clear();
    if (o.kind === 'Function') {
      if (typeof spec.package === 'string') this.functions.set(name, spec.package);
    } else if (o.kind === 'Composition') {
      const type = spec.compositeTypeRef as { apiVersion?: unknown; kind?: unknown } | undefined;
      if (typeof type?.apiVersion !== 'string' || typeof type.kind !== 'string') return;
      const makes = new Set<string>();
      const deletes = new Map<string, boolean>();
      const opaque: Array<{ step: string; fn: string }> = [];
      kindsOf(spec.resources, 'base', makes, deletes);
      if (Array.isArray(spec.pipeline)) {
        for (const step of spec.pipeline as Array<Json | null>) {
          const input = step?.input as Json | undefined;
          kindsOf(input?.resources, 'base', makes, deletes);
          const sources: string[] = [];
          stringsOf(input, sources);
          let written = 0;
          let dynamic = false;
          for (const text of sources) {
            const read = readSource(text);
            dynamic ||= read.dynamic;
            for (const k of read.kinds) {
              const key = keyOf(k.apiVersion, k.kind);
              makes.add(key);
              deletes.set(key, false); // a template's text: what it decides is not read
              written++;
            }
          }
          const fn = (step?.functionRef as Json | undefined)?.name;
          // Nothing read, or kinds built at run time: the step may compose anything.
          if ((written === 0 || dynamic) && !Array.isArray(input?.resources)) opaque.push({ step: String(step?.step ?? ''), fn: typeof fn === 'string' ? fn : '' });
        }
      }
      merge(this.compositions, keyOf(type.apiVersion, type.kind), name, makes, opaque, deletes);
    } else if (o.kind === 'CompositeResourceDefinition') {
      const group = spec.group;
      const kind = (spec.names as Json | undefined)?.kind;
      if (typeof group !== 'string' || typeof kind !== 'string') return;
      const key = `${group}/${kind}`;
      const enforced = (spec.enforcedCompositionRef as Json | undefined)?.name;
      if (typeof enforced === 'string') this.enforced.set(key, enforced);
      const claim = (spec.claimNames as Json | undefined)?.kind;
      if (typeof claim !== 'string') return;
      this.claims.set(`${group}/${claim}`, key);
      this.claimOf.set(key, `${group}/${claim}`);
    } else {
      const schema = (spec.schema ?? {}) as Json;
      if (typeof schema.kind !== 'string') return;
      const makes = new Set<string>();
      const deletes = new Map<string, boolean>();
      kindsOf(spec.resources, 'template', makes, deletes);
      merge(this.graphs, `${typeof schema.group === 'string' ? schema.group : 'kro.run'}/${schema.kind}`, name, makes, [], deletes);
    }
  }

  /** The Compositions and graphs making objects of kind `key` (a claim kind's: its composite kind's). */
  private makersOf(key: string): Maker[] {
    return [...(this.compositions.get(this.claims.get(key) ?? key) ?? []), ...(this.graphs.get(key) ?? [])];
  }

  /**
   * The stateful kinds objects of kind `key` make, directly or through the composite, claim and
   * instance kinds they make (`group/Kind`, or `group/Kind (through group/Kind)` naming the kind
   * they make that leads to it), each once, sorted; `only` restricts the first step to one
   * Composition or graph (an XR's `compositionRef`). A breadth-first walk: each kind is visited once.
   */
  private statefulOf(key: string, only?: string, kept = false): string[] {
    const cacheKey = `${key}\u0000${only ?? ''}\u0000${kept ? 'kept' : ''}`;
    const hit = this.statefulCache.get(cacheKey);
    if (hit) return hit;
    const direct = new Set<string>();
    const through = new Map<string, string>();
    const seen = new Set<string>([key]);
    const queue: Array<{ kind: string; hop: string }> = [];
    const visit = (makers: readonly Maker[], hop?: string) => {
      for (const m of makers) {
        for (const o of m.opaque ?? []) {
          if (this.composesNothing(o.fn)) continue;
          const made = `${OPAQUE}step "${o.step}" of Composition ${m.name} (function ${o.fn || 'unnamed'})`;
          if (hop === undefined) direct.add(made);
          else if (!through.has(made)) through.set(made, hop);
        }
        for (const made of m.makes) {
          // Kept only: not what the maker explicitly deletes with its object.
          if (kept && m.deletes?.includes(made)) continue;
          const slash = made.indexOf('/');
          if (isStatefulKind(`${made.slice(0, slash)}/v1`, made.slice(slash + 1))) {
            if (hop === undefined) direct.add(made);
            else if (!through.has(made)) through.set(made, hop);
          } else if (!seen.has(made) && this.makersOf(made).length > 0) {
            seen.add(made);
            queue.push({ kind: made, hop: hop ?? made });
          }
        }
      }
    };
    visit(this.makersOf(key).filter((m) => only === undefined || m.name === only));
    for (let i = 0; i < queue.length; i++) visit(this.makersOf(queue[i].kind), queue[i].hop);
    const list = [...direct, ...[...through].filter(([s]) => !direct.has(s)).map(([s, hop]) => `${s} (through ${hop})`)].sort();
    this.statefulCache.set(cacheKey, list);
    return list;
  }

  /** Whether a Function (by name) is known to compose nothing: its package's, else its own name, is one of {@link NON_COMPOSING_FUNCTIONS}. */
  private composesNothing(fn: string): boolean {
    const pkg = this.functions.get(fn);
    const base = pkg ? pkg.replace(/[@:][^/]*$/, '').split('/').pop()! : fn;
    // A Function installed as a dependency is named after its package path (crossplane-contrib-function-auto-ready).
    return NON_COMPOSING_FUNCTIONS.some((f) => base === f || base.endsWith(`-${f}`));
  }

  /** The stateful kinds each Composition of composite kind `key` makes (those making some), by name. */
  private compositionsMaking(key: string, only?: string): Array<{ name: string; stateful: string[] }> {
    return (this.compositions.get(key) ?? [])
      .filter((c) => only === undefined || c.name === only)
      .map((c) => ({ name: c.name, stateful: this.statefulOf(key, c.name) }))
      .filter((c) => c.stateful.length > 0);
  }

  /**
   * Why deleting `obj` deletes stateful resources through what it makes (empty: it does not, as
   * far as the definitions given tell): an XR, a claim, a kro instance, a
   * CompositeResourceDefinition or a CustomResourceDefinition of such a kind (or of a stateful kind).
   */
  public reasons(obj: PlainObject): string[] {
    const group = groupOf(obj.apiVersion);
    const spec = (obj.spec ?? {}) as Json;
    if (obj.kind === 'CompositeResourceDefinition' && group === CROSSPLANE_GROUP) {
      const kind = (spec.names as Json | undefined)?.kind;
      if (typeof spec.group !== 'string' || typeof kind !== 'string') return [];
      const key = `${spec.group}/${kind}`;
      const stateful = this.statefulOf(key);
      if (stateful.length === 0) return [];
      const claim = this.claimOf.get(key);
      return [
        `defines composite kind ${key}${claim ? ` (claims ${claim})` : ''}, whose Compositions compose ${madeText(stateful)}: deleting it makes Crossplane delete every composite resource of the kind${claim ? ' and every claim' : ''}, and what they composed`,
      ];
    }
    if (obj.kind === 'CustomResourceDefinition' && group === 'apiextensions.k8s.io') {
      const kind = (spec.names as Json | undefined)?.kind;
      if (typeof spec.group !== 'string' || typeof kind !== 'string') return [];
      const key = `${spec.group}/${kind}`;
      if (isStatefulKind(`${spec.group}/v1`, kind)) return [`defines stateful kind ${key}: deleting it deletes every ${kind} of the cluster`];
      const stateful = this.statefulOf(key);
      return stateful.length > 0 ? [`defines kind ${key}, whose objects make ${madeText(stateful)}: deleting it deletes every ${kind} of the cluster, and what they made`] : [];
    }
    if (obj.kind === 'Provider' && group === 'pkg.crossplane.io') {
      const groups = typeof spec.package === 'string' ? upjetAzureApiGroups(spec.package) : undefined;
      const stateful = groups ? statefulKindsOf((g) => inApiGroups(g, groups)) : [];
      return stateful.length > 0
        ? [
          `installs the kinds of ${groups!.join(', ')}, stateful ${someOf(stateful, 4)} among them: deleting it deletes its revisions and, through them, the kinds' CustomResourceDefinitions, ` +
            'and every managed resource of them (deleted in Azure if the provider still runs, else stuck: crossplane/crossplane#6001, #4251); delete or retain those managed resources first, then the provider',
        ]
        : [];
    }
    const key = keyOf(obj.apiVersion, obj.kind);
    const composite = this.claims.get(key);
    if (composite !== undefined) {
      // A claim names its Composition in spec.compositionRef (passed on to its XR), unless its XRD enforces one.
      return this.compositionsMaking(composite, this.compositionNamed(composite, spec)).map(
        (c) => `claim of composite kind ${composite}: deleting it makes Crossplane delete its composite resource, and what Composition ${c.name} composed, including ${madeText(c.stateful)}`,
      );
    }
    const out: string[] = [];
    if (this.compositions.has(key)) {
      for (const c of this.compositionsMaking(key, this.compositionNamed(key, spec))) {
        out.push(`composite resource of Composition ${c.name}: deleting it deletes what the composition created, including ${madeText(c.stateful)}`);
      }
    }
    for (const g of this.graphs.get(key) ?? []) {
      const stateful = this.statefulOf(key, g.name);
      if (stateful.length === 0) continue;
      out.push(
        `instance of ResourceGraphDefinition ${g.name}: deleting it makes kro delete every resource of its graph, including ${madeText(stateful)} ` +
          '(an Azure resource too, unless its object is retained: ASO\'s detach-on-delete orphans it)',
      );
    }
    return out;
  }

  /**
   * The Composition an XR or claim of composite kind `composite` is made by, when one is named:
   * the one its XRD enforces (`spec.enforcedCompositionRef`), else its own `compositionRef`
   * (an XR's `spec.crossplane.compositionRef` in v2, `spec.compositionRef` for v1 XRs and claims).
   */
  private compositionNamed(composite: string, spec: Json): string | undefined {
    const ref = this.enforced.get(composite) ?? ((spec.crossplane as Json | undefined)?.compositionRef as Json | undefined)?.name ?? (spec.compositionRef as Json | undefined)?.name;
    return typeof ref === 'string' ? ref : undefined;
  }

  /** Whether objects of this kind make others: a composite, claim or kro instance kind of the definitions given. */
  public makesObjects(apiVersion: string, kind: string): boolean {
    const key = keyOf(apiVersion, kind);
    return this.compositions.has(key) || this.claims.has(key) || this.graphs.has(key);
  }

  /**
   * The stateful kinds that deleting `obj` (an XR, a claim or a kro instance) would delete, or
   * leave unmanaged, through what its Compositions or graph made, leaving out the kinds they
   * explicitly delete with it (a RemovalPolicy.DESTROY base: `managementPolicies` with `Delete`,
   * ASO `reconcile-policy: manage`); what a pipeline step composes that cannot be read counts.
   * Empty for other objects. Synth retains such an object by default (`retainComposites`).
   */
  public keptThrough(obj: PlainObject): string[] {
    const key = keyOf(obj.apiVersion, obj.kind);
    const spec = (obj.spec ?? {}) as Json;
    const out = new Set<string>();
    const composite = this.claims.get(key) ?? (this.compositions.has(key) ? key : undefined);
    if (composite !== undefined) {
      for (const s of this.statefulOf(composite, this.compositionNamed(composite, spec), true)) out.add(s);
    }
    for (const g of this.graphs.get(key) ?? []) for (const s of this.statefulOf(key, g.name, true)) out.add(s);
    return [...out].sort();
  }
}

/** A {@link ComposedKinds} of the definitions among `objects` (objects of other kinds are not parsed). */
export function composedKindsOf(objects: Iterable<{ readonly apiVersion: string; readonly kind: string; readonly obj?: PlainObject }>): ComposedKinds {
  const model = new ComposedKinds();
  for (const o of objects) if (definesComposedKinds(o) && o.obj) model.add(o.obj);
  return model;
}

/**
 * What a list of made kinds says (see `statefulOf`): `stateful A, B`, and what the steps it cannot
 * read compose ("what step "x" of Composition c (function f) composes, which the guard cannot read").
 */
function madeText(list: readonly string[]): string {
  const known = list.filter((s) => !s.startsWith(OPAQUE));
  const opaque = list.filter((s) => s.startsWith(OPAQUE)).map((s) => s.slice(OPAQUE.length));
  const parts: string[] = [];
  // Core kinds are keyed with an empty group (`/PersistentVolumeClaim`): shown without it.
  if (known.length > 0) parts.push(`stateful ${known.map((k) => k.replace(/^\//, '')).join(', ')}`);
  if (opaque.length > 0) {
    parts.push(`what ${opaque.join(', ')} compose${opaque.length === 1 ? 's' : ''}, which the guard cannot read (it may be stateful: allow the deletion once you know it is not)`);
  }
  return parts.join(', and ');
}

/** Adds maker `name` of kind `key`, or what it makes to the one of that name. */
function merge(m: Map<string, Maker[]>, key: string, name: string, makes: ReadonlySet<string>, opaque: ReadonlyArray<{ step: string; fn: string }> = [], deletes: ReadonlyMap<string, boolean> = new Map()): void {
  const list = m.get(key) ?? [];
  const i = list.findIndex((x) => x.name === name);
  const steps = (a: Maker['opaque'] = []) => {
    const all = [...a, ...opaque];
    return all.filter((o, j) => all.findIndex((x) => x.step === o.step && x.fn === o.fn) === j);
  };
  if (i >= 0) {
    // The two (committed and new, or one per cluster) delete a kind only when each making it does.
    const before = list[i];
    const all = [...new Set([...before.makes, ...makes])].sort();
    const deleted = all.filter((k) => (!before.makes.includes(k) || (before.deletes ?? []).includes(k)) && (!makes.has(k) || deletes.get(k) === true));
    list[i] = { name, makes: all, opaque: steps(before.opaque), deletes: deleted };
  } else list.push({ name, makes: [...makes].sort(), opaque: steps(), deletes: [...makes].filter((k) => deletes.get(k) === true).sort() });
  m.set(key, list);
}

/**
 * SchemaRegistry: where the validator finds the openAPIV3Schema of an apiVersion/kind.
 *
 * Two sources, which can be layered (later additions override earlier ones for the same key):
 *  - the compact schema directory written by the import script (`imports/schemas/`): an `index.json`
 *    mapping `<group>/<version>/<Kind>` to `{file, scope}`, each file being minified JSON
 *    `{apiVersion, kind, scope, schema}`. Files are read lazily, on first use of the kind;
 *  - CustomResourceDefinition documents (`fromCrds`, `addCrd`, `addCrdPath`), e.g. upstream CRD YAML.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

export type Scope = 'Namespaced' | 'Cluster';

/** The schema of one apiVersion/kind. `schema` is the CRD's openAPIV3Schema (descriptions optional). */
export interface KindSchema {
  readonly apiVersion: string;
  readonly kind: string;
  readonly scope: Scope;
  readonly schema: Record<string, unknown>;
  /** Where it came from (file path or a label), for diagnostics. */
  readonly source: string;
  /**
   * What kind of schema it is, for coverage counts: `crd` (bundled CRD schema), `core` (bundled
   * built-in Kubernetes kind), `registered` (added by the user: `crds`, `--crds`, cdk8s.yaml imports,
   * {@link SchemaRegistry.register}).
   * @default 'registered'
   */
  readonly origin?: SchemaOrigin;
}

/** What kind of schema validated an object (see KindSchema.origin). */
export type SchemaOrigin = 'crd' | 'core' | 'registered';

interface LazyEntry {
  readonly scope: Scope;
  readonly origin: SchemaOrigin;
  readonly source: string;
  /** The compact schema file it is loaded from (entries of a schema directory). */
  readonly file?: string;
  loaded?: KindSchema;
  readonly load: () => KindSchema;
}

/**
 * A {@link SchemaRegistry} as plain data (structured-cloneable), to rebuild it on a worker thread
 * ({@link SchemaRegistry.fromPortable}): every kind of the registry and its parents, the schemas of
 * compact directories as their files (read on first use there too), the others as schemas.
 */
export interface PortableRegistry {
  readonly kinds: ReadonlyArray<PortableKind>;
}

/** One kind of a {@link PortableRegistry}: its file, or its schema. */
export interface PortableKind {
  readonly apiVersion: string;
  readonly kind: string;
  readonly scope: Scope;
  readonly origin: SchemaOrigin;
  readonly source: string;
  /** The compact schema file (see {@link SchemaRegistry.addDirectory}). */
  readonly file?: string;
  /** The schema, when it has no file. */
  readonly schema?: Record<string, unknown>;
}

/** Key used by the registry and by imports/schemas/index.json: `<apiVersion>/<Kind>`. */
export function schemaKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

/** Directory of this package (the nearest parent of this file containing a package.json). */
export function packageRoot(start: string = __dirname): string {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json found above ${start}`);
    dir = parent;
  }
}

/** `<package root>/imports/schemas`, the default schema directory. */
export function defaultSchemaDir(): string {
  return path.join(packageRoot(), 'imports', 'schemas');
}

let defaultRegistry: SchemaRegistry | undefined;

let mutations = 0;

/** A number that changes whenever a schema is added to any registry (validators cache per-kind lookups until it does). */
export function registryGeneration(): number {
  return mutations;
}

export class SchemaRegistry {
  /** An empty registry (every object gets metadata rules only). */
  static empty(): SchemaRegistry {
    return new SchemaRegistry();
  }

  /**
   * The compact schema directory (`imports/schemas` layout). Throws if `<dir>/index.json` is missing or
   * malformed; schema files themselves are read on first use.
   */
  static fromDirectory(dir: string): SchemaRegistry {
    return new SchemaRegistry().addDirectory(dir);
  }

  /**
   * The package's own `imports/schemas` directory, loaded once per process. Throws when it is
   * missing (a broken install): validation never degrades silently.
   */
  static default(): SchemaRegistry {
    if (defaultRegistry) return defaultRegistry;
    const dir = defaultSchemaDir();
    if (!fs.existsSync(path.join(dir, 'index.json'))) {
      throw new Error(`cdk8s-platform: bundled schemas missing (${path.join(dir, 'index.json')}); reinstall the package or run "npm run import"`);
    }
    return (defaultRegistry = SchemaRegistry.fromDirectory(dir));
  }

  /**
   * Only the bundled built-in Kubernetes kinds (imports/schemas/core: core/v1, apps, batch,
   * autoscaling/v2, rbac, networking, admissionregistration, policy of Kubernetes 1.34), without the
   * bundled CRDs. A new registry each call (add CRDs to it freely).
   */
  static builtinKinds(): SchemaRegistry {
    SchemaRegistry.default(); // same "bundled schemas missing" error
    return new SchemaRegistry().addDirectory(defaultSchemaDir(), undefined, (file) => file.startsWith('core/'));
  }

  /** A registry built from CRD documents (non-CRD documents are ignored). */
  static fromCrds(docs: Iterable<unknown>, source = 'crds'): SchemaRegistry {
    const r = new SchemaRegistry();
    for (const d of docs) {
      if (isCrd(d)) r.addCrd(d, source);
    }
    return r;
  }

  private readonly entries = new Map<string, LazyEntry>();
  private readonly sourceList: string[] = [];
  private readonly parent?: SchemaRegistry;

  /** A registry; with `parent`, kinds not found here are looked up there (see {@link extend}). */
  constructor(parent?: SchemaRegistry) {
    this.parent = parent;
  }

  /**
   * A new registry layered on this one: schemas added to it override or extend this one's, which
   * stays unchanged (the per-app registry of a GitOpsApp extends the bundled default). Compiled
   * validators are shared, since the schema objects are.
   */
  extend(): SchemaRegistry {
    return new SchemaRegistry(this);
  }

  /** Number of apiVersion/kind schemas known (including the parent's). */
  get size(): number {
    return this.keys().length;
  }

  /** Directories / files / labels the schemas came from, in the order they were added. */
  get sources(): readonly string[] {
    return this.sourceList;
  }

  /** All keys (`<apiVersion>/<Kind>`), sorted (including the parent's). */
  keys(): string[] {
    const all = new Set(this.parent ? this.parent.keys() : []);
    for (const k of this.entries.keys()) all.add(k);
    return [...all].sort();
  }

  has(apiVersion: string, kind: string): boolean {
    return this.entry(apiVersion, kind) !== undefined;
  }

  private entry(apiVersion: string, kind: string): LazyEntry | undefined {
    return this.entries.get(schemaKey(apiVersion, kind)) ?? (this.parent as SchemaRegistry | undefined)?.entry(apiVersion, kind);
  }

  /** Scope of a kind without loading its schema; undefined when the kind is unknown. */
  scopeOf(apiVersion: string, kind: string): Scope | undefined {
    return this.entry(apiVersion, kind)?.scope;
  }

  /** Origin of a kind's schema without loading it; undefined when the kind is unknown. */
  originOf(apiVersion: string, kind: string): SchemaOrigin | undefined {
    return this.entry(apiVersion, kind)?.origin;
  }

  /**
   * This registry (with its parents) as plain data, to rebuild on a worker thread with
   * {@link fromPortable}: the same kinds, scopes, origins and schemas. A schema added afterwards is
   * not in it.
   */
  toPortable(): PortableRegistry {
    const all = new Map<string, LazyEntry>();
    // The parent's kinds first, each registry overriding its parent's.
    const collect = (r: SchemaRegistry): void => {
      if (r.parent) collect(r.parent);
      for (const [k, e] of r.entries) all.set(k, e);
    };
    collect(this);
    const kinds: PortableKind[] = [];
    for (const [key, e] of all) {
      const slash = key.lastIndexOf('/');
      const base = { apiVersion: key.slice(0, slash), kind: key.slice(slash + 1), scope: e.scope, origin: e.origin, source: e.source };
      kinds.push(e.file !== undefined ? { ...base, file: e.file } : { ...base, schema: e.load().schema });
    }
    return { kinds };
  }

  /**
   * The registry {@link toPortable} describes (compact schema files are read on first use).
   * @param reuse a registry rebuilt earlier on this thread: its kinds read from the same compact
   * file (same scope, origin and source) are shared, so a schema it loaded (and what was compiled
   * for it) is not loaded again
   */
  static fromPortable(p: PortableRegistry, reuse?: SchemaRegistry): SchemaRegistry {
    const r = new SchemaRegistry();
    for (const k of p.kinds) {
      mutations++;
      const { apiVersion, kind, scope, origin, source, file, schema } = k;
      const key = schemaKey(apiVersion, kind);
      const same = file !== undefined ? reuse?.entries.get(key) : undefined;
      if (same && same.file === file && same.scope === scope && same.origin === origin && same.source === source) r.entries.set(key, same);
      else if (file !== undefined) r.entries.set(key, { scope, origin, source, file, load: () => loadCompactSchema(file, apiVersion, kind, scope, origin) });
      else {
        const s: KindSchema = { apiVersion, kind, scope, origin, source, schema: schema ?? {} };
        r.entries.set(schemaKey(apiVersion, kind), { scope, origin, source, loaded: s, load: () => s });
      }
    }
    return r;
  }

  /** The schema for apiVersion/kind (loaded on first access), or undefined. Throws if the file is unreadable. */
  get(apiVersion: string, kind: string): KindSchema | undefined {
    const e = this.entry(apiVersion, kind);
    if (!e) return undefined;
    if (!e.loaded) e.loaded = e.load();
    return e.loaded;
  }

  /** Adds (or overrides) one schema. */
  addSchema(s: KindSchema): this {
    mutations++;
    this.entries.set(schemaKey(s.apiVersion, s.kind), { scope: s.scope, origin: s.origin ?? 'registered', source: s.source, loaded: s, load: () => s });
    return this;
  }

  /**
   * Registers the schema of a kind that has no CRD file, e.g. the instance kinds a kro
   * ResourceGraphDefinition of the app defines: objects of `apiVersion`/`kind` are then validated
   * (strictly, with CEL rules) against `schema`, a structural openAPIV3Schema of the whole object
   * (`{type: object, properties: {spec: …}}`; `apiVersion`, `kind`, `metadata` and `status` are
   * handled by the validator). Overrides an earlier schema of the same kind.
   *
   * @example
   * GitOpsApp.of(this).schemas.register({ apiVersion: 'kro.run/v1alpha1', kind: 'WebApp', scope: 'Namespaced',
   *   schema: { type: 'object', properties: { spec: { type: 'object', properties: { image: { type: 'string' } } } } } });
   */
  register(def: { readonly apiVersion: string; readonly kind: string; readonly schema: Record<string, unknown>; readonly scope?: Scope; readonly source?: string }): this {
    return this.addSchema({ apiVersion: def.apiVersion, kind: def.kind, scope: def.scope ?? 'Namespaced', schema: def.schema, source: def.source ?? 'registered', origin: 'registered' });
  }

  /**
   * Adds a compact schema directory (`index.json` + per-kind files). `origins`: the origin of every
   * schema of the directory; default: `core` for files under `core/`, else `crd` (the bundled layout).
   */
  addDirectory(dir: string, origins?: SchemaOrigin, filter?: (file: string) => boolean): this {
    const indexFile = path.join(dir, 'index.json');
    let index: unknown;
    try {
      index = JSON.parse(fs.readFileSync(indexFile, 'utf8'));
    } catch (e) {
      throw new Error(`cannot read schema index ${indexFile}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!isObject(index)) throw new Error(`schema index ${indexFile} is not a JSON object`);
    for (const [key, value] of Object.entries(index)) {
      if (!isObject(value) || typeof value.file !== 'string') {
        throw new Error(`schema index ${indexFile}: entry ${JSON.stringify(key)} has no "file"`);
      }
      if (filter && !filter(value.file)) continue;
      const file = path.join(dir, value.file);
      const scope: Scope = value.scope === 'Cluster' ? 'Cluster' : 'Namespaced';
      const origin: SchemaOrigin = origins ?? (value.file.startsWith('core/') ? 'core' : 'crd');
      const slash = key.lastIndexOf('/');
      const apiVersion = key.slice(0, slash);
      const kind = key.slice(slash + 1);
      mutations++;
      this.entries.set(key, {
        scope,
        origin,
        source: file,
        file,
        load: () => loadCompactSchema(file, apiVersion, kind, scope, origin),
      });
    }
    this.sourceList.push(dir);
    return this;
  }

  /**
   * Adds every version of a CustomResourceDefinition (apiextensions.k8s.io/v1, or v1beta1 with a
   * top-level `spec.validation`) that is served and has a schema. Returns the keys added.
   * Throws if `crd` is not a CRD.
   */
  addCrd(crd: unknown, source = 'crd'): string[] {
    if (!isCrd(crd)) throw new Error(`${source}: not a CustomResourceDefinition`);
    const spec = crd.spec as Record<string, any>;
    const group = spec.group;
    const kind = spec.names?.kind;
    if (typeof group !== 'string' || typeof kind !== 'string') {
      throw new Error(`${source}: CustomResourceDefinition without spec.group / spec.names.kind`);
    }
    const scope: Scope = spec.scope === 'Cluster' ? 'Cluster' : 'Namespaced';
    const versions: any[] = Array.isArray(spec.versions) ? spec.versions : spec.version ? [{ name: spec.version }] : [];
    const added: string[] = [];
    for (const v of versions) {
      if (!isObject(v) || typeof v.name !== 'string' || v.served === false) continue;
      const schema = (v.schema as any)?.openAPIV3Schema ?? spec.validation?.openAPIV3Schema;
      if (!isObject(schema)) continue;
      const apiVersion = `${group}/${v.name}`;
      this.addSchema({ apiVersion, kind, scope, schema, source });
      added.push(schemaKey(apiVersion, kind));
    }
    return added;
  }

  /**
   * Adds the composite resource (and claim) kinds a Crossplane CompositeResourceDefinition
   * (`apiextensions.crossplane.io/v1` or `v2`) defines, from its served versions' schemas. The fields
   * Crossplane adds to every composite's and claim's `spec` (`crossplane`, `compositionRef`,
   * `compositionSelector`, `resourceRefs`, `writeConnectionSecretToRef`, …) are accepted unchecked
   * unless the XRD declares them. Scope: v2 `spec.scope` (default Namespaced; LegacyCluster →
   * Cluster), v1 Cluster; claims Namespaced. Returns the keys added; [] when `xrd` is not an XRD.
   */
  addXrd(xrd: unknown, source = 'xrd'): string[] {
    if (!isObject(xrd) || xrd.kind !== 'CompositeResourceDefinition' || typeof xrd.apiVersion !== 'string' || !xrd.apiVersion.startsWith('apiextensions.crossplane.io/')) return [];
    const spec = isObject(xrd.spec) ? xrd.spec : {};
    const group = spec.group;
    if (typeof group !== 'string' || !isObject(spec.names) || typeof spec.names.kind !== 'string') return [];
    const v1 = xrd.apiVersion === 'apiextensions.crossplane.io/v1';
    const scope: Scope = v1 || spec.scope === 'Cluster' || spec.scope === 'LegacyCluster' ? 'Cluster' : 'Namespaced';
    const kinds: Array<{ kind: string; scope: Scope }> = [{ kind: spec.names.kind, scope }];
    if (isObject(spec.claimNames) && typeof spec.claimNames.kind === 'string') kinds.push({ kind: spec.claimNames.kind, scope: 'Namespaced' });
    const added: string[] = [];
    for (const v of Array.isArray(spec.versions) ? spec.versions : []) {
      if (!isObject(v) || typeof v.name !== 'string' || v.served === false) continue;
      const schema = isObject(v.schema) && isObject(v.schema.openAPIV3Schema) ? v.schema.openAPIV3Schema : { type: 'object' };
      const withCrossplaneFields = addCrossplaneSpecFields(schema);
      for (const k of kinds) {
        this.addSchema({ apiVersion: `${group}/${v.name}`, kind: k.kind, scope: k.scope, schema: withCrossplaneFields, source, origin: 'registered' });
        added.push(schemaKey(`${group}/${v.name}`, k.kind));
      }
    }
    return added;
  }

  /**
   * Adds the kinds defined by the CustomResourceDefinitions and Crossplane
   * CompositeResourceDefinitions among `docs` (others are skipped). Returns the number of definitions.
   */
  addDefinitions(docs: Iterable<unknown>, source = 'definitions'): number {
    let n = 0;
    for (const d of docs) {
      if (isCrd(d)) {
        this.addCrd(d, source);
        n++;
      } else if (this.addXrd(d, source).length > 0) n++;
    }
    return n;
  }

  /** Adds every CRD found in the given documents (others are skipped). Returns the number of CRDs. */
  addCrds(docs: Iterable<unknown>, source = 'crds'): number {
    let n = 0;
    for (const d of docs) {
      if (isCrd(d)) {
        this.addCrd(d, source);
        n++;
      }
    }
    return n;
  }

  /**
   * Adds the CRDs in a YAML/JSON file, or in every *.yaml / *.yml / *.json file under a directory
   * (recursively; node_modules and dot-directories skipped). Non-CRD documents are ignored.
   * Returns the number of CRDs added. Throws on unreadable paths and YAML syntax errors.
   */
  addCrdPath(p: string): number {
    const st = fs.statSync(p);
    let n = 0;
    if (st.isDirectory()) {
      for (const f of listFiles(p, /\.(ya?ml|json)$/i)) n += this.addCrdFile(f);
    } else {
      n += this.addCrdFile(p);
    }
    this.sourceList.push(p);
    return n;
  }

  private addCrdFile(file: string): number {
    const text = fs.readFileSync(file, 'utf8');
    // Cheap pre-filter: most files in a mixed tree are not CRDs.
    if (!text.includes('CustomResourceDefinition')) return 0;
    let n = 0;
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
      const js = doc.toJS({ maxAliasCount: -1 });
      if (isCrd(js)) {
        this.addCrd(js, file);
        n++;
      }
    }
    return n;
  }
}

/**
 * Registers the schema of a kind the app itself defines and that has no CRD file to import (the
 * instance kind of a kro ResourceGraphDefinition, generated by kro on the cluster), so synth
 * validates its objects like any imported kind. Adds to `SchemaRegistry.default()`; registering
 * the same apiVersion/kind again replaces the schema. `source` should name the defining construct.
 */
export function registerKindSchema(s: KindSchema): void {
  SchemaRegistry.default().addSchema(s);
}

function loadCompactSchema(file: string, apiVersion: string, kind: string, scope: Scope, origin: SchemaOrigin): KindSchema {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read schema file ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isObject(doc) || !isObject(doc.schema)) throw new Error(`schema file ${file} has no "schema" object`);
  return {
    apiVersion: typeof doc.apiVersion === 'string' ? doc.apiVersion : apiVersion,
    kind: typeof doc.kind === 'string' ? doc.kind : kind,
    scope: doc.scope === 'Cluster' || doc.scope === 'Namespaced' ? doc.scope : scope,
    schema: doc.schema,
    source: file,
    origin,
  };
}

/** Fields Crossplane adds to the spec of composites and claims (v1 and v2 XRDs). */
const CROSSPLANE_SPEC_FIELDS = [
  'crossplane',
  'compositionRef',
  'compositionSelector',
  'compositionRevisionRef',
  'compositionRevisionSelector',
  'compositionUpdatePolicy',
  'compositeDeletePolicy',
  'claimRef',
  'environmentConfigRefs',
  'resourceRef',
  'resourceRefs',
  'publishConnectionDetailsTo',
  'writeConnectionSecretToRef',
];

function addCrossplaneSpecFields(schema: Record<string, any>): Record<string, any> {
  const props = isObject(schema.properties) ? schema.properties : {};
  const spec = isObject(props.spec) ? props.spec : { type: 'object' };
  const specProps: Record<string, unknown> = { ...(isObject(spec.properties) ? spec.properties : {}) };
  for (const f of CROSSPLANE_SPEC_FIELDS) if (!(f in specProps)) specProps[f] = { 'x-kubernetes-preserve-unknown-fields': true };
  return { ...schema, type: 'object', properties: { ...props, spec: { ...spec, type: 'object', properties: specProps } } };
}

function isCrd(d: unknown): d is Record<string, unknown> & { spec: Record<string, unknown> } {
  return (
    isObject(d) &&
    d.kind === 'CustomResourceDefinition' &&
    typeof d.apiVersion === 'string' &&
    d.apiVersion.startsWith('apiextensions.k8s.io/') &&
    isObject(d.spec)
  );
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether a document is a CustomResourceDefinition or a Crossplane CompositeResourceDefinition. */
export function isDefinition(d: unknown): boolean {
  return isCrd(d) || (isObject(d) && d.kind === 'CompositeResourceDefinition' && typeof d.apiVersion === 'string' && d.apiVersion.startsWith('apiextensions.crossplane.io/'));
}

/**
 * Files under dir matching re, sorted, skipping node_modules and dot-directories. Each path is
 * `path.join(dir, <names>)`, built by concatenation: `dir` is normalized once (see
 * {@link joinPrefix}), and directory entry names are never `.` or `..`.
 */
export function listFiles(dir: string, re: RegExp): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string) => {
    const entries = fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = prefix + e.name;
      if (e.isDirectory()) {
        if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
        walk(p, p + path.sep);
      } else if (e.isFile() && re.test(e.name)) {
        out.push(p);
      }
    }
  };
  walk(dir, joinPrefix(dir));
  return out;
}

/**
 * What `path.join(dir, name)` puts before `name`, for a name made of directory entry names (never
 * `.` or `..`): `dir` normalized, with a separator, or nothing for `.` (so joining 100,000 names
 * does not normalize `dir` 100,000 times).
 */
export function joinPrefix(dir: string): string {
  return path.join(dir, 'x').slice(0, -1);
}

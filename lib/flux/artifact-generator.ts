import { Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as l1 from '../../imports/flux/source.extensions.fluxcd.io';
import { checkString, DNS_SUBDOMAIN, propError } from '../core/errors';
import { memoForSynthPass } from '../core/synth-pass';
import { addProvided, addReference } from '../core/references';
import { ResourceImportProps } from '../core/resource';
import { Repo } from '../gitops/repo';
import { applyFluxRemovalPolicy, fluxMetadata, FluxObjectProps, fluxRef, FluxResource, ISource, resolveIdentity, SOURCE_GROUP } from './common';
import { GitRepository, importSource, sparseDirectory } from './git-repository';
import { folderPaths, isAtOrUnder } from './placement';

/** source-watcher's CRD: at most this many sources and artifacts per generator (`maxItems`). */
export const MAX_GENERATOR_ITEMS = 1000;
const ALIAS_PATTERN = '[a-z0-9]([a-z0-9_-]*[a-z0-9])?';
const ALIAS = { max: 63, pattern: new RegExp(`^${ALIAS_PATTERN}$`), description: 'an alias: lower case letters, digits, "_" and "-", starting and ending with a letter or digit, at most 63 characters' };
/** `@<alias>` (a revision), and `@<alias>/<glob>` (a copy's from). */
const ALIAS_REF = new RegExp(`^@(${ALIAS_PATTERN})$`);
const ALIAS_FROM = new RegExp(`^@(${ALIAS_PATTERN})/(.*)$`);
const SOURCE_KINDS: ReadonlyArray<ISource['kind']> = ['GitRepository', 'OCIRepository', 'Bucket', 'ExternalArtifact'];
/** source-watcher's `SourceReference.Name`: stricter than a Kubernetes name (no dots). */
export const SOURCE_WATCHER_NAME = {
  max: 253,
  pattern: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/,
  description: 'a name source-watcher refers to (SourceReference.Name): lower case letters, digits and "-", no dots, at most 253 characters',
};
/**
 * The most bytes an object may have: etcd's default request limit (`--max-request-bytes`, 1.5 MiB),
 * which the API server enforces for every write.
 */
const MAX_OBJECT_BYTES = 1536 * 1024;
/** What each artifact adds to the generator's status (its inventory entry: name, namespace, digest, file). */
const STATUS_BYTES_PER_ARTIFACT = 200;

/** A source an {@link ArtifactGenerator} copies from, under an alias (`@<alias>/...` in copy operations). */
export interface ArtifactGeneratorSource {
  /** The alias (lower case letters, digits, `_`, `-`), unique in the generator. */
  readonly alias: string;
  /** The source: a GitRepository, OCIRepository, Bucket or ExternalArtifact. */
  readonly source: ISource;
}

/** One copy operation of a generated artifact (`spec.artifacts[].copy[]`). */
export interface ArtifactCopy {
  /** `@<alias>/<glob>`, e.g. `@repo/apps/prod/**`. */
  readonly from: string;
  /** `@artifact/<path>`, e.g. `@artifact/apps/prod/`. */
  readonly to: string;
  /**
   * Glob patterns left out of what `from` matches.
   * @default - none
   */
  readonly exclude?: string[];
  /**
   * `Overwrite`, `Merge` (YAML files, Helm values merge) or `Extract` (tarballs).
   * @default - source-watcher's default, `Overwrite`
   */
  readonly strategy?: 'Overwrite' | 'Merge' | 'Extract';
}

/** Props of one artifact an {@link ArtifactGenerator} generates (an `ExternalArtifact`). */
export interface GeneratedArtifactProps {
  /** Name of the ExternalArtifact (a DNS subdomain), in the generator's namespace. */
  readonly name: string;
  /**
   * Directories of the `from` source copied with their paths (`@<from>/<dir>/**` to
   * `@artifact/<dir>/`): the artifact is then a part of the source's tree, and a Kustomization
   * applies `./<dir>` from it as it would from the source (more with
   * {@link GeneratedArtifact.addDirectory}). Synth refuses a Kustomization of the app whose build
   * reads a folder of the repo outside them, as for a sparse GitRepository.
   * @default - none
   */
  readonly directories?: string[];
  /**
   * The alias of the source the `directories` are copied from.
   * @default - the generator's only source (required when it has several)
   */
  readonly from?: string;
  /**
   * More copy operations, after the directories' (later ones overwrite earlier ones). An
   * artifact with copy operations is not checked against the builds that read it.
   * @default - none
   */
  readonly copy?: ArtifactCopy[];
  /**
   * The revision of the artifact: the alias of a source (`@<alias>`), whose revision it takes.
   * @default - the digest of the artifact's content: the artifact changes only when its files
   *   do, so the Kustomizations applying it are not reconciled for commits that change other files
   */
  readonly revision?: string;
  /**
   * The alias of a source whose origin revision (a Git commit) is set as the artifact's
   * `org.opencontainers.image.revision` metadata (`originRevision`).
   * @default - none
   */
  readonly originRevision?: string;
}

/**
 * Props of an {@link ArtifactGenerator}: those of every Flux construct but `shardKey` (one
 * source-watcher serves every generator: `FluxBootstrap` does not shard it).
 */
export interface ArtifactGeneratorProps extends Omit<FluxObjectProps, 'shardKey'> {
  /** The sources copied from (at least one; more with {@link ArtifactGenerator.addSource}). */
  readonly sources: ArtifactGeneratorSource[];
  /**
   * The artifacts generated (more with {@link ArtifactGenerator.addArtifact}); at least one at synth.
   * @default - none
   */
  readonly artifacts?: GeneratedArtifactProps[];
}

/**
 * A Flux `ArtifactGenerator` (source.extensions.fluxcd.io/v1beta1, fluxcd/source-watcher): it
 * copies files of Flux sources into `ExternalArtifact`s in its namespace, which Kustomizations
 * apply like any source (`sourceRef.kind: ExternalArtifact`). Without a `revision`, an artifact's
 * revision is the digest of its content, so a commit reconciles only the Kustomizations whose
 * files it changed: with one Git source for thousands of Kustomizations, every commit reconciles
 * them all (a GitRepository's revision is the commit).
 *
 * Needs source-watcher on the cluster (Flux 2.7 and later: `flux bootstrap
 * --components-extra=source-watcher`, declared with `FluxBootstrap`'s `componentsExtra`). Validated
 * against source-watcher v2.2.1 (Flux 2.9): the `Extract` strategy and ExternalArtifact sources need
 * a newer source-watcher than Flux 2.7's v2.0.
 *
 * @example
 * const gen = new ArtifactGenerator(folder, 'apps', { name: 'apps', sources: [{ alias: 'repo', source }] });
 * const prod = gen.addArtifact({ name: 'apps-prod', directories: ['apps/base', 'apps/prod'] });
 * Kustomization.forFolder(folder, 'prod', repo.folder('apps/prod'), { name: 'apps-prod', source: prod, prune: true });
 */
export class ArtifactGenerator extends FluxResource {
  /** The L1 object. */
  public readonly apiObject: l1.ArtifactGenerator;
  private readonly sources: ArtifactGeneratorSource[] = [];
  private readonly generated: GeneratedArtifact[] = [];
  private readonly names = new Set<string>();

  public constructor(scope: Construct, id: string, props: ArtifactGeneratorProps) {
    super(scope, id);
    const { namespace } = resolveIdentity(this, props);
    if (!Array.isArray(props.sources) || props.sources.length === 0) throw propError(this, 'sources', 'must list at least one source');
    this.apiObject = new l1.ArtifactGenerator(this, 'Resource', {
      metadata: fluxMetadata(props, namespace),
      spec: Lazy.any({
        produce: (): l1.ArtifactGeneratorSpec => ({
          sources: this.sources.map((s) => ({
            alias: s.alias,
            kind: s.source.kind as l1.ArtifactGeneratorSpecSourcesKind,
            name: s.source.name,
            ...(s.source.namespace !== this.namespace ? { namespace: s.source.namespace } : {}),
          })),
          artifacts: this.generated.map((a) => a.render()),
        }),
      }),
    });
    props.sources.forEach((s, i) => this.add(`sources[${i}]`, s));
    (props.artifacts ?? []).forEach((a, i) => this.create(`artifacts[${i}]`, a));
    this.node.addValidation({ validate: () => this.problems() });
    applyFluxRemovalPolicy(this, props);
    const all = GENERATORS.get(this.node.root);
    if (all) all.push(this);
    else GENERATORS.set(this.node.root, [this]);
  }

  /** The sources, in order. */
  public get sourceList(): readonly ArtifactGeneratorSource[] {
    return this.sources.slice();
  }

  /** The artifacts generated, in order. */
  public get artifacts(): readonly GeneratedArtifact[] {
    return this.generated.slice();
  }

  /** Adds a source. */
  public addSource(source: ArtifactGeneratorSource): void {
    this.add('addSource', source);
  }

  /** Adds an artifact; returns it as a source for Kustomizations. */
  public addArtifact(props: GeneratedArtifactProps): GeneratedArtifact {
    return this.create('addArtifact', props);
  }

  /** The source of an alias. @internal */
  public _sourceOf(alias: string): ISource | undefined {
    return this.sources.find((s) => s.alias === alias)?.source;
  }

  private add(prop: string, s: ArtifactGeneratorSource): void {
    checkString(this, `${prop}.alias`, s?.alias, ALIAS);
    if (s.alias === 'artifact') throw propError(this, `${prop}.alias`, '"artifact" names the generated artifact in copy operations (@artifact/...): choose another alias');
    if (this._sourceOf(s.alias)) throw propError(this, `${prop}.alias`, `"${s.alias}" is the alias of another source of the generator`);
    if (!s.source || !SOURCE_KINDS.includes(s.source.kind)) throw propError(this, `${prop}.source`, `must be a ${SOURCE_KINDS.join(', ')} (got ${s.source?.kind})`);
    if (!SOURCE_WATCHER_NAME.pattern.test(s.source.name) || s.source.name.length > SOURCE_WATCHER_NAME.max) {
      throw propError(this, `${prop}.source`, `${s.source.kind} "${s.source.name}": source-watcher refers to a source by a name of lower case letters, digits and "-" (SourceReference.Name, no dots, at most 253 characters): rename the source`);
    }
    addReference(this, `${prop}.source`, fluxRef(s.source));
    this.sources.push(s);
  }

  private create(prop: string, props: GeneratedArtifactProps): GeneratedArtifact {
    checkString(this, `${prop}.name`, props?.name, DNS_SUBDOMAIN);
    if (this.names.has(props.name)) throw propError(this, `${prop}.name`, `"${props.name}" is the name of another artifact of the generator`);
    const a = new GeneratedArtifact(this, props.name, this, prop, props);
    this.generated.push(a);
    this.names.add(props.name);
    return a;
  }

  private problems(): string[] {
    const out: string[] = [];
    const own = `ArtifactGenerator ${this.namespace}/${this.name}`;
    if (this.generated.length === 0) out.push(`${own} generates no artifact: add one (addArtifact), or drop the generator`);
    if (this.sources.length > MAX_GENERATOR_ITEMS) out.push(`${own} has ${this.sources.length} sources; source-watcher's CRD allows ${MAX_GENERATOR_ITEMS} (spec.sources maxItems): split it into several generators`);
    if (this.generated.length > MAX_GENERATOR_ITEMS) out.push(`${own} generates ${this.generated.length} artifacts; source-watcher's CRD allows ${MAX_GENERATOR_ITEMS} (spec.artifacts maxItems): split them over several generators`);
    for (const a of this.generated) if (a.directoryList.length === 0 && a.copyCount === 0) out.push(`${own}: artifact "${a.name}" copies nothing: give it directories or copy operations`);
    // A copy matching no file stops the generator ("no files match pattern"). A directory outside
    // what its source holds: one line per source and directory, with the number of artifacts that
    // copy it too. One that is no folder of the repo: one line for the app (appArtifactProblems).
    const outside = new Map<string, { first: string; more: number; why: string }>();
    // Per source alias, once: its sparse directories (without the trailing `/`), and what a
    // GitRepository's includes copy into its artifact (another repo's tree: not checked).
    const views = new Map<string, { sparse: ReadonlySet<string>; included: ReadonlySet<string>; what: string }>();
    const viewOf = (alias: string) => {
      let v = views.get(alias);
      if (!v) {
        const src = this._sourceOf(alias) as GitRepository | GeneratedArtifact;
        const git = src instanceof GitRepository;
        views.set(alias, (v = {
          sparse: new Set(src.sparseCheckoutDirectories.map((d) => d.slice(0, -1))),
          included: new Set(git ? src.includePaths : []),
          what: git ? 'the sparseCheckout of source' : 'the directories of artifact source',
        }));
      }
      return v;
    };
    for (const a of this.generated) {
      const repo = a.repo;
      if (!repo) continue;
      const folders = folderPaths(repo);
      const alias = a.fromAlias!;
      const { sparse, included, what } = viewOf(alias);
      for (const d of a.directoryList) {
        if ((included.size > 0 && isAtOrUnder(d, included)) || !folders.has(d) || sparse.size === 0 || isAtOrUnder(d, sparse)) continue;
        const key = `${alias}\u0000${d}`;
        const seen = outside.get(key);
        if (seen) seen.more++;
        else outside.set(key, { first: a.name, more: 0, why: `is outside ${what} ${alias} (${[...sparse].sort().map((x) => `${x}/`).join(', ')})` });
      }
    }
    for (const [key, { first, more, why }] of outside) out.push(copyProblem(own, first, key.slice(key.indexOf('\u0000') + 1), why, more));
    // The generator is one object: the API server refuses it past etcd's request limit. Its
    // artifacts are nearly all of it (measured from their entries, not a second render of the object).
    const bytes = Buffer.byteLength(JSON.stringify(this.generated.map((a) => a.render()))) + STATUS_BYTES_PER_ARTIFACT * this.generated.length;
    if (bytes > MAX_OBJECT_BYTES) {
      out.push(`${own} would be about ${Math.round(bytes / 1024)} KiB with its status (${this.generated.length} artifacts), over the 1,536 KiB the API server stores in one object (etcd --max-request-bytes): ` +
        'split its artifacts over more generators (a Fleet: raise buckets, or list fewer bucketSources.include directories, which every artifact copies)');
    }
    return [...out, ...(appArtifactProblems(this).get(this) ?? [])];
  }
}

/** A copy operation that matches no file, as a problem line. */
function copyProblem(generator: string, artifact: string, dir: string, why: string, more: number, moreWhere = ''): string {
  return `${generator}: artifact "${artifact}" copies directory "${dir}", which ${why}${more > 0 ? ` (so do ${more} more artifact${more > 1 ? 's' : ''}${moreWhere})` : ''}: ` +
    'source-watcher stops the generator at a copy that matches no file (the artifacts after it, its inventory and its garbage collection wait until it is fixed); create the folder, or drop the directory';
}

/**
 * An `ExternalArtifact` an {@link ArtifactGenerator} generates: a source Kustomizations apply
 * (`sourceRef.kind: ExternalArtifact`, in the generator's namespace). Made by
 * {@link ArtifactGenerator.addArtifact}; `GeneratedArtifact.fromName` names one generated elsewhere.
 *
 * @example
 * const artifact = generator.addArtifact({ name: 'team-a', directories: ['teams/team-a'] });
 * artifact.addDirectory('teams/shared');
 * Kustomization.forFolder(folder, 'team-a', repo.folder('teams/team-a'), { name: 'team-a', source: artifact, prune: true });
 */
export class GeneratedArtifact extends Construct implements ISource {
  /** Imports an ExternalArtifact generated outside the app (declared as provided). `namespace` defaults to the folder's. */
  public static fromName(scope: Construct, id: string, props: ResourceImportProps): ISource {
    return importSource(scope, id, 'ExternalArtifact', props);
  }

  public readonly apiGroup = SOURCE_GROUP;
  public readonly kind = 'ExternalArtifact' as const;
  public readonly name: string;
  public readonly namespace: string;
  /** The generator. */
  public readonly generator: ArtifactGenerator;
  private readonly dirs = new Set<string>();
  private readonly from?: string;
  private readonly copy: ArtifactCopy[];
  private readonly props: GeneratedArtifactProps;

  /** @internal */
  public constructor(scope: Construct, id: string, generator: ArtifactGenerator, prop: string, props: GeneratedArtifactProps) {
    super(scope, id);
    this.generator = generator;
    this.props = props;
    this.name = props.name;
    this.namespace = generator.namespace;
    const aliasOf = (p: string, value: string | undefined): void => {
      if (value === undefined) return;
      const m = ALIAS_REF.exec(value);
      if (!m || !generator._sourceOf(m[1])) throw propError(generator, p, `"${value}" must be "@<alias>" of a source of the generator (${generator.sourceList.map((s) => `@${s.alias}`).join(', ')})`);
    };
    aliasOf(`${prop}.revision`, props.revision);
    aliasOf(`${prop}.originRevision`, props.originRevision);
    if (props.directories !== undefined || props.from !== undefined) {
      const sources = generator.sourceList;
      if (props.from === undefined && sources.length > 1) throw propError(generator, `${prop}.from`, `is required: the generator has ${sources.length} sources (${sources.map((s) => s.alias).join(', ')})`);
      const from = props.from ?? sources[0].alias;
      if (!generator._sourceOf(from)) throw propError(generator, `${prop}.from`, `"${from}" is not the alias of a source of the generator (${sources.map((s) => s.alias).join(', ')})`);
      this.from = from;
    }
    this.copy = (props.copy ?? []).map((c, i) => checkCopy(generator, `${prop}.copy[${i}]`, c));
    (props.directories ?? []).forEach((d, i) => this.add(`${prop}.directories[${i}]`, d));
    // Flux creates it: references to it (Kustomizations' sourceRef) resolve.
    addProvided(this, { apiGroup: SOURCE_GROUP, kind: 'ExternalArtifact', name: this.name, namespace: this.namespace });
  }

  /** Adds a directory of the `from` source, copied with its path (see {@link GeneratedArtifactProps.directories}). */
  public addDirectory(dir: string): void {
    this.add('addDirectory', dir);
  }

  /** The directories copied, sorted, each without a trailing `/`. */
  public get directoryList(): readonly string[] {
    return [...this.dirs].sort();
  }

  /** The alias of the source the directories are copied from, when the artifact has directories. */
  public get fromAlias(): string | undefined {
    return this.from;
  }

  /** The number of copy operations given besides the directories. */
  public get copyCount(): number {
    return this.copy.length;
  }

  /**
   * The app repo whose tree the artifact is a part of: that of the `from` GitRepository (or of the
   * `from` artifact of another generator), when the artifact only copies directories (with their
   * paths).
   */
  public get repo(): Repo | undefined {
    const src = this.from !== undefined ? this.generator._sourceOf(this.from) : undefined;
    return this.copy.length === 0 && (src instanceof GitRepository || src instanceof GeneratedArtifact) ? src.repo : undefined;
  }

  /**
   * What the artifact holds of its {@link repo}: its directories, each `dir/` (see
   * `GitRepository.sparseCheckoutDirectories`); empty when it holds more (copy operations).
   */
  public get sparseCheckoutDirectories(): readonly string[] {
    return this.repo ? this.directoryList.map((d) => `${d}/`) : [];
  }

  /** The `spec.artifacts[]` entry. @internal */
  public render(): l1.ArtifactGeneratorSpecArtifacts {
    const p = this.props;
    return {
      name: this.name,
      ...(p.revision !== undefined ? { revision: p.revision } : {}),
      ...(p.originRevision !== undefined ? { originRevision: p.originRevision } : {}),
      copy: [
        ...this.directoryList.map((d) => ({ from: `@${this.from}/${d}/**`, to: `@artifact/${d}/` })),
        ...this.copy.map((c) => ({
          from: c.from,
          to: c.to,
          ...(c.exclude && c.exclude.length > 0 ? { exclude: [...c.exclude] } : {}),
          ...(c.strategy ? { strategy: c.strategy as l1.ArtifactGeneratorSpecArtifactsCopyStrategy } : {}),
        })),
      ],
    };
  }

  private add(prop: string, dir: string): void {
    if (this.from === undefined) throw propError(this.generator, prop, `artifact "${this.name}" was created without directories or from: give it from (the alias of the source they are in)`);
    const d = sparseDirectory(dir);
    if (typeof d !== 'string') throw propError(this.generator, prop, d.problem);
    // The copy is `@<from>/<dir>/**` to `@artifact/<dir>/`: each at most 1024 characters (the CRD).
    if (Math.max(d.length + this.from.length + 5, d.length + 11) > 1024) throw propError(this.generator, prop, `"${d}" is too long: a copy's from and to are at most 1024 characters`);
    this.dirs.add(d);
  }
}

function checkCopy(generator: ArtifactGenerator, prop: string, c: ArtifactCopy): ArtifactCopy {
  const m = typeof c?.from === 'string' ? ALIAS_FROM.exec(c.from) : null;
  if (!m || !generator._sourceOf(m[1])) {
    throw propError(generator, `${prop}.from`, `${JSON.stringify(c?.from)} must be "@<alias>/<glob>" of a source of the generator (${generator.sourceList.map((s) => `@${s.alias}`).join(', ')})`);
  }
  if (typeof c.to !== 'string' || !/^@artifact\/.*$/.test(c.to)) throw propError(generator, `${prop}.to`, `${JSON.stringify(c.to)} must be "@artifact/<path>"`);
  for (const [k, v] of [['from', c.from], ['to', c.to]] as const) if (v.length > 1024) throw propError(generator, `${prop}.${k}`, 'is longer than 1024 characters');
  if (c.exclude && c.exclude.length > 100) throw propError(generator, `${prop}.exclude`, `has ${c.exclude.length} patterns; source-watcher's CRD allows 100`);
  (c.exclude ?? []).forEach((x, i) => {
    if (typeof x !== 'string' || x === '') throw propError(generator, `${prop}.exclude[${i}]`, `${JSON.stringify(x)} must be a glob pattern`);
  });
  if (c.strategy !== undefined && !['Overwrite', 'Merge', 'Extract'].includes(c.strategy)) throw propError(generator, `${prop}.strategy`, `"${c.strategy}" must be Overwrite, Merge or Extract`);
  return c;
}

/**
 * The problems of the app's generators together, by the generator that reports each: an artifact
 * name two generators write (each would overwrite the other's ExternalArtifact), by the first; a
 * directory no folder of the repo holds, one line for the app (a Fleet's `include` typo is in
 * every bucket's generator), by the generator of its first artifact.
 */
function appArtifactProblems(self: ArtifactGenerator): ReadonlyMap<ArtifactGenerator, string[]> {
  return memoForSynthPass(APP_ARTIFACT_PROBLEMS, self.node.root, () => {
    // Those whose constructor finished (one that threw is in the tree, half made, but not here).
    const gens = GENERATORS.get(self.node.root) ?? [];
    const out = new Map<ArtifactGenerator, string[]>();
    const add = (g: ArtifactGenerator, line: string) => out.set(g, [...(out.get(g) ?? []), line]);
    const by = new Map<string, ArtifactGenerator[]>();
    const missing = new Map<string, { g: ArtifactGenerator; first: string; dir: string; repo: Repo; more: number; generators: Set<ArtifactGenerator> }>();
    for (const g of gens) {
      for (const a of g.artifacts) {
        const key = `${a.namespace}/${a.name}`;
        const list = by.get(key);
        if (list) list.push(g);
        else by.set(key, [g]);
        const repo = a.repo;
        if (!repo) continue;
        const folders = folderPaths(repo);
        for (const d of a.directoryList) {
          if (folders.has(d)) continue;
          const src = g._sourceOf(a.fromAlias!);
          if (src instanceof GitRepository && src.includePaths.length > 0 && isAtOrUnder(d, new Set(src.includePaths))) continue;
          const k = `${repo.node.id}\u0000${d}`;
          const m = missing.get(k);
          if (m) {
            m.more++;
            m.generators.add(g);
          } else missing.set(k, { g, first: a.name, dir: d, repo, more: 0, generators: new Set([g]) });
        }
      }
    }
    for (const [key, list] of [...by].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (list.length < 2) continue;
      add(gens[0], `ExternalArtifact ${key} is generated by ${list.length} ArtifactGenerators (${list.map((g) => g.node.path).join(', ')}): each would overwrite the other's; give the artifacts distinct names`);
    }
    for (const { g, first, dir, repo, more, generators } of missing.values()) {
      const others = generators.size > 1 ? ` of ${generators.size} generators` : '';
      add(g, copyProblem(`ArtifactGenerator ${g.namespace}/${g.name}`, first, dir, `is no folder of repo ${repo.node.id}`, more, others));
    }
    return out;
  });
}

const APP_ARTIFACT_PROBLEMS = Symbol('artifact problems of the app');

/** The generators of each app, in creation order (a walk of a 10,000-cluster app's tree costs 80 ms). */
const GENERATORS = new WeakMap<IConstruct, ArtifactGenerator[]>();


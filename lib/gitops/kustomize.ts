import * as posix from 'path/posix';
import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Folder, FolderProps } from './folder';
import { KubeObject, toYaml } from './layout';
import { Repo } from './repo';
import { checkLabels, checkString, DNS_LABEL, propError } from '../core/errors';
import { isClusterScoped } from '../core/kinds';
import { kustomizeRenamed } from '../core/flux-build';
import { SchemaRegistry } from '../core/validation/registry';
import { groupOf } from '../core/validation/metadata';

/**
 * The object a patch applies to: an `ApiObject`, or a construct that wraps exactly one (a
 * cdk8s-plus resource, this library's L2 constructs such as `flux.HelmRelease`).
 */
export type PatchTargetConstruct = IConstruct;

/** The single ApiObject behind a construct given as a patch target. */
export function targetApiObject(target: IConstruct): ApiObject {
  if (target instanceof ApiObject) return target;
  const wrapped = target as unknown as { apiObject?: unknown; resource?: unknown };
  if (wrapped.apiObject instanceof ApiObject) return wrapped.apiObject;
  if (wrapped.resource instanceof ApiObject) return wrapped.resource;
  const all = target.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  if (all.length === 1) return all[0];
  throw new Error(
    `${target.node.path}: holds ${all.length} Kubernetes objects, so it cannot be a patch target; pass one of its ApiObjects`,
  );
}

/** How a {@link KustomizePatch} changes its target. */
export type KustomizePatchType = 'strategicMerge' | 'json6902' | 'delete';

/**
 * A kustomize patch of one object of a base (an entry of `patches:` in a `kustomization.yaml`):
 * a strategic-merge patch, JSON 6902 operations, or the deletion of the object. The target is the
 * construct that created the object, so its group, version, kind, name and namespace are never
 * typed by hand; synth checks that the base (or the overlays a component is used in) really
 * builds it, and validates the patched object against the kind's schema.
 *
 * @example
 * KustomizePatch.strategicMerge(ingress, { spec: { values: { controller: { replicaCount: 3 } } } });
 * KustomizePatch.json6902(ingress, JsonPatch.replace('/spec/chart/spec/version', '4.12.1'));
 * KustomizePatch.delete(debugConfig);
 */
export class KustomizePatch {
  /**
   * A strategic-merge patch: `patch` holds the fields to set (`{ spec: { replicas: 3 } }`), merged
   * into the target as kustomize does (maps merged key by key, `null` removes a field; lists of a
   * built-in kind merged by their merge key, lists of a custom resource replaced). `apiVersion`,
   * `kind`, `metadata.name` and `metadata.namespace` are filled in from the target.
   */
  public static strategicMerge(target: PatchTargetConstruct, patch: Record<string, unknown>): KustomizePatch {
    return new KustomizePatch('strategicMerge', target, patch, []);
  }

  /** JSON 6902 operations (cdk8s `JsonPatch.add/replace/remove/...`) applied to the target, in order. */
  public static json6902(target: PatchTargetConstruct, ...operations: JsonPatch[]): KustomizePatch {
    return new KustomizePatch('json6902', target, {}, operations);
  }

  /** Removes the target from the build (a `$patch: delete` strategic-merge patch). */
  public static delete(target: PatchTargetConstruct): KustomizePatch {
    return new KustomizePatch('delete', target, {}, []);
  }

  private constructor(
    /** How the patch changes its target. */
    public readonly type: KustomizePatchType,
    /** The construct whose object is patched. */
    public readonly target: PatchTargetConstruct,
    private readonly fields: Record<string, unknown>,
    private readonly operations: JsonPatch[],
  ) {}

  /** The ApiObject patched. */
  public get targetObject(): ApiObject {
    return targetApiObject(this.target);
  }

  /** Checks the patch as a prop of `scope` (throws a PropError). @internal */
  public _check(scope: IConstruct, prop: string): void {
    let obj: ApiObject;
    try {
      obj = this.targetObject;
    } catch (e) {
      throw propError(scope, prop, (e as Error).message);
    }
    if (this.type === 'strategicMerge') {
      if (Object.keys(this.fields).length === 0) throw propError(scope, prop, 'the strategic-merge patch is empty; give the fields to set');
      for (const k of ['apiVersion', 'kind']) {
        if (k in this.fields) throw propError(scope, `${prop}.${k}`, `is taken from the target ${obj.kind} "${obj.name}"; leave it out`);
      }
      const meta = this.fields.metadata as Record<string, unknown> | undefined;
      for (const k of ['name', 'namespace']) {
        if (meta && k in meta) {
          throw propError(scope, `${prop}.metadata.${k}`, `is taken from the target ${obj.kind} "${obj.name}"; rename objects with the overlay's namePrefix/nameSuffix/namespace`);
        }
      }
    }
    if (this.type === 'json6902' && this.operations.length === 0) throw propError(scope, prop, 'has no JSON 6902 operations');
  }

  /** The entry of `patches:` in a kustomization.yaml. */
  public render(): Record<string, unknown> {
    const obj = this.targetObject;
    const id = identityOf(obj);
    const head = { apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name: id.name, ...(id.namespace ? { namespace: id.namespace } : {}) } };
    let patch: unknown;
    if (this.type === 'json6902') {
      patch = this.operations.map((o) => o._toJson());
    } else if (this.type === 'delete') {
      patch = { $patch: 'delete', ...head };
    } else {
      const meta = (this.fields.metadata ?? {}) as Record<string, unknown>;
      patch = { ...head, ...this.fields, metadata: { ...head.metadata, ...meta } };
    }
    const group = groupOf(obj.apiVersion);
    const version = obj.apiVersion.slice(obj.apiVersion.lastIndexOf('/') + 1);
    return {
      patch: toYaml(patch),
      target: {
        ...(group ? { group } : {}),
        version,
        kind: obj.kind,
        name: escapeRegex(id.name),
        ...(id.namespace ? { namespace: id.namespace } : {}),
      },
    };
  }

  /**
   * Applies the patch to a rendered copy of the target, as kustomize would; `undefined` for a
   * deletion. Throws when a JSON 6902 operation does not apply (a missing path, a failed `test`).
   */
  public applyTo(obj: KubeObject): KubeObject | undefined {
    if (this.type === 'delete') return undefined;
    if (this.type === 'json6902') {
      let doc: unknown = JSON.parse(JSON.stringify(obj));
      this.operations.forEach((o, i) => {
        const op = o._toJson() as { op: string; path: string; from?: string; value?: unknown };
        const problem = pointerProblem(doc, op);
        if (problem) throw new Error(`operation ${i} (${op.op} ${op.path}): ${problem}`);
        doc = JsonPatch.apply(doc, o);
      });
      return doc as KubeObject;
    }
    // Built-in kinds (their schema comes from the Kubernetes OpenAPI, or none is bundled) merge
    // lists by name; custom resources (a CRD schema) have their lists replaced, as kustomize does.
    const registry = SchemaRegistry.default();
    const byName = registry.originOf(obj.apiVersion, obj.kind) === 'core' || !registry.has(obj.apiVersion, obj.kind);
    return mergePatch(obj, this.fields, byName) as KubeObject;
  }

  /** How the patch is named in messages: `strategic-merge patch of Kind "name"`. */
  public describe(): string {
    const what = this.type === 'json6902' ? 'JSON 6902 patch' : this.type === 'delete' ? 'delete patch' : 'strategic-merge patch';
    const obj = this.targetObject;
    return `${what} of ${obj.kind} "${obj.name}" (${obj.node.path})`;
  }
}

/** Decodes a JSON pointer (RFC 6901) into its tokens. */
function tokens(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Whether `pointer` names an existing value of `doc`; else what is missing. */
function missing(doc: unknown, pointer: string, parentOnly: boolean): string | undefined {
  if (pointer !== '' && !pointer.startsWith('/')) return `"${pointer}" is not a JSON pointer (it must start with "/")`;
  const parts = tokens(pointer);
  let cur: unknown = doc;
  const upto = parentOnly ? parts.length - 1 : parts.length;
  for (let i = 0; i < upto; i++) {
    const t = parts[i];
    const at = `/${parts.slice(0, i).join('/')}`;
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9][0-9]*)$/.test(t) || Number(t) >= cur.length) return `the list at "${at}" has no element "${t}" (it has ${cur.length})`;
      cur = cur[Number(t)];
    } else if (isMap(cur) && t in cur) {
      cur = cur[t];
    } else {
      return `the object has no field "${t}" at "${at}"`;
    }
  }
  if (parentOnly && parts.length > 0 && !Array.isArray(cur) && !isMap(cur)) return `"/${parts.slice(0, -1).join('/')}" is not an object or a list`;
  return undefined;
}

/** Why a JSON 6902 operation cannot apply to `doc`, if it cannot. */
function pointerProblem(doc: unknown, op: { op: string; path: string; from?: string }): string | undefined {
  if (op.op === 'add') return missing(doc, op.path, true);
  if (op.op === 'copy' || op.op === 'move') return missing(doc, op.from ?? '', false) ?? missing(doc, op.path, true);
  return missing(doc, op.path, false);
}

/** Name (and namespace, for namespaced kinds) of an ApiObject as written. */
export function identityOf(obj: ApiObject): { name: string; namespace?: string } {
  const namespace = isClusterScoped(obj.apiVersion, obj.kind) ? undefined : obj.metadata.namespace;
  return { name: obj.name, namespace };
}

function escapeRegex(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isMap(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Merges a strategic-merge patch into an object the way kustomize does: maps key by key, `null`
 * removes, scalars replaced; lists replaced, except (`byName`, built-in kinds) lists whose
 * elements all are maps with a `name`, merged element by element on it.
 */
export function mergePatch(target: unknown, patch: unknown, byName: boolean): unknown {
  if (!isMap(patch)) return patch;
  const out: Record<string, unknown> = isMap(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue; // directives ($patch, $setElementOrder, ...) are not fields
    if (v === null) delete out[k];
    else if (Array.isArray(v) && byName && Array.isArray(out[k]) && [...v, ...(out[k] as unknown[])].every((e) => isMap(e) && typeof e.name === 'string')) {
      const merged = [...(out[k] as Array<Record<string, unknown>>)];
      for (const e of v as Array<Record<string, unknown>>) {
        const i = merged.findIndex((m) => m.name === e.name);
        if (e.$patch === 'delete') {
          if (i >= 0) merged.splice(i, 1);
        } else if (i >= 0) merged[i] = mergePatch(merged[i], e, byName) as Record<string, unknown>;
        else merged.push(mergePatch(undefined, e, byName) as Record<string, unknown>);
      }
      out[k] = merged;
    } else out[k] = mergePatch(out[k], v, byName);
  }
  return out;
}

/**
 * A kustomize `images:` entry: replaces the name, tag or digest of every container image named
 * `name` in the objects built (the `image` fields of pod templates).
 */
export interface ImageOverride {
  /** The image name as written in the base, without tag or digest (`nginx`, `ghcr.io/org/app`). */
  readonly name: string;
  /** A new image name (another registry or repository). @default - the name is kept */
  readonly newName?: string;
  /** A new tag. @default - the tag is kept */
  readonly newTag?: string;
  /** A digest (`sha256:...`) pinning the image; replaces the tag. @default - none */
  readonly digest?: string;
}

const IMAGE_NAME = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const IMAGE_DIGEST = /^sha256:[a-f0-9]{64}$/;

function checkImage(scope: IConstruct, prop: string, image: ImageOverride): Record<string, string> {
  checkString(scope, `${prop}.name`, image.name, { pattern: IMAGE_NAME, description: 'an image name without tag or digest (e.g. "nginx" or "ghcr.io/org/app")' });
  if (image.newName !== undefined) checkString(scope, `${prop}.newName`, image.newName, { pattern: IMAGE_NAME, description: 'an image name without tag or digest (e.g. "myregistry.azurecr.io/nginx")' });
  if (image.newTag !== undefined) checkString(scope, `${prop}.newTag`, image.newTag, { pattern: IMAGE_TAG, description: 'an image tag (letters, digits, "_", "." and "-", at most 128 characters)' });
  if (image.digest !== undefined) checkString(scope, `${prop}.digest`, image.digest, { pattern: IMAGE_DIGEST, description: 'a digest "sha256:<64 hex digits>"' });
  if (image.newTag !== undefined && image.digest !== undefined) throw propError(scope, prop, 'set newTag or digest, not both (a digest pins the image)');
  if (image.newName === undefined && image.newTag === undefined && image.digest === undefined) {
    throw propError(scope, prop, `changes nothing: set newName, newTag or digest for image "${image.name}"`);
  }
  return {
    name: image.name,
    ...(image.newName !== undefined ? { newName: image.newName } : {}),
    ...(image.newTag !== undefined ? { newTag: image.newTag } : {}),
    ...(image.digest !== undefined ? { digest: image.digest } : {}),
  };
}

/** Every string under an `image` key of a rendered object. */
export function imagesOf(obj: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(obj)) for (const e of obj) imagesOf(e, out);
  else if (isMap(obj)) {
    for (const [k, v] of Object.entries(obj)) {
      if (k === 'image' && typeof v === 'string') out.add(v);
      else imagesOf(v, out);
    }
  }
  return out;
}

export { imageName } from '../core/image-ref';

/** Props shared by overlays and components: what they change in the objects they build. */
export interface KustomizeLayerProps extends FolderProps {
  /**
   * Patches of objects of the base (see {@link KustomizePatch}); more with `addPatch()`.
   * @default - none
   */
  readonly patches?: KustomizePatch[];

  /**
   * Image overrides (`images:`); more with `addImage()`.
   * @default - none
   */
  readonly images?: ImageOverride[];
}

/**
 * A folder whose `kustomization.yaml` changes the objects it builds: the common part of
 * {@link Overlay} and {@link KustomizeComponent} (patches and image overrides).
 *
 * @example
 * const prod = repo.overlay('platform/overlays/prod', { base });
 * prod.addPatch(KustomizePatch.json6902(web, JsonPatch.replace('/spec/replicas', 3)));
 * prod.addImage({ name: 'nginx', newTag: '1.27.2' });
 */
export abstract class KustomizeLayer extends Folder {
  private readonly patchList: KustomizePatch[] = [];
  private readonly imageList: Array<Record<string, string>> = [];

  protected constructor(scope: Construct, id: string, props: KustomizeLayerProps) {
    super(scope, id, props);
    for (const p of props.patches ?? []) this.addPatch(p);
    for (const i of props.images ?? []) this.addImage(i);
  }

  /** Adds a patch (checked now; its target is checked against the base at synth). */
  public addPatch(patch: KustomizePatch): void {
    const prop = `patches[${this.patchList.length}]`;
    if (!(patch instanceof KustomizePatch)) throw propError(this, prop, 'must be a KustomizePatch (KustomizePatch.strategicMerge/json6902/delete)');
    patch._check(this, prop);
    this.checkPatchTarget(patch, prop);
    this.patchList.push(patch);
  }

  /** Checks, when the patch is added, that its target can be an object this folder builds. */
  protected checkPatchTarget(_patch: KustomizePatch, _prop: string): void {}

  /** Adds an image override. */
  public addImage(image: ImageOverride): void {
    const prop = `images[${this.imageList.length}]`;
    const rendered = checkImage(this, prop, image);
    if (this.imageList.some((i) => i.name === image.name)) throw propError(this, prop, `image "${image.name}" is already overridden in this folder`);
    this.imageList.push(rendered);
  }

  /** The patches, in the order kustomize applies them. */
  public get patches(): readonly KustomizePatch[] {
    return [...this.patchList];
  }

  /** The image overrides (`images:` entries), in order. */
  public get images(): ReadonlyArray<Readonly<Record<string, string>>> {
    return [...this.imageList];
  }

  /** @internal */
  public _kustomizationFields(): Record<string, unknown> {
    const own = (super._kustomizationFields().patches ?? []) as unknown[];
    const patches = [...own, ...this.patchList.map((p) => p.render())];
    return {
      ...(patches.length > 0 ? { patches } : {}),
      ...(this.imageList.length > 0 ? { images: this.imageList.map((i) => ({ ...i })) } : {}),
    };
  }
}

/** Props of an {@link Overlay}. */
export interface OverlayProps extends KustomizeLayerProps {
  /**
   * The folder this overlay builds on (`resources: [<relative path>]`). It is no longer listed by
   * its parent folder: it is applied through its overlays. It must be in the same repo and must
   * not be an overlay itself.
   */
  readonly base: Folder;

  /**
   * Kustomize components included (`components:`), applied after the base and patches.
   * @default - none
   */
  readonly components?: KustomizeComponent[];

  /**
   * Prefix added to the name of every object built (`namePrefix:`). Kustomize updates references
   * between built-in kinds; references inside custom resources (a HelmRelease's `sourceRef`, say)
   * are not renamed.
   * @default - none
   */
  readonly namePrefix?: string;

  /**
   * Suffix added to the name of every object built (`nameSuffix:`); see {@link namePrefix}.
   * @default - none
   */
  readonly nameSuffix?: string;
}

const OVERLAY_SYMBOL = Symbol.for('cdk8s-platform.Overlay');
const COMPONENT_SYMBOL = Symbol.for('cdk8s-platform.KustomizeComponent');
const AFFIX = { max: 62, pattern: /^[a-z0-9.-]*$/, description: 'lowercase letters, digits, "-" and "." (at most 62 characters)' };

/**
 * A kustomize overlay: a folder whose `kustomization.yaml` builds a base folder
 * (`resources: [../../base]`) with per-environment patches, image overrides, components, a
 * namespace, labels and name prefix/suffix. Point the environment's Flux Kustomization at it
 * (`Kustomization.forFolder(clusterFolder, 'platform', overlay, ...)`). Objects created in the
 * overlay itself are added to what the base builds.
 *
 * The `namespace` prop sets `namespace:` (every namespaced object built goes there), `labels`
 * sets `labels:` (metadata labels only: selectors are left alone, so Deployments stay
 * updatable). At synth, each patch's target must be an object the base builds, and each patched
 * object is validated against its schema; the Flux Kustomization applying the overlay applies the
 * base's objects (patched, renamed, re-namespaced), and references to them resolve on the
 * overlay's cluster.
 *
 * @example
 * const base = repo.folder('platform/base');
 * const ingress = new flux.HelmRelease(base, 'ingress', { ... });
 * repo.overlay('platform/overlays/prod', {
 *   base,
 *   cluster: 'prod',
 *   patches: [KustomizePatch.strategicMerge(ingress, { spec: { values: { controller: { replicaCount: 3 } } } })],
 *   images: [{ name: 'nginx', newTag: '1.27.2' }],
 * });
 */
export class Overlay extends KustomizeLayer {
  /** Whether `x` is an Overlay (works across copies of the library). */
  public static isOverlay(x: unknown): x is Overlay {
    return typeof x === 'object' && x !== null && OVERLAY_SYMBOL in x;
  }

  /** The folder this overlay builds on. */
  public readonly base: Folder;
  /** `namePrefix`, if set. */
  public readonly namePrefix?: string;
  /** `nameSuffix`, if set. */
  public readonly nameSuffix?: string;
  private readonly componentList: KustomizeComponent[] = [];
  private readonly overlayLabels?: Record<string, string>;

  public constructor(scope: Construct, id: string, props: OverlayProps) {
    super(scope, id, { ...props, patches: [], images: [] });
    Object.defineProperty(this, OVERLAY_SYMBOL, { value: true });
    if (props.kustomization === false) throw propError(this, 'kustomization', 'an overlay is its kustomization.yaml; it cannot be turned off');
    if (!props.base || !Folder.isFolder(props.base)) throw propError(this, 'base', 'must be a Folder of the same repo');
    if (!sameRepo(props.base, this)) throw propError(this, 'base', `folder "${props.base.path}" is not in the overlay's repo`);
    if (props.base === this) throw propError(this, 'base', 'an overlay cannot be its own base');
    if (Overlay.isOverlay(props.base) || KustomizeComponent.isComponent(props.base)) {
      throw propError(this, 'base', `folder "${props.base.path}" is an overlay or a component; use a plain folder as the base of every overlay`);
    }
    if (isBelow(this.path, props.base.path)) throw propError(this, 'base', `folder "${props.base.path}" contains the overlay "${this.path}"; put the overlay beside its base`);
    if (props.namespace !== undefined) checkString(this, 'namespace', props.namespace, DNS_LABEL);
    if (props.namePrefix !== undefined) checkString(this, 'namePrefix', props.namePrefix, AFFIX);
    if (props.nameSuffix !== undefined) checkString(this, 'nameSuffix', props.nameSuffix, AFFIX);
    checkLabels(this, 'labels', props.labels);
    if (!props.base.kustomization) throw propError(this, 'base', `folder "${props.base.path}" writes no kustomization.yaml (kustomization: false), so kustomize cannot build it`);
    this.base = props.base;
    this.namePrefix = props.namePrefix || undefined;
    this.nameSuffix = props.nameSuffix || undefined;
    this.overlayLabels = props.labels && Object.keys(props.labels).length > 0 ? { ...props.labels } : undefined;
    for (const p of props.patches ?? []) this.addPatch(p);
    for (const i of props.images ?? []) this.addImage(i);
    for (const c of props.components ?? []) this.addComponent(c);
  }

  protected checkPatchTarget(patch: KustomizePatch, prop: string): void {
    const obj = patch.targetObject;
    let folder: Folder | undefined;
    try {
      folder = Folder.of(obj);
    } catch {
      folder = undefined;
    }
    const inRepo = folder !== undefined && sameRepo(folder, this);
    const ok = inRepo && (isBelow(folder!.path, this.base.path) || folder === this || KustomizeComponent.isComponent(folder));
    if (!ok) {
      throw propError(this, prop, `targets ${obj.kind} "${obj.name}" (${obj.node.path}), which is not an object of base folder "${this.base.path}"; patch an object created in the base`);
    }
  }

  /** Includes a component (same repo). */
  public addComponent(component: KustomizeComponent): void {
    const prop = `components[${this.componentList.length}]`;
    if (!KustomizeComponent.isComponent(component)) throw propError(this, prop, 'must be a KustomizeComponent (repo.component(...))');
    if (!sameRepo(component, this)) throw propError(this, prop, `component "${component.path}" is not in the overlay's repo`);
    if (!this.componentList.includes(component)) this.componentList.push(component);
  }

  /** The components included, in order. */
  public get components(): readonly KustomizeComponent[] {
    return [...this.componentList];
  }

  /**
   * Renames an object the way this overlay's namespace/namePrefix/nameSuffix do, as kustomize does
   * (Namespaces and CustomResourceDefinitions keep their names; a core Namespace takes the
   * overlay's namespace as its name: `kustomizeRenamed` in lib/core/flux-build.ts).
   */
  public transformIdentity<T extends { readonly apiVersion: string; readonly kind: string; readonly name: string; readonly namespace?: string }>(id: T): T {
    return kustomizeRenamed(id, { namespace: this.namespace, namePrefix: this.namePrefix, nameSuffix: this.nameSuffix });
  }

  /** @internal */
  public _resourcesBefore(): string[] {
    return [posix.relative(this.path, this.base.path)];
  }

  /** @internal */
  public _kustomizationFields(): Record<string, unknown> {
    const { patches, images } = super._kustomizationFields();
    return {
      ...(this.componentList.length > 0 ? { components: this.componentList.map((c) => posix.relative(this.path, c.path)) } : {}),
      ...(this.namespace ? { namespace: this.namespace } : {}),
      ...(this.namePrefix ? { namePrefix: this.namePrefix } : {}),
      ...(this.nameSuffix ? { nameSuffix: this.nameSuffix } : {}),
      ...(this.overlayLabels ? { labels: [{ pairs: this.overlayLabels }] } : {}),
      ...(patches ? { patches } : {}),
      ...(images ? { images } : {}),
    };
  }
}

/** Props of a {@link KustomizeComponent}. */
export interface KustomizeComponentProps extends KustomizeLayerProps {}

/**
 * A kustomize component (`kind: Component`, `kustomize.config.k8s.io/v1alpha1`): objects,
 * patches and image overrides that overlays opt into with `components:` (e.g. "high
 * availability", "debug logging"). Its patches target objects of the bases of the overlays that
 * include it; synth checks each of them against every such overlay. Never listed by its parent
 * folder (a component is not a resource).
 *
 * @example
 * const ha = repo.component('platform/components/ha', {
 *   patches: [KustomizePatch.strategicMerge(ingress, { spec: { values: { controller: { replicaCount: 3 } } } })],
 * });
 * repo.overlay('platform/overlays/prod', { base, components: [ha] });
 */
export class KustomizeComponent extends KustomizeLayer {
  /** Whether `x` is a KustomizeComponent (works across copies of the library). */
  public static isComponent(x: unknown): x is KustomizeComponent {
    return typeof x === 'object' && x !== null && COMPONENT_SYMBOL in x;
  }

  public constructor(scope: Construct, id: string, props: KustomizeComponentProps = {}) {
    super(scope, id, props);
    Object.defineProperty(this, COMPONENT_SYMBOL, { value: true });
    if (props.kustomization === false) throw propError(this, 'kustomization', 'a component is its kustomization.yaml; it cannot be turned off');
  }

  /** @internal */
  public _kustomizationKind(): { apiVersion: string; kind: string } {
    return { apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component' };
  }
}

/** Whether two constructs are in the same {@link Repo}. */
function sameRepo(a: IConstruct, b: IConstruct): boolean {
  const repoOf = (c: IConstruct) => c.node.scopes.slice().reverse().find((s) => Repo.isRepo(s));
  const ra = repoOf(a);
  return ra !== undefined && ra === repoOf(b);
}

/** Whether folder path `p` is `ancestor` or below it. */
export function isBelow(p: string, ancestor: string): boolean {
  return p === ancestor || p.startsWith(`${ancestor}/`);
}

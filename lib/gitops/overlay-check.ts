/**
 * Synth checks of kustomize overlays, components and `addResource` targets, run once a repo is
 * rendered: patch targets exist in what the base builds, patched objects pass schema validation,
 * image overrides match an image, listed paths exist (or are declared user-owned). Also records
 * the objects an overlay applies (its base's, patched and renamed) as present on the overlay's
 * cluster, so references to them resolve.
 */
import { KUSTOMIZATION_FILE_NAMES } from '../tree/kustomize-refs';
import { ApiObject } from 'cdk8s';
import { Folder } from './folder';
import { imageName, imagesOf, KustomizeComponent, Overlay } from './kustomize';
import { KubeObject } from './layout';
import { Repo } from './repo';
import { refKey } from '../core/references';
import type { ValidationInput } from '../core/validation/types';
import { groupOf } from '../core/validation/metadata';

/**
 * Folders never listed as sub-folders by their parent's `kustomization.yaml`: overlays and
 * components, and folders used as an overlay's base (they are applied through their overlays;
 * listing them too would apply the base twice).
 */
export function unlistedFolders(folders: readonly Folder[]): Set<Folder> {
  const out = new Set<Folder>();
  for (const f of folders) {
    if (Overlay.isOverlay(f)) out.add(f).add(f.base);
    else if (KustomizeComponent.isComponent(f)) out.add(f);
  }
  return out;
}

/** Whether a repo has anything {@link overlayProblems} checks (overlays, components, addResource). */
export function needsOverlayCheck(folders: readonly Folder[]): boolean {
  return folders.some((f) => Overlay.isOverlay(f) || KustomizeComponent.isComponent(f) || f.additionalResourceTargets.length > 0);
}

/** What {@link overlayProblems} needs from the synth pass of one repo. */
export interface OverlayCheckInput {
  readonly repo: Repo;
  readonly folders: readonly Folder[];
  readonly byFolder: ReadonlyMap<Folder, readonly ApiObject[]>;
  readonly childFolders: ReadonlyMap<Folder, readonly Folder[]>;
  /** Every rendered object of the repo, by its ApiObject. */
  readonly rendered: ReadonlyMap<ApiObject, KubeObject>;
  /** Object files written in the repo (repo-relative). */
  readonly written: ReadonlySet<string>;
  readonly clusterOf: (folder: Folder) => string;
  /** Objects present per cluster (refKey); the objects overlays apply are added. */
  readonly present: Set<string>;
  /** Schema validation, when on. */
  readonly validate?: (objects: Iterable<ValidationInput>) => string[];
}

/** Every problem of the repo's overlays, components and addResource targets. */
export function overlayProblems(input: OverlayCheckInput): string[] {
  const problems: string[] = [];
  const byPath = new Map(input.folders.map((f) => [f.path, f]));
  const builtCache = new Map<Folder, ApiObject[]>();

  /** The ApiObjects `kubectl kustomize <folder>` outputs (identities before the folder's own transforms). */
  const built = (folder: Folder, visiting: Set<Folder> = new Set()): ApiObject[] => {
    const cached = builtCache.get(folder);
    if (cached) return cached;
    if (visiting.has(folder)) return [];
    visiting.add(folder);
    const out: ApiObject[] = [];
    if (Overlay.isOverlay(folder)) {
      out.push(...built(folder.base, visiting));
      for (const c of folder.components) out.push(...built(c, visiting));
    }
    out.push(...(input.byFolder.get(folder) ?? []));
    if (folder.includeSubfolders) for (const c of input.childFolders.get(folder) ?? []) out.push(...built(c, visiting));
    for (const r of folder.additionalResourceTargets) {
      const target = r.folder ?? byPath.get(r.resolved);
      if (target && target.kustomization) out.push(...built(target, visiting));
    }
    visiting.delete(folder);
    const unique = [...new Set(out)];
    builtCache.set(folder, unique);
    return unique;
  };

  for (const folder of input.folders) problems.push(...resourceProblems(folder, input, byPath));

  for (const overlay of input.folders.filter(Overlay.isOverlay)) {
    const scope = new Set(built(overlay));
    const layers: Array<{ layer: Overlay | KustomizeComponent; label: string }> = [
      ...overlay.components.map((c) => ({ layer: c as Overlay | KustomizeComponent, label: `${c.path} ` })),
      { layer: overlay, label: '' },
    ];
    // Apply every patch in kustomize's order (components first, then the overlay's own).
    const patched = new Map<ApiObject, { obj: KubeObject | undefined; by: string[] }>();
    for (const { layer, label } of layers) {
      layer.patches.forEach((patch, i) => {
        const prop = `patches[${i}]`;
        const target = patch.targetObject;
        const where = layer === overlay ? `${overlay.node.path}: prop "${prop}"` : `${layer.node.path}: prop "${prop}" (in overlay "${overlay.path}")`;
        if (!scope.has(target)) {
          problems.push(`${where}: targets ${target.kind} "${target.name}" (${target.node.path}), which overlay "${overlay.path}" does not build (base folder "${overlay.base.path}"); patch an object created in the base`);
          return;
        }
        const current = patched.get(target) ?? { obj: input.rendered.get(target), by: [] };
        if (!current.obj) {
          problems.push(`${where}: ${patch.describe()}: the object is already deleted by ${current.by.join(', ')}`);
          return;
        }
        try {
          patched.set(target, { obj: patch.applyTo(current.obj), by: [...current.by, `${label}${prop}`] });
        } catch (e) {
          const message = (e as Error).message.split('\n')[0];
          problems.push(`${where}: ${patch.describe()} does not apply: ${message}; fix the operation`);
        }
      });
      problems.push(...imageProblems(layer, overlay, scope, input.rendered));
    }
    // Validate each patched object as the overlay outputs it.
    if (input.validate) {
      const toValidate: ValidationInput[] = [];
      for (const [target, { obj, by }] of patched) {
        if (obj) toValidate.push({ obj: transformed(overlay, obj), path: `${overlay.node.path} (${by.join(', ')} of ${target.node.path})` });
      }
      problems.push(...input.validate(toValidate));
    }
    // The objects this overlay applies are present on its cluster (for references).
    const cluster = input.clusterOf(overlay);
    for (const api of scope) {
      const p = patched.get(api);
      const obj = p ? p.obj : input.rendered.get(api);
      if (!obj) continue;
      const t = transformed(overlay, obj);
      input.present.add(refKey(cluster, { apiGroup: groupOf(t.apiVersion), kind: t.kind, name: t.metadata.name ?? '', namespace: t.metadata.namespace }));
    }
  }
  // A component never used by an overlay still needs its patch targets to exist somewhere.
  const used = new Set(input.folders.filter(Overlay.isOverlay).flatMap((o) => o.components));
  for (const c of input.folders.filter(KustomizeComponent.isComponent)) {
    if (!used.has(c) && c.patches.length > 0) {
      problems.push(`${c.node.path}: component "${c.path}" has patches but no overlay includes it; add it to an overlay's components, or remove it`);
    }
  }
  return problems;
}

/** The object as the overlay outputs it: namespace, name prefix/suffix and labels applied. */
function transformed(overlay: Overlay, obj: KubeObject): KubeObject {
  const id = overlay.transformIdentity({ apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name ?? '', namespace: obj.metadata.namespace });
  const labels = { ...(obj.metadata.labels as Record<string, string> | undefined), ...overlay.labels };
  const metadata: KubeObject['metadata'] = { ...obj.metadata, name: id.name };
  if (id.namespace !== undefined) metadata.namespace = id.namespace;
  if (Object.keys(labels).length > 0) metadata.labels = labels;
  return { ...obj, metadata };
}

/** Image overrides of a layer that match no image of what the overlay builds. */
function imageProblems(layer: Overlay | KustomizeComponent, overlay: Overlay, scope: ReadonlySet<ApiObject>, rendered: ReadonlyMap<ApiObject, KubeObject>): string[] {
  if (layer.images.length === 0) return [];
  const names = new Set<string>();
  for (const api of scope) for (const ref of imagesOf(rendered.get(api))) names.add(imageName(ref));
  const problems: string[] = [];
  layer.images.forEach((image, i) => {
    if (names.has(image.name)) return;
    const found = [...names].sort();
    const where = layer === overlay ? `${overlay.node.path}: prop "images[${i}]"` : `${layer.node.path}: prop "images[${i}]" (in overlay "${overlay.path}")`;
    problems.push(`${where}: no object built by overlay "${overlay.path}" uses image "${image.name}" (images used: ${found.length > 0 ? found.join(', ') : 'none'}); fix the name`);
  });
  return problems;
}

/** Problems of a folder's `addResource` targets. */
function resourceProblems(folder: Folder, input: OverlayCheckInput, byPath: ReadonlyMap<string, Folder>): string[] {
  const problems: string[] = [];
  for (const r of folder.additionalResourceTargets) {
    const where = `${folder.node.path}: addResource("${r.entry}")`;
    const target = r.folder ?? byPath.get(r.resolved);
    const writes = input.written.has(r.resolved) || (target !== undefined && target.kustomization);
    if (r.userOwned) {
      if (writes) problems.push(`${where}: "${r.resolved}" is written by the app in repo "${input.repo.dir}"; drop { userOwned: true }`);
      continue;
    }
    if (target && KustomizeComponent.isComponent(target)) {
      problems.push(`${where}: folder "${target.path}" is a kustomize Component, not a resource; include it with an overlay's components`);
    } else if (target && !target.kustomization) {
      problems.push(`${where}: folder "${target.path}" writes no kustomization.yaml (kustomization: false), so kustomize cannot build it; list its files instead`);
    } else if (!writes && !input.repo.isUserOwned(r.resolved) && !KUSTOMIZATION_FILE_NAMES.some((k) => input.repo.isUserOwned(`${r.resolved}/${k}`))) {
      problems.push(
        `${where}: "${r.resolved}" is neither a file nor a folder the app writes in repo "${input.repo.dir}"; ` +
          `create it with the app, or declare a file you keep yourself with addResource("${r.entry}", { userOwned: true })`,
      );
    }
  }
  return problems;
}



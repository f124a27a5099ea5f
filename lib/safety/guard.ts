import * as fs from 'fs';
import * as path from 'path';
import { matchObjects, ObjectChange, objectsOfTree, protectedByNamespace, removals, TreeObject, treeObject } from './plan';
import { groupOf } from '../core/validation/metadata';
import { readManifest } from '../gitops/writer';
import { objectsOfFile, quickIdentity, readTree } from './tree';

/** The files a synth is about to change in one repo tree (from `TreeWriter.changes()`). */
export interface PendingChanges {
  /** Owned files whose content changes. */
  readonly updated: readonly string[];
  /** Owned files that are no longer produced. */
  readonly deleted: readonly string[];
}

/**
 * The protected deletions and renames a synth into the existing tree `targetDir` would make
 * (blocked or allowed; see `removals`), found without reading more of the old tree than needed:
 * only deleted files, and updated files whose object changed identity, are parsed (the rest of
 * the old tree only when a Namespace or a cascading Argo CD Application goes away). `next` are the objects the synth writes, with
 * their construct paths and whether each is protected.
 */
export function destroyGuard(targetDir: string, pending: PendingChanges, next: readonly TreeObject[], allow: readonly string[]): ObjectChange[] {
  if (pending.deleted.length === 0 && pending.updated.length === 0) return [];
  const constructPaths = readManifest(targetDir).constructPaths ?? {};
  const byFile = new Map<string, TreeObject>();
  for (const n of next) byFile.set(n.file, n);
  const old: TreeObject[] = [];
  const parse = (file: string, text: string) => {
    const objs = objectsOfFile(path.join(targetDir, file), text);
    for (const obj of objs) old.push(treeObject(file, obj, objs.length === 1 ? constructPaths[file] : undefined));
  };
  for (const file of pending.deleted) parse(file, fs.readFileSync(path.join(targetDir, file), 'utf8'));
  for (const file of pending.updated) {
    const n = byFile.get(file);
    if (!n) continue; // kustomization.yaml and other non-object files
    const text = fs.readFileSync(path.join(targetDir, file), 'utf8');
    const id = quickIdentity(text);
    if (id && groupOf(id.apiVersion) === groupOf(n.apiVersion) && id.kind === n.kind && id.name === n.name && (id.namespace ?? '') === (n.namespace ?? '')) continue;
    parse(file, text);
  }
  if (old.length === 0) return [];
  const matched = matchObjects(old, next);
  let tree: TreeObject[] | undefined;
  const oldTree = () => (tree ??= objectsOfTree(readTree(targetDir)));
  return removals(matched, allow, () => protectedByNamespace([...oldTree(), ...next]), oldTree);
}

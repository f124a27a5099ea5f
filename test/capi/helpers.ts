// Test helpers for the CAPI / AKS constructs: a fresh app with one folder, and rendered objects.
import { GitOpsApp, Repo } from '../../lib';
import { Folder } from '../../lib/gitops/folder';
import { AksNodePoolMode, AksNodePoolProps } from '../../lib/aso/aks';

export interface KObj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  [k: string]: any;
}

/** A fresh app with a repo `platform` and a folder `clusters/mgmt` (namespace `fleet`). */
export function setup(): { app: GitOpsApp; repo: Repo; folder: Folder } {
  const app = new GitOpsApp({ outdir: '/tmp/capi-test-unused' });
  const repo = new Repo(app, 'platform');
  const folder = repo.folder('clusters/mgmt', { namespace: 'fleet' });
  return { app, repo, folder };
}

/** Every rendered object of the app (validated: throws SynthError on any problem). */
export function objects(app: GitOpsApp): KObj[] {
  return app.placedObjects().map((p) => p.obj as unknown as KObj);
}

/** The one object of a kind and name. */
export function find(objs: KObj[], kind: string, name: string): KObj {
  const found = objs.filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind}/${name}, found ${found.length}: ${objs.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found[0];
}

/** The exception message of `fn`. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

export const SYSTEM_POOL: AksNodePoolProps = { name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5' };

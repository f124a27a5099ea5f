// Fixtures of the CAPI / AKS tests: a typical management folder and a System node pool. Rendering,
// finding objects and errors go through the public `Testing` helper (lib/testing).
import { Repo } from '../../lib';
import { AksNodePoolMode, AksNodePoolProps } from '../../lib/aso/aks';
import { Folder } from '../../lib/gitops/folder';
import { GitOpsApp } from '../../lib/gitops/gitops-app';
import { Testing } from '../../lib/testing';

/** A rendered object, mutable (the equivalence tests normalize clusterctl's objects in place). */
export interface KObj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  [k: string]: any;
}

/** A fresh app with a repo `platform` and a folder `clusters/mgmt` (namespace `fleet`). */
export function setup(): { app: GitOpsApp; repo: Repo; folder: Folder } {
  const app = Testing.app();
  const repo = new Repo(app, 'platform');
  const folder = repo.folder('clusters/mgmt', { namespace: 'fleet' });
  return { app, repo, folder };
}

/** A System node pool. */
export const SYSTEM_POOL: AksNodePoolProps = { name: 'system', mode: AksNodePoolMode.SYSTEM, vmSize: 'Standard_D4s_v5' };

import { Folder, GitOpsApp, Repo } from '../../lib';
import { Testing } from '../../lib/testing';

export interface Fixture {
  readonly app: GitOpsApp;
  readonly repo: Repo;
  readonly folder: Folder;
}

/** The typical Flux folder: an app (`Testing.app()`) with a repo `platform` (url set) and a folder `clusters/mgmt` in namespace flux-system. */
export function fixture(folderProps: { namespace?: string } = { namespace: 'flux-system' }): Fixture {
  const app = Testing.app();
  const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
  const folder = repo.folder('clusters/mgmt', folderProps);
  return { app, repo, folder };
}

/** Go duration string → milliseconds (to compare `1m0s` from the flux CLI with our `1m`). */
export function goMs(d: string): number {
  let total = 0;
  for (const m of d.matchAll(/([0-9.]+)(ms|s|m|h)/g)) total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms']!;
  return total;
}

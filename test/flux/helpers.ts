import { parse } from 'yaml';
import { GitOpsApp, Repo, Folder } from '../../lib';

export interface Fixture {
  readonly app: GitOpsApp;
  readonly repo: Repo;
  readonly folder: Folder;
}

/** An app with a repo `platform` (url set) and a folder `clusters/mgmt` in namespace flux-system. */
export function fixture(folderProps: { namespace?: string } = { namespace: 'flux-system' }): Fixture {
  const app = new GitOpsApp({ outdir: '/nonexistent' });
  const repo = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
  const folder = repo.folder('clusters/mgmt', folderProps);
  return { app, repo, folder };
}

/** Renders the app in memory (strict schema + CEL + references) and returns every object by `<repo>/<file>`. */
export function render(app: GitOpsApp): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [repo, files] of app.renderToMemory()) {
    for (const [file, text] of files) out[`${repo}/${file}`] = parse(text);
  }
  return out;
}

/** The SynthError problems of rendering the app (empty when it renders). */
export function problems(app: GitOpsApp): string[] {
  try {
    app.renderToMemory();
    return [];
  } catch (e) {
    return (e as { problems?: string[] }).problems ?? [String(e)];
  }
}

/** Go duration string → milliseconds (to compare `1m0s` from the flux CLI with our `1m`). */
export function goMs(d: string): number {
  let total = 0;
  for (const m of d.matchAll(/([0-9.]+)(ms|s|m|h)/g)) total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms']!;
  return total;
}

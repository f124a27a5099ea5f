import { parseAllDocuments } from 'yaml';
import { Folder, GitOpsApp, Repo, SynthError } from '../../lib';
import { ExportedValue, IOidcIssuer } from '../../lib/core';

/** A fresh app with one repo and a folder `azure` (namespace `apps` unless given; `null` for none). */
export function setup(namespace: string | null = 'apps'): { app: GitOpsApp; repo: Repo; folder: Folder } {
  const app = new GitOpsApp({ outdir: '/nonexistent' });
  const repo = new Repo(app, 'platform');
  const folder = repo.folder('azure', { namespace: namespace ?? undefined });
  return { app, repo, folder };
}

/** Every object the app renders (kustomization files excluded), parsed. */
export function render(app: GitOpsApp): any[] {
  const out: any[] = [];
  for (const files of app.renderToMemory().values()) {
    for (const [file, text] of files) {
      if (file.endsWith('kustomization.yaml')) continue;
      for (const d of parseAllDocuments(text)) out.push(d.toJS());
    }
  }
  return out;
}

/** The one rendered object of a kind and name. */
export function find(objects: any[], kind: string, name: string): any {
  const hits = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (hits.length !== 1) throw new Error(`expected one ${kind}/${name}, found ${hits.length}: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return hits[0];
}

/** A fake cluster exposing its OIDC issuer as a ConfigMap key (like an ASO ManagedCluster export). */
export function fakeCluster(name: string, namespace: string, url?: string): IOidcIssuer & { used: number } {
  const c = {
    used: 0,
    oidcIssuerUrl: url,
    oidcIssuerExport: new ExportedValue(
      () => ({ kind: 'ConfigMap', name: `${name}-config`, namespace, key: 'oidcIssuerProfile' }),
      () => { c.used++; },
    ),
  };
  return c;
}

/** A string that passes the SealedSecret ciphertext check. */
export const CIPHER = 'AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq'.repeat(4);

/** The problems of the SynthError `app` fails with (none: it synthesizes). */
export function synthProblems(app: { renderToMemory(): unknown }): readonly string[] {
  try {
    app.renderToMemory();
  } catch (e) {
    if (e instanceof SynthError) return e.problems;
    throw e;
  }
  return [];
}

/** The synth error of a server without firewall rules, private endpoint or delegated subnet. */
export const UNREACHABLE_PG = (path: string): string =>
  `${path}: prop "network": the server would be unreachable: public network access is disabled (it has no firewall rules) and it has no private path; ` +
  'add a private endpoint with server.addPrivateEndpoint({ subnet, privateDnsZone }), put it in a subnet delegated to ' +
  'Microsoft.DBforPostgreSQL/flexibleServers (delegatedSubnet + privateDnsZone), or allow clients with server.firewallRule(...) (public access)';

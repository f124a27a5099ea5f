// Domain fixtures of the ASO tests (generic helpers come from the public `Testing`).
import { Folder, GitOpsApp, Repo, Testing } from '../../lib';
import { ExportedValue, IOidcIssuer } from '../../lib/core';
import { SEALED_CIPHERTEXT } from '../support/ciphertext';

/** A fresh app (`Testing.app()`) with one repo and a folder `azure` (namespace `apps` unless given; `null` for none). */
export function setup(namespace: string | null = 'apps'): { app: GitOpsApp; repo: Repo; folder: Folder } {
  const app = Testing.app();
  const repo = new Repo(app, 'platform');
  const folder = repo.folder('azure', { namespace: namespace ?? undefined });
  return { app, repo, folder };
}

/** A fake cluster exposing its OIDC issuer as a ConfigMap key (like an ASO ManagedCluster export). */
export function fakeCluster(name: string, namespace: string, url?: string): IOidcIssuer & { used: number } {
  const c = {
    used: 0,
    oidcIssuerUrl: url,
    exports: { oidcIssuer: new ExportedValue(
      () => ({ kind: 'ConfigMap', name: `${name}-config`, namespace, key: 'oidcIssuerProfile' }),
      () => { c.used++; },
    ) },
  };
  return c;
}

/** A string that passes the SealedSecret ciphertext check (`SealedSecret.fromEncryptedData`). */
export const CIPHER = SEALED_CIPHERTEXT;

/** The synth error of a server without firewall rules, private endpoint or delegated subnet. */
export const UNREACHABLE_PG = (path: string): string =>
  `${path}: prop "network": the server would be unreachable: public network access is disabled (it has no firewall rules) and it has no private path; ` +
  'add a private endpoint with server.addPrivateEndpoint({ subnet, privateDnsZone }), put it in a subnet delegated to ' +
  'Microsoft.DBforPostgreSQL/flexibleServers (delegatedSubnet + privateDnsZone), or allow clients with server.firewallRule(...) (public access)';

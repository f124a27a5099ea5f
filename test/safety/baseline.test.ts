// The secure-baseline report: every opt-out of a secure default, with construct path and reason.
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { GitOpsApp, justifyOptOut, recordOptOut, Repo } from '../../lib';
import { collectOptOuts, formatBaselineReport } from '../../lib/safety';
import { tmp } from './helpers';

function app(print = true): GitOpsApp {
  const a = new GitOpsApp({ outdir: tmp(), printBaselineReport: print });
  const f = new Repo(a, 'platform').folder('data', { namespace: 'data' });
  const storage = new Construct(f, 'logs');
  new ApiObject(storage, 'Resource', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'logs' } });
  recordOptOut(storage, 'storage.allowSharedKeyAccess', 'true', 'legacy backup tool reads with the account key');
  recordOptOut(storage, 'storage.publicNetworkAccess', 'Enabled');
  const aks = new Construct(f, 'aks');
  recordOptOut(aks, 'aks.disableLocalAccounts', 'false');
  justifyOptOut(aks, 'aks.disableLocalAccounts', 'break-glass access during migration');
  return a;
}

const TABLE =
  'secure-baseline opt-outs (3):\n' +
  '  CONSTRUCT           SETTING                       VALUE    REASON\n' +
  '  platform/data/aks   aks.disableLocalAccounts      false    break-glass access during migration\n' +
  '  platform/data/logs  storage.allowSharedKeyAccess  true     legacy backup tool reads with the account key\n' +
  '  platform/data/logs  storage.publicNetworkAccess   Enabled  no reason given\n';

test('app.secureBaselineReport() lists every opt-out with its path and reason, sorted', () => {
  expect(app().secureBaselineReport()).toEqual([
    { path: 'platform/data/aks', setting: 'aks.disableLocalAccounts', value: 'false', reason: 'break-glass access during migration' },
    { path: 'platform/data/logs', setting: 'storage.allowSharedKeyAccess', value: 'true', reason: 'legacy backup tool reads with the account key' },
    { path: 'platform/data/logs', setting: 'storage.publicNetworkAccess', value: 'Enabled', reason: 'no reason given' },
  ]);
});

test('synthesize() returns it; synth() prints it to stderr as a compact table', () => {
  expect(app().synthesize().optOuts).toHaveLength(3);
  const written: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    written.push(String(s));
    return true;
  });
  try {
    app().synth();
    app(false).synth();
  } finally {
    spy.mockRestore();
  }
  expect(written.join('')).toBe(TABLE);
  expect(formatBaselineReport(collectOptOuts(app()))).toBe(TABLE);
});

test('nothing is printed when nothing was opted out', () => {
  expect(formatBaselineReport([])).toBe('');
  const a = new GitOpsApp({ outdir: tmp() });
  new Repo(a, 'r').folder('f');
  expect(a.synthesize().optOuts).toEqual([]);
});

// Day-2 changes of a Flux HelmRelease that make helm-controller uninstall and reinstall its release
// (lib/safety/helm-transitions.ts): protected updates, allowed by the HelmRelease's id.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GitOpsApp, Repo } from '../../lib';
import { HelmRelease, HelmRepository } from '../../lib/flux';
import { helmReleaseRename, helmReleaseTransition } from '../../lib/safety/helm-transitions';

interface Edit {
  readonly name?: string;
  readonly namespace?: string;
  readonly releaseName?: string;
  readonly targetNamespace?: string;
  readonly chart?: string;
  readonly values?: Record<string, unknown>;
  readonly allowDestroy?: string[];
}

function app(outdir: string, e: Edit = {}): GitOpsApp {
  const a = new GitOpsApp({ outdir, validation: false, printBaselineReport: false, allowDestroy: e.allowDestroy });
  const folder = new Repo(a, 'platform').folder('infrastructure', { namespace: e.namespace ?? 'flux-system' });
  const repository = new HelmRepository(folder, 'bitnami', { name: 'bitnami', url: 'https://charts.bitnami.com/bitnami' });
  new HelmRelease(folder, 'db', {
    name: e.name ?? 'orders-db', chart: { repository, chart: e.chart ?? 'postgresql', version: '16.0.0' },
    ...(e.releaseName ? { releaseName: e.releaseName } : {}), ...(e.targetNamespace ? { targetNamespace: e.targetNamespace } : {}), ...(e.values ? { values: e.values } : {}),
  });
  return a;
}

const reason = (what: string, from: string) =>
  `the release changes ${what}: helm-controller uninstalls release ${from} and installs it anew (ReleaseTargetChanged), ` +
  'and the uninstall deletes every object of the release (the PersistentVolumeClaims and CustomResourceDefinitions its chart templates, with every object of those kinds; ' +
  'a StatefulSet of the new release gets new, empty volumes); keep the release where it is';

describe('a HelmRelease whose release would be reinstalled', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-day2-'));
  beforeAll(() => app(out).synth());
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  test.each([
    ['another release name', { releaseName: 'orders' }, reason('its name orders-db → orders', 'flux-system/orders-db')],
    ['a target namespace (its namespace, and the name it defaults)', { targetNamespace: 'data' }, reason('its namespace flux-system → data, its name orders-db → data-orders-db', 'flux-system/orders-db')],
    ['another chart', { chart: 'postgresql-ha' }, reason('its chart postgresql → postgresql-ha (upgrade.chartNameChangeStrategy: Reinstall)', 'flux-system/orders-db')],
  ])('%s is a protected update, allowed by its id', (_what, edit, message) => {
    expect(app(out, edit).plan().blocked.map((c) => [c.action, c.object.id, c.protection])).toEqual([['update', 'HelmRelease/flux-system/orders-db', [message]]]);
    expect(app(out, { ...edit, allowDestroy: ['HelmRelease/flux-system/orders-db'] }).plan().blocked).toEqual([]);
  });

  test.each([
    ['renamed', { name: 'orders-postgres' }, 'HelmRelease/flux-system/orders-postgres', 'flux-system/orders-postgres'],
    ['moved to another namespace', { namespace: 'data' }, 'HelmRelease/data/orders-db', 'data/orders-db'],
    // The release keeps its name, but the old object's deletion uninstalls it all the same.
    ['renamed with its release name kept', { name: 'orders-postgres', releaseName: 'orders-db' }, 'HelmRelease/flux-system/orders-postgres', 'flux-system/orders-db'],
  ])('%s, the HelmRelease is a protected rename: the old one\'s deletion uninstalls its release', (_what, edit, id, installs) => {
    expect(app(out, edit).plan().blocked.map((c) => [c.action, c.previous?.id, c.object.id, c.protection])).toEqual([[
      'rename', 'HelmRelease/flux-system/orders-db', id, [
        'renamed, the HelmRelease is a new object: Flux prunes flux-system/orders-db, and helm-controller uninstalls its release flux-system/orders-db ' +
          `(a deleted HelmRelease's release is uninstalled unless it is suspended) while the new one installs ${installs}: ` +
          'the uninstall deletes every object of the release (the PersistentVolumeClaims and CustomResourceDefinitions its chart templates, with every object of those kinds; ' +
          'a StatefulSet of the new release gets new, empty volumes); keep its name and namespace, or suspend it (spec.suspend: true) in an earlier commit, so that its deletion leaves the release installed',
      ],
    ]]);
    expect(app(out, { ...edit, allowDestroy: ['HelmRelease/flux-system/orders-db'] }).plan().blocked).toEqual([]);
  });

  test('a suspended HelmRelease renamed leaves its release installed: no protection', () => {
    const hr = (name: string, suspend: boolean) => ({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name, namespace: 'ns' }, spec: { suspend } });
    expect(helmReleaseRename(hr('a', true), hr('b', false))).toEqual([]);
    expect(helmReleaseRename(hr('a', false), hr('b', false))).toHaveLength(1);
  });

  test('new values are an upgrade, not a reinstall', () => {
    expect(app(out, { values: { primary: { persistence: { size: '20Gi' } } } }).plan().blocked).toEqual([]);
  });

  test('the chart name with upgrade.chartNameChangeStrategy: InPlaceUpdate is no reinstall', () => {
    const hr = (chart: string) => ({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'x', namespace: 'ns' }, spec: { chart: { spec: { chart } }, upgrade: { chartNameChangeStrategy: 'InPlaceUpdate' } } });
    expect(helmReleaseTransition(hr('a'), hr('b'))).toEqual([]);
  });
});

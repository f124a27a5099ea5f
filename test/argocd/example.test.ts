// The Argo CD example platform, read as Argo CD would: every Application and ApplicationSet path
// is a real folder of a synthesized repo (found by its repoURL), every project referenced exists,
// every destination cluster is a project destination, and no cluster credential is written.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { GitOpsApp } from '../../lib';
import { argocdPlatform } from '../../examples/argocd-platform/app';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'argocd-example-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

type Obj = { apiVersion: string; kind: string; metadata: any; spec?: any; [k: string]: any };

describe('examples/argocd-platform', () => {
  let files: Map<string, Map<string, string>>;
  let objects: Array<{ repo: string; file: string; obj: Obj }>;
  const urls: Record<string, string> = {};

  beforeAll(() => {
    const app = new GitOpsApp({ outdir: out, printBaselineReport: false });
    argocdPlatform(app);
    for (const r of app.repos) if (r.url) urls[r.url] = r.dir;
    files = app.renderToMemory();
    app.synth();
    objects = [...files].flatMap(([repo, fs2]) =>
      [...fs2].filter(([f]) => f.endsWith('.yaml') && !f.endsWith('kustomization.yaml')).map(([file, text]) => ({ repo, file, obj: parse(text) as Obj })));
  });

  const folderExists = (repoUrl: string, p: string): boolean => {
    const dir = urls[repoUrl];
    return dir !== undefined && (files.get(dir)?.has(`${p}/kustomization.yaml`) ?? false);
  };
  const of = (kind: string) => objects.filter((o) => o.obj.apiVersion === 'argoproj.io/v1alpha1' && o.obj.kind === kind);

  test('every Application path is a real folder of a synthesized repo', () => {
    const apps = of('Application').filter((a) => a.obj.spec.source.path !== undefined);
    expect(apps.map((a) => a.obj.metadata.name).sort()).toEqual(['crossplane-azure', 'root', 'team-alpha-shop-dev-1', 'team-alpha-shop-dev-2', 'team-beta-shop-dev-1', 'team-beta-shop-dev-2']);
    for (const a of apps) expect([a.obj.metadata.name, folderExists(a.obj.spec.source.repoURL, a.obj.spec.source.path)]).toEqual([a.obj.metadata.name, true]);
  });

  test('every ApplicationSet path renders to a real folder for each CAPI Cluster its cluster generator selects', () => {
    const sets = of('ApplicationSet');
    expect(sets.map((s) => s.obj.metadata.name).sort()).toEqual(['fleet-apps', 'fleet-infrastructure']);
    const clusters = objects.filter((o) => o.obj.kind === 'Cluster' && o.obj.apiVersion.startsWith('cluster.x-k8s.io/'));
    for (const s of sets) {
      const selector = s.obj.spec.generators[0].clusters.selector.matchLabels as Record<string, string>;
      // What capi2argo-cluster-operator writes on the Secret: the owned label plus the labels marked take-along.
      const secretLabels = (c: Obj) => ({
        'capi-to-argocd/owned': 'true',
        ...Object.fromEntries(Object.entries(c.metadata.labels ?? {}).filter(([k]) => c.metadata.labels[`take-along-label.capi-to-argocd.${k}`] !== undefined)),
      } as Record<string, string>);
      const selected = clusters.filter((c) => Object.entries(selector).every(([k, v]) => secretLabels(c.obj)[k] === v));
      expect(selected.length).toBe(4);
      for (const c of selected) {
        const p = String(s.obj.spec.template.spec.source.path).replace(/\{\{index \.metadata\.labels "([^"]+)"\}\}/g, (_m, k: string) => secretLabels(c.obj)[k]);
        expect([p, folderExists(s.obj.spec.template.spec.source.repoURL, p)]).toEqual([p, true]);
      }
    }
  });

  test('every project referenced exists, and every named destination is permitted by its project', () => {
    const projects = new Map(of('AppProject').map((p) => [p.obj.metadata.name, p.obj]));
    const refs = [
      ...of('Application').map((a) => ({ project: a.obj.spec.project, dest: a.obj.spec.destination, repo: a.obj.spec.source.repoURL })),
      ...of('ApplicationSet').map((s) => ({ project: s.obj.spec.template.spec.project, dest: undefined, repo: s.obj.spec.template.spec.source.repoURL })),
    ];
    for (const r of refs) {
      const p = projects.get(r.project)!;
      expect([r.project, p !== undefined]).toEqual([r.project, true]);
      expect(p.spec.sourceRepos).toContain(r.repo);
      if (r.dest?.name) expect(p.spec.destinations.some((d: any) => d.name === r.dest.name && (d.namespace === '*' || d.namespace === r.dest.namespace))).toBe(true);
    }
  });

  test('no Argo CD cluster Secret, token or kubeconfig is written; RETAIN objects carry the Argo CD marker', () => {
    expect(objects.filter((o) => o.obj.kind === 'Secret')).toEqual([]);
    const clusters = objects.filter((o) => o.obj.kind === 'Cluster');
    expect(clusters.map((c) => c.obj.metadata.annotations['argocd.argoproj.io/sync-options'])).toEqual(Array(4).fill('Delete=false,Prune=false'));
    // The root Application deploys the fleet's Clusters, which keep themselves (Prune=false): it
    // prunes the rest (a team removed from the app loses its AppProject and Applications).
    expect(of('Application').find((a) => a.obj.metadata.name === 'root')!.obj.spec.syncPolicy.automated.prune).toBe(true);
    // It deploys itself and its project: no cascading finalizer (its deletion would never finish).
    expect(of('Application').find((a) => a.obj.metadata.name === 'root')!.obj.metadata.finalizers).toBeUndefined();
  });

  test('the argocd-platform folders build with kubectl kustomize', () => {
    try {
      execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    } catch {
      console.warn('kubectl not installed: kustomize builds not run');
      return;
    }
    const dirs = [...files].flatMap(([repo, f]) => [...f.keys()].filter((k) => k.endsWith('/kustomization.yaml')).map((k) => path.join(out, repo, path.dirname(k))));
    const roots = dirs.filter((d) => !dirs.some((o) => o !== d && d.startsWith(`${o}/`)));
    expect(roots.length).toBeGreaterThan(5);
    for (const d of roots) expect(execFileSync('kubectl', ['kustomize', d], { encoding: 'utf8' }).length).toBeGreaterThan(0);
  });
});

// The platform-gitops example: renders (strict schema + CEL + every reference resolves), every
// folder of the synthesized tree builds with kubectl kustomize, tenants run as their accounts.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { GitOpsApp } from '../../lib';
import { platformGitops } from '../../examples/platform-gitops/app';
import { tree } from '../support/tree';

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-gitops-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

describe('examples/platform-gitops', () => {
  test('renders in memory: schema, CEL and references pass', () => {
    const app = new GitOpsApp({ outdir });
    platformGitops(app);
    const out = app.renderToMemory();
    expect([...out.keys()].sort()).toEqual(['platform-gitops', 'team-alpha', 'team-beta', 'team-gamma']);
    const objs = [...out.get('platform-gitops')!.entries()].filter(([f]) => !f.endsWith('kustomization.yaml') || f.includes('/kustomization-')).map(([, t]) => parse(t));
    const fluxKs = objs.filter((o) => o.apiVersion === 'kustomize.toolkit.fluxcd.io/v1');
    // Every tenant Kustomization runs as its ServiceAccount; nothing is bound to cluster-admin.
    for (const k of fluxKs.filter((o) => o.metadata.namespace.startsWith('team-'))) expect(k.spec.serviceAccountName).toBe(k.metadata.namespace);
    for (const b of objs.filter((o) => o.kind === 'RoleBinding')) expect(b.roleRef.name).toBe('cdk8s-platform-tenant');
    // Branch per environment, infra controllers -> configs -> tenants.
    const prod = parse(out.get('platform-gitops')!.get('clusters/prod/flux-system/gitrepository-flux-system.yaml')!);
    expect(prod.spec.ref).toEqual({ branch: 'main' });
    const dev = parse(out.get('platform-gitops')!.get('clusters/dev/flux-system/gitrepository-flux-system.yaml')!);
    expect(dev.spec.ref).toEqual({ branch: 'dev' });
    expect(parse(out.get('platform-gitops')!.get('clusters/dev/kustomization-tenants.yaml')!).spec.dependsOn).toEqual([{ name: 'infra-configs' }]);
    expect(parse(out.get('platform-gitops')!.get('clusters/dev/kustomization-infra-configs.yaml')!).spec.dependsOn).toEqual([{ name: 'infra-controllers' }]);
    const deployment = parse(out.get('team-alpha')!.get('deploy/deployment-alpha-api.yaml')!);
    expect(deployment.spec.template.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'alpha-api', 'app.kubernetes.io/part-of': 'team-alpha' });
    expect(deployment.spec.template.spec.containers[0].env).toEqual([{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { key: 'password', name: 'alpha-db' } } }]);
  });

  test('every folder builds with kubectl kustomize', () => {
    const app = new GitOpsApp({ outdir });
    platformGitops(app);
    app.synth();
    try {
      execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    } catch {
      console.warn('kubectl not installed: kustomize builds not run');
      return;
    }
    const folders = Object.keys(tree(outdir)).filter((f) => f.endsWith('/kustomization.yaml')).map((f) => path.join(outdir, path.dirname(f)));
    expect(folders.length).toBeGreaterThanOrEqual(12);
    for (const folder of folders) {
      const built = execFileSync('kubectl', ['kustomize', folder], { encoding: 'utf8' });
      expect(built.length).toBeGreaterThan(0);
    }
  });
});

// The platform-gitops example: renders (strict schema + CEL + every reference resolves), every
// folder of the synthesized tree builds with kubectl kustomize, tenants run as their accounts.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { ApiObject } from 'cdk8s';
import { GitOpsApp, Repo } from '../../lib';
import { platformGitops, TEAM_GROUPS, TEAMS } from '../../examples/platform-gitops/app';
import { writeFluxInstalls } from '../support/flux-install';
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
    // Every team: its Entra ID group bound to the tenant role, quota, limit range, default-deny
    // network policy open to the ingress controller and Prometheus, the namespace labelled for the
    // Service policy; the policy and its binding once.
    const inTenants = (kind: string) => objs.filter((o) => o.kind === kind);
    const teams = TEAMS.map((t) => `team-${t}`);
    expect(inTenants('RoleBinding').filter((b) => b.subjects[0].kind === 'Group').map((b) => [b.metadata.namespace, b.subjects])).toEqual(
      TEAMS.map((t) => [`team-${t}`, [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: TEAM_GROUPS[t] }]]),
    );
    expect(inTenants('Namespace').filter((n) => teams.includes(n.metadata.name)).map((n) => n.metadata.labels['platform.cdk8s.io/tenant-policy'])).toEqual(['restricted', 'restricted', 'restricted']);
    expect(inTenants('ResourceQuota').map((q) => [q.metadata.namespace, q.spec.hard['requests.cpu'], q.spec.hard['services.loadbalancers']])).toEqual([
      ['team-alpha', '4', '0'], ['team-beta', '4', '0'], ['team-gamma', '8', '0'],
    ]);
    expect(inTenants('LimitRange').map((l) => l.metadata.namespace)).toEqual(teams);
    for (const np of inTenants('NetworkPolicy')) {
      expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
      expect(np.spec.ingress[0].from.map((f: any) => f.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] ?? 'same namespace')).toEqual(['same namespace', 'ingress-nginx', 'monitoring']);
      expect(np.spec.egress[1].ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
    }
    expect(inTenants('ValidatingAdmissionPolicy').map((p) => p.metadata.name)).toEqual(['cdk8s-platform-tenant-guardrails', 'cdk8s-platform-tenant-services']);
    expect(inTenants('ValidatingAdmissionPolicyBinding').map((b) => [b.spec.policyName, b.spec.validationActions])).toEqual([['cdk8s-platform-tenant-guardrails', ['Deny']], ['cdk8s-platform-tenant-services', ['Deny']]]);
    expect(parse(out.get('team-beta')!.get('deploy/service-beta-api.yaml')!).spec.type).toBe('ClusterIP');
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

  test('a LoadBalancer Service in a team repo fails synth with the policy\'s message', () => {
    const app = new GitOpsApp({ outdir });
    platformGitops(app);
    const deploy = (app.node.findChild('team-beta') as Repo).folder('deploy');
    new ApiObject(deploy, 'public', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'beta-public' }, spec: { type: 'LoadBalancer', ports: [{ port: 443 }] } });
    expect(() => app.renderToMemory()).toThrow(
      'synth failed with 1 problem(s); nothing was written:\n  platform-gitops/tenants/systems/team-beta: team-beta/deploy/public: Service/team-beta/beta-public: spec.type: ' +
        'refused by ValidatingAdmissionPolicy "cdk8s-platform-tenant-services": Service type LoadBalancer is not allowed in tenant namespaces: use ClusterIP and expose it through the shared ingress controller',
    );
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
    // The Flux install flux bootstrap commits (user-owned: listed, never written by the library).
    expect(writeFluxInstalls(outdir)).toEqual(['dev', 'prod', 'test'].map((env) => `platform-gitops/clusters/${env}/flux-system/gotk-components.yaml`));
    const folders = Object.keys(tree(outdir)).filter((f) => f.endsWith('/kustomization.yaml')).map((f) => path.join(outdir, path.dirname(f)));
    expect(folders.length).toBeGreaterThanOrEqual(12);
    for (const folder of folders) {
      const built = execFileSync('kubectl', ['kustomize', folder], { encoding: 'utf8' });
      expect(built.length).toBeGreaterThan(0);
    }
  });
});

// The destroy guard and Argo CD ApplicationSets: what an ApplicationSet generates (from its YAML),
// and the deletions the applicationset-controller makes when it is removed or generates less.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { stringify } from 'yaml';
import { GitOpsApp, Repo, RemovalPolicy, applyRemovalPolicy } from '../../lib';
import { AppProject, ApplicationSet, ListGenerator } from '../../lib/argocd';
import { applicationSetModel } from '../../lib/safety/application-sets';
import { goPathMatcher } from '../../lib/core/source-ignore';
import { guardApp, nextTreeOfSnapshot } from '../../lib/safety/guard';

const URL = 'https://github.com/contoso/platform';

interface SetOptions {
  readonly elements?: Array<Record<string, string>>;
  readonly generators?: unknown[];
  readonly preserve?: boolean;
  readonly finalizers?: string[];
  readonly applicationsSync?: string;
  readonly goTemplate?: boolean;
  readonly path?: string;
  readonly name?: string;
  readonly prune?: boolean;
  /** The ApplicationSet's own metadata.finalizers. */
  readonly ownFinalizers?: string[];
  /** Extra fields of the template's spec.source. */
  readonly source?: Record<string, unknown>;
  readonly repoURL?: string;
}

function appset(o: SetOptions = {}): Record<string, unknown> {
  const go = o.goTemplate ?? true;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: 'envs', namespace: 'argocd', ...(o.ownFinalizers ? { finalizers: o.ownFinalizers } : {}) },
    spec: {
      goTemplate: go,
      generators: o.generators ?? [{ list: { elements: o.elements ?? [{ env: 'dev' }, { env: 'prod' }] } }],
      syncPolicy: {
        ...(o.preserve !== undefined ? { preserveResourcesOnDeletion: o.preserve } : {}),
        ...(o.applicationsSync ? { applicationsSync: o.applicationsSync } : {}),
      },
      template: {
        metadata: { name: o.name ?? (go ? 'apps-{{.env}}' : 'apps-{{env}}'), ...(o.finalizers ? { finalizers: o.finalizers } : {}) },
        spec: {
          project: 'default',
          source: { repoURL: o.repoURL ?? URL, targetRevision: 'main', path: o.path ?? (go ? 'apps/{{.env}}' : 'apps/{{env}}'), ...o.source },
          destination: { server: 'https://kubernetes.default.svc' },
          ...(o.prune ? { syncPolicy: { automated: { prune: true } } } : {}),
        },
      },
    },
  };
}

const cluster = (name: string, opts: { deleteFalse?: boolean } = {}) => stringify({
  apiVersion: 'cluster.x-k8s.io/v1beta2',
  kind: 'Cluster',
  metadata: { name, namespace: 'fleet', ...(opts.deleteFalse ? { annotations: { 'argocd.argoproj.io/sync-options': 'Delete=false' } } : {}) },
});
const configMap = (name: string) => stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'fleet' } });

/** A repo tree: the ApplicationSet (if any) in the management folder, and the env folders. */
function tree(set: Record<string, unknown> | undefined, extra: Record<string, string> = {}): Map<string, string> {
  return new Map(Object.entries({
    ...(set ? { 'clusters/mgmt/applicationset-envs.yaml': stringify(set) } : {}),
    'apps/dev/cluster-dev.yaml': cluster('dev'),
    'apps/prod/cluster-prod.yaml': cluster('prod'),
    'apps/prod/configmap-settings.yaml': configMap('settings'),
    ...extra,
  }));
}

function guard(before: Map<string, string>, after: Map<string, string>, allow: string[] = []) {
  const r = guardApp([{
    name: 'platform', dir: 'platform', url: URL,
    old: { files: before, constructPaths: {} },
    next: nextTreeOfSnapshot({ files: after, constructPaths: {} }),
    clusterOf: () => '',
  }], allow);
  return r.changes.get('platform')!.filter((c) => c.protection);
}

describe('applicationSetModel: what an ApplicationSet generates, from its YAML', () => {
  const dirs = ['apps', 'apps/dev', 'apps/prod', 'apps/prod/extra', 'clusters', 'clusters/mgmt'];
  const of = (set: Record<string, unknown>) => applicationSetModel(set as never, (url) => (url === URL ? dirs : undefined));

  test('list elements with Go templates: one Application per element, each with its rendered source', () => {
    const m = of(appset({ preserve: false }));
    expect(m.generated!.map((g) => g.name)).toEqual(['apps-dev', 'apps-prod']);
    expect(m.generated![1].obj).toEqual({
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application',
      metadata: { name: 'apps-prod', namespace: 'argocd', finalizers: ['resources-finalizer.argocd.argoproj.io'] },
      spec: { project: 'default', source: { repoURL: URL, targetRevision: 'main', path: 'apps/prod' }, destination: { server: 'https://kubernetes.default.svc' } },
    });
    expect(m).toMatchObject({ cascades: true, prunesApplications: true, deletedWithIt: true, finalizersAsCreated: false });
  });

  test('fasttemplate (goTemplate: false) renders the flat parameter names', () => {
    expect(of(appset({ goTemplate: false })).generated!.map((g) => [g.name, (g.obj.spec as { source: { path: string } }).source.path]))
      .toEqual([['apps-dev', 'apps/dev'], ['apps-prod', 'apps/prod']]);
    const git = of(appset({ goTemplate: false, generators: [{ git: { repoURL: URL, revision: 'main', directories: [{ path: 'apps/*' }] } }], name: '{{path.basename}}', path: '{{path}}' }));
    expect(git.generated!.map((g) => g.name)).toEqual(['dev', 'prod']);
  });

  test('the cascading finalizer: added while resources are not preserved; a template finalizer wins', () => {
    expect(of(appset()).cascades).toBe(true); // preserveResourcesOnDeletion defaults to false
    expect(of(appset({ preserve: true })).cascades).toBe(false);
    expect(of(appset({ preserve: true, finalizers: ['resources-finalizer.argocd.argoproj.io/background'] })).cascades).toBe(true);
    expect(of(appset({ preserve: false, finalizers: ['example.com/other'] })).cascades).toBe(false);
  });

  test('the sync policy: what the controller deletes, and which finalizers the Applications keep', () => {
    const F = 'resources-finalizer.argocd.argoproj.io';
    const pick = (m: ReturnType<typeof of>) => [m.prunesApplications, m.deletedWithIt, m.cascades, m.finalizersAsCreated];
    // create-update: no pruning; deleted with the ApplicationSet unless its own finalizer lets the controller drop the owner references first.
    expect(pick(of(appset({ applicationsSync: 'create-update' })))).toEqual([false, true, true, false]);
    expect(pick(of(appset({ applicationsSync: 'create-update', ownFinalizers: [F] })))).toEqual([false, false, true, false]);
    expect(pick(of(appset({ applicationsSync: 'create-update', preserve: true, ownFinalizers: [F] })))).toEqual([false, false, false, false]);
    // create-only and create-delete never update an Application: the finalizers it was created with stay, whatever the template says now.
    expect(pick(of(appset({ applicationsSync: 'create-only', preserve: true, ownFinalizers: [F] })))).toEqual([false, false, true, true]);
    expect(pick(of(appset({ applicationsSync: 'create-delete', preserve: true })))).toEqual([true, true, true, true]);
    // The finalizer on the ApplicationSet does not stop the default policy.
    expect(pick(of(appset({ ownFinalizers: [F] })))).toEqual([true, true, true, false]);
  });

  test('per-generator templates, null generator bodies and unknown repo URLs', () => {
    expect(of(appset({ generators: [{ list: { elements: [{ env: 'dev' }], template: { metadata: {}, spec: { source: { path: 'other/{{.env}}' } } } } }] })).generated).toBeUndefined();
    expect(of(appset({ generators: [{ git: { repoURL: URL, directories: [{ path: 'apps/*' }], template: { metadata: { name: 'x' } } } }] })).generated).toBeUndefined();
    // An empty one changes nothing.
    expect(of(appset({ generators: [{ list: { elements: [{ env: 'dev' }], template: { metadata: {}, spec: {} } } }] })).generated).toBeUndefined();
    expect(of(appset({ generators: [{ list: { elements: [{ env: 'dev' }], template: {} } }] })).generated!.map((g) => g.name)).toEqual(['apps-dev']);
    expect(of(appset({ generators: [{ list: null }] })).generated).toBeUndefined();
    expect(of(appset({ generators: [{ git: null }] })).generated).toBeUndefined();
    expect(of(appset({ repoURL: '{{.repo}}' })).repoUrls).toBeUndefined();
    expect(of(appset({ path: '.' })).pathPatterns.map(String)).toEqual(['/^$/']);
  });

  test('fasttemplate: git parameters under a pathParamPrefix, string list values only', () => {
    const git = of(appset({ goTemplate: false, generators: [{ git: { repoURL: URL, directories: [{ path: 'apps/*' }], pathParamPrefix: 'p' } }], name: '{{p.path.basename}}', path: '{{p.path}}' }));
    expect(git.generated!.map((g) => [g.name, (g.obj.spec as { source: { path: string } }).source.path])).toEqual([['dev', 'apps/dev'], ['prod', 'apps/prod']]);
    const segments = of(appset({ goTemplate: false, generators: [{ git: { repoURL: URL, directories: [{ path: 'apps/*' }] } }], name: '{{path[0]}}-{{path[1]}}', path: '{{path}}' }));
    expect(segments.generated!.map((g) => g.name)).toEqual(['apps-dev', 'apps-prod']);
    // A name or path left with a key fasttemplate does not know is unknown (Argo CD would keep the text).
    expect(of(appset({ goTemplate: false, generators: [{ git: { repoURL: URL, directories: [{ path: 'apps/*' }] } }], name: '{{path.basename}}', path: '{{path.path}}' })).generated).toBeUndefined();
    // Non-string values fail the list generator in fasttemplate mode; values is a map of strings.
    expect(of(appset({ goTemplate: false, generators: [{ list: { elements: [{ env: 'dev', size: 3 }] } }] })).generated).toBeUndefined();
    expect(of(appset({ goTemplate: false, generators: [{ list: { elements: [{ env: 'dev', values: { tier: 'gold' } }] } }], name: 'apps-{{env}}-{{values.tier}}' })).generated!.map((g) => g.name)).toEqual(['apps-dev-gold']);
  });

  test('fields the guard does not read may keep template expressions it cannot evaluate', () => {
    const m = of(appset({ source: { helm: { values: 'x: {{ "{{" }}' } } }));
    expect(m.generated!.map((g) => g.name)).toEqual(['apps-dev', 'apps-prod']);
    expect((m.generated![0].obj.spec as { source: { helm: { values: string } } }).source.helm.values).toBe('x: {{ "{{" }}');
  });

  test('git directory generators match the repo directories with path.Match, excludes win', () => {
    const m = of(appset({
      generators: [{ git: { repoURL: URL, revision: 'main', directories: [{ path: 'apps/*' }, { path: 'apps/prod', exclude: true }] } }],
      name: '{{.path.basenameNormalized}}', path: '{{.path.path}}',
    }));
    expect(m.generated!.map((g) => g.name)).toEqual(['dev']);
    // Another repo's directories are unknown.
    expect(of(appset({ generators: [{ git: { repoURL: 'https://github.com/contoso/other', directories: [{ path: '*' }] } }] })).generated).toBeUndefined();
  });

  test('generators whose parameters are not in the YAML leave the set unknown, with the template paths as patterns', () => {
    const m = of(appset({ generators: [{ clusters: { selector: { matchLabels: { env: 'prod' } } } }], path: 'apps/{{.name}}' }));
    expect(m.generated).toBeUndefined();
    expect(m.pathPatterns.map(String)).toEqual(['/^apps\\/.+$/']);
    expect(of(appset({ generators: [{ matrix: { generators: [] } }] })).generated).toBeUndefined();
    expect(of(appset({ generators: [{ list: { elements: [{ env: 'dev' }] }, selector: { matchLabels: { a: 'b' } } }] })).generated).toBeUndefined();
    expect(of(appset({ name: '{{ upper .env }}' })).generated).toBeUndefined();
    expect(of({ ...appset({ preserve: true }), spec: { ...(appset({ preserve: true }).spec as object), templatePatch: 'metadata:\n  finalizers: [resources-finalizer.argocd.argoproj.io]\n' } }))
      .toMatchObject({ generated: undefined, cascades: true });
  });

  test('git directories are matched as Go path.Match matches them (the shared Flux ignore matcher)', () => {
    const m = (p: string) => goPathMatcher(p);
    expect(m('apps/*')('apps/dev')).toBe(true);
    expect(m('apps/*')('apps/dev/sub')).toBe(false);
    expect(m('apps/?ev')('apps/dev')).toBe(true);
    expect(m('apps/[^p]*')('apps/prod')).toBe(false);
    expect(m('apps/[a-e]*')('apps/dev')).toBe(true);
    expect(m('apps/{a,b}')('apps/a')).toBe(false); // no braces in path.Match
    expect(m('a.b')('axb')).toBe(false);
    expect(m('apps/[abc')('apps/a')).toBe(false); // malformed: never matches
  });
});

describe('the destroy guard and ApplicationSets', () => {
  test('removing an ApplicationSet whose Applications cascade is a protected deletion naming what they deployed', () => {
    const changes = guard(tree(appset({ preserve: false })), tree(undefined));
    expect(changes.map((c) => [c.action, c.object.id, c.blocked])).toEqual([['delete', 'ApplicationSet/argocd/envs', true]]);
    expect(changes[0].protection).toEqual([
      'Argo CD ApplicationSet whose Applications carry resources-finalizer.argocd.argoproj.io: deleting it deletes them (owner references), and they delete the protected objects ' +
        'they deployed (without Delete=false): Cluster/fleet/dev, Cluster/fleet/prod; set preserveResourcesOnDeletion: true (no finalizer in the template), or ' +
        'applicationsSync: create-update with resources-finalizer.argocd.argoproj.io in the ApplicationSet\'s own metadata.finalizers, in a change of its own first, so that the controller stops cascading',
    ]);
    expect(guard(tree(appset({ preserve: false })), tree(undefined), ['platform::ApplicationSet/argocd/envs']).map((c) => c.blocked)).toEqual([false]);
  });

  test('no protection when the Applications do not cascade, the controller may not delete them, or the objects carry Delete=false', () => {
    expect(guard(tree(appset({ preserve: true })), tree(undefined))).toEqual([]);
    expect(guard(tree(appset({ applicationsSync: 'create-update', ownFinalizers: ['resources-finalizer.argocd.argoproj.io'] })), tree(undefined))).toEqual([]);
    const keep = { 'apps/dev/cluster-dev.yaml': cluster('dev', { deleteFalse: true }), 'apps/prod/cluster-prod.yaml': cluster('prod', { deleteFalse: true }) };
    expect(guard(tree(appset(), keep), tree(undefined, keep))).toEqual([]);
  });

  test('applicationsSync create-update without the ApplicationSet\'s own finalizer: its Applications are garbage-collected with it', () => {
    const changes = guard(tree(appset({ applicationsSync: 'create-update' })), tree(undefined));
    expect(changes.map((c) => [c.action, c.object.id, c.blocked])).toEqual([['delete', 'ApplicationSet/argocd/envs', true]]);
    expect(changes[0].protection).toEqual([
      'Argo CD ApplicationSet whose Applications carry resources-finalizer.argocd.argoproj.io: deleting it deletes them (owner references: without resources-finalizer.argocd.argoproj.io in its own ' +
        'metadata.finalizers, the controller cannot remove them first, whatever applicationsSync says), and they delete the protected objects they deployed (without Delete=false): ' +
        'Cluster/fleet/dev, Cluster/fleet/prod; add resources-finalizer.argocd.argoproj.io to the ApplicationSet\'s metadata.finalizers in a change of its own first, so that the controller ' +
        'removes the Applications\' owner references before it goes',
    ]);
    // A shrink is not pruned under create-update, finalizer or not.
    expect(guard(tree(appset({ applicationsSync: 'create-update' })), tree(appset({ applicationsSync: 'create-update', elements: [{ env: 'dev' }] })))).toEqual([]);
  });

  test('create-delete keeps the finalizers the Applications were created with: preserving resources now does not stop the cascade', () => {
    const changes = guard(tree(appset({ applicationsSync: 'create-delete', preserve: true })), tree(appset({ applicationsSync: 'create-delete', preserve: true, elements: [{ env: 'dev' }] })));
    expect(changes.map((c) => c.protection)).toEqual([[
      'no longer generates Application "apps-prod", which may carry resources-finalizer.argocd.argoproj.io (applicationsSync create-delete keeps the finalizers it was created with): ' +
        'the applicationset-controller deletes it, and it deletes the protected objects it deployed (without Delete=false): Cluster/fleet/prod; ' +
        'remove the finalizer from those Applications first (the controller does not update them under this policy), or allow it',
    ]]);
  });

  test('a set whose generators become unknown: each Application it generated may be deleted', () => {
    const unknown = appset({ generators: [{ clusters: { selector: { matchLabels: { env: 'prod' } } } }], path: 'apps/{{.name}}', name: 'apps-{{.name}}' });
    const changes = guard(tree(appset()), tree(unknown));
    expect(changes.map((c) => [c.action, c.object.id, c.blocked])).toEqual([['update', 'ApplicationSet/argocd/envs', true]]);
    expect(changes[0].protection![0]).toMatch(/^its generators or Application name template changed, and what it generates now cannot be worked out from the YAML .*: Cluster\/fleet\/dev, Cluster\/fleet\/prod; allow it once you know which Applications stay$/);
    // A templatePatch too.
    expect(guard(tree(appset()), tree({ ...appset(), spec: { ...(appset().spec as object), templatePatch: 'metadata: {}\n' } }))).toHaveLength(1);
    // Unknown on both sides: not compared; the generators unchanged: nothing.
    expect(guard(tree(unknown), tree({ ...unknown, metadata: { name: 'envs', namespace: 'argocd', labels: { a: 'b' } } }))).toEqual([]);
  });

  test('a removed set with a templated repo URL counts every repo of the app; a root path the whole repo', () => {
    const set = appset({ generators: [{ clusters: {} }], repoURL: '{{.metadata.annotations.repo}}', path: 'apps/{{.name}}' });
    expect(guard(tree(set), tree(undefined))[0].protection![0]).toContain('(without Delete=false): Cluster/fleet/dev, Cluster/fleet/prod;');
    const root = appset({ generators: [{ clusters: {} }], path: '.' });
    expect(guard(tree(root), tree(undefined))[0].protection![0]).toContain('(without Delete=false): Cluster/fleet/dev, Cluster/fleet/prod;');
  });

  test('an ApplicationSet that no longer generates an Application: a protected update, per removed Application', () => {
    const changes = guard(tree(appset()), tree(appset({ elements: [{ env: 'dev' }] })));
    expect(changes.map((c) => [c.action, c.object.id, c.blocked])).toEqual([['update', 'ApplicationSet/argocd/envs', true]]);
    expect(changes[0].protection).toEqual([
      'no longer generates Application "apps-prod", which carries resources-finalizer.argocd.argoproj.io: the applicationset-controller deletes it, and it deletes the protected objects ' +
        'it deployed (without Delete=false): Cluster/fleet/prod; set preserveResourcesOnDeletion: true (no finalizer in the template), or applicationsSync: create-update, ' +
        'in a change of its own first, so that the controller stops cascading',
    ]);
    // Renaming the generated Applications deletes every old one.
    expect(guard(tree(appset()), tree(appset({ name: 'env-{{.env}}' })))[0].protection).toHaveLength(2);
    // The way out the message names, in a change of its own first: then the removal goes through.
    expect(guard(tree(appset({ preserve: true })), tree(appset({ preserve: true, elements: [{ env: 'dev' }] })))).toEqual([]);
    expect(guard(tree(appset()), tree(appset({ applicationsSync: 'create-update', elements: [{ env: 'dev' }] })))).toEqual([]);
    // Unchanged: nothing.
    expect(guard(tree(appset()), tree(appset()))).toEqual([]);
  });

  test('generators not known at synth: a removed ApplicationSet counts every folder its template paths may render to', () => {
    const set = appset({ generators: [{ clusters: { selector: { matchLabels: { env: 'prod' } } } }], path: 'apps/{{.name}}' });
    const changes = guard(tree(set, { 'other/cluster-x.yaml': cluster('x') }), tree(undefined, { 'other/cluster-x.yaml': cluster('x') }));
    expect(changes.map((c) => c.object.id)).toEqual(['ApplicationSet/argocd/envs']);
    expect(changes[0].protection![0]).toContain('(without Delete=false): Cluster/fleet/dev, Cluster/fleet/prod;');
    // A set that changes while its generators are unknown is not compared.
    expect(guard(tree(set), tree({ ...set, metadata: { name: 'envs', namespace: 'argocd', labels: { a: 'b' } } }))).toEqual([]);
  });

  test("a generated Application whose source path changes prunes what it no longer deploys (automated prune)", () => {
    const before = tree(appset({ prune: true, preserve: true }));
    const after = tree(appset({ prune: true, preserve: true, path: 'apps/{{.env}}-v2' }), { 'apps/dev-v2/configmap-x.yaml': configMap('x'), 'apps/prod-v2/configmap-y.yaml': configMap('y') });
    const changes = guard(before, after);
    expect(changes.map((c) => [c.action, c.pruner, c.object.id, c.prunedBy])).toEqual([
      ['prune', 'argocd', 'Cluster/fleet/dev', 'Application/argocd/apps-dev, generated by ApplicationSet/argocd/envs (platform/clusters/mgmt/applicationset-envs.yaml), no longer deploys it, and its automated sync prunes'],
      ['prune', 'argocd', 'Cluster/fleet/prod', 'Application/argocd/apps-prod, generated by ApplicationSet/argocd/envs (platform/clusters/mgmt/applicationset-envs.yaml), no longer deploys it, and its automated sync prunes'],
    ]);
    expect(changes.map((c) => c.pruneStoppable)).toEqual([
      { kustomization: 'ApplicationSet/argocd/envs', removed: false },
      { kustomization: 'ApplicationSet/argocd/envs', removed: false },
    ]);
  });

  test('the ApplicationSet construct: removing a list element with preserveResourcesOnDeletion off is refused at synth', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appset-guard-'));
    try {
      const build = (envs: string[], opts: { preserve?: boolean; allow?: string[]; applicationsSync?: 'create-update' } = {}) => {
        const app = new GitOpsApp({ outdir: dir, printBaselineReport: false, validation: false, allowDestroy: opts.allow });
        const repo = new Repo(app, 'platform', { url: URL });
        const mgmt = repo.folder('clusters/mgmt');
        const project = new AppProject(mgmt, 'p', { name: 'p', sourceRepos: [repo], destinations: [{ namespace: 'fleet' }] });
        for (const env of ['dev', 'prod']) {
          // DESTROY: no Delete=false, so the cascading Application deletes it (a raw stateful object is retained by default).
          applyRemovalPolicy(new ApiObject(repo.folder(`apps/${env}`), 'cluster', { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', metadata: { name: env, namespace: 'fleet' } }), RemovalPolicy.DESTROY);
        }
        new ApplicationSet(mgmt, 'envs', {
          name: 'envs',
          generators: [ListGenerator.of(envs.map((env) => ({ env })))],
          preserveResourcesOnDeletion: opts.preserve ?? false,
          ...(opts.applicationsSync ? { applicationsSync: opts.applicationsSync } : {}),
          template: { name: 'apps-{{.env}}', project, repo, path: 'apps/{{.env}}', destination: { server: 'https://kubernetes.default.svc', namespace: 'fleet' } },
        });
        return app;
      };
      build(['dev', 'prod']).synth();
      expect(() => build(['dev']).synth()).toThrow(
        'platform/clusters--mgmt/envs/Resource (platform/clusters/mgmt/applicationset-envs.yaml): ApplicationSet/argocd/envs would change so that what it manages is deleted',
      );
      expect(build(['dev']).plan().blocked.map((c) => [c.action, c.object.id])).toEqual([['update', 'ApplicationSet/argocd/envs']]);
      expect(build(['dev'], { allow: ['platform::ApplicationSet/argocd/envs'] }).plan().blocked).toEqual([]);
      // The controller may not delete Applications: the removal goes through.
      expect(build(['dev'], { applicationsSync: 'create-update' }).plan().blocked).toEqual([]);
      // Preserving the resources first (a change of its own), then removing the element: both go through.
      build(['dev', 'prod'], { preserve: true }).synth();
      build(['dev'], { preserve: true }).synth();
      // Deleting the ApplicationSet (no finalizer on its Applications any more): goes through too.
      expect(fs.readFileSync(path.join(dir, 'platform/clusters/mgmt/applicationset-envs.yaml'), 'utf8')).not.toContain('resources-finalizer');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

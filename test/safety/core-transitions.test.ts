// Day-2 changes of built-in objects the API server refuses (immutable fields) or that delete volume
// claims (lib/safety/core-transitions.ts): refused at synth, naming the field and the way out, unless
// the GitOps engine recreates the object (Flux force, Argo CD Force=true) or does not update it.
import { ApiObject } from 'cdk8s';
import { GitOpsApp, Repo } from '../../lib';
import { GitRepository, Kustomization, Tenant } from '../../lib/flux';
import { coreTransition } from '../../lib/safety/core-transitions';
import { problems } from '../support/problems';
import { tmp } from './helpers';

type Json = Record<string, unknown>;

const DRY_RUN =
  'so applying it fails until Git changes again: kustomize-controller server-side dry-runs each apply stage (CRDs and Namespaces, classes, then the rest) whole ' +
  "and applies nothing of that stage or the later ones (fluxcd/pkg ssa ApplyAllStaged), an Argo CD sync fails at that object's wave";
const RECREATE = (kind: string) =>
  `let the GitOps engine delete and recreate the ${kind}: annotate it kustomize.toolkit.fluxcd.io/force: enabled (Argo CD: argocd.argoproj.io/sync-options: Force=true)`;

/** An app writing `objects` (construct id → object) into platform/apps (namespace web). */
function build(out: string, objects: Record<string, Json>, allowDestroy?: string[]): GitOpsApp {
  const app = new GitOpsApp({ outdir: out, validation: false, printBaselineReport: false, allowDestroy });
  const folder = new Repo(app, 'platform').folder('apps', { namespace: 'web' });
  for (const [id, obj] of Object.entries(objects)) new ApiObject(folder, id, obj as never);
  return app;
}

/** Synthesizes `before`, then returns the problems of synthesizing `after` into the same directory. */
function day2(before: Record<string, Json>, after: Record<string, Json>): string[] {
  const out = tmp('core-day2-');
  build(out, before).synth();
  return problems(() => build(out, after).synth());
}

const deployment = (selector: Json, annotations?: Record<string, string>): Json => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', ...(annotations ? { annotations } : {}) },
  spec: { selector: { matchLabels: selector }, template: { metadata: { labels: selector }, spec: { containers: [{ name: 'web', image: 'web:1' }] } } },
});

const statefulSet = (spec: Json): Json => ({
  apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' },
  spec: {
    serviceName: 'db', replicas: 3, selector: { matchLabels: { app: 'db' } },
    template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16' }] } },
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } }],
    ...spec,
  },
});

describe('built-in objects whose update the API server refuses', () => {
  test("a Deployment's selector: refused, naming both selectors and the ways out", () => {
    expect(day2({ web: deployment({ app: 'web' }) }, { web: deployment({ app: 'web', tier: 'front' }) })).toEqual([
      'platform/apps/web (platform/apps/deployment-web.yaml): Deployment web/web: spec.selector: {"matchLabels":{"app":"web"}} → {"matchLabels":{"app":"web","tier":"front"}}: ' +
        `the API server refuses changing a Deployment's selector (apps/v1: "field is immutable"), ${DRY_RUN}; ` +
        `keep the selector (the Pod template may get more labels without it), or ${RECREATE('Deployment')}`,
    ]);
  });

  test('the same selector written otherwise, or a new Pod template, is no change', () => {
    const before = deployment({ app: 'web' });
    const after = deployment({ app: 'web' });
    ((after.spec as Json).selector as Json).matchExpressions = [];
    ((((after.spec as Json).template as Json).spec as Json).containers as Json[])[0].image = 'web:2';
    expect(day2({ web: before }, { web: after })).toEqual([]);
  });

  test("Flux's force annotation (on the new or the committed object) or Argo CD's Force=true recreate it instead: not refused", () => {
    const force = { 'kustomize.toolkit.fluxcd.io/force': 'enabled' };
    expect(day2({ web: deployment({ app: 'web' }) }, { web: deployment({ app: 'other' }, force) })).toEqual([]);
    expect(day2({ web: deployment({ app: 'web' }, force) }, { web: deployment({ app: 'other' }) })).toEqual([]);
    expect(day2({ web: deployment({ app: 'web' }) }, { web: deployment({ app: 'other' }, { 'argocd.argoproj.io/sync-options': 'Force=true,Replace=true' }) })).toEqual([]);
    // Not applied at all.
    expect(day2({ web: deployment({ app: 'web' }) }, { web: deployment({ app: 'other' }, { 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' }) })).toEqual([]);
  });

  test('a Kustomization with spec.force recreates the objects it applies: not refused; one without force: refused', () => {
    const out = tmp('core-day2-');
    const app = (selector: Json, force: boolean) => {
      const a = new GitOpsApp({ outdir: out, validation: false, printBaselineReport: false });
      const repo = new Repo(a, 'platform', { url: 'https://github.com/contoso/platform' });
      const mgmt = repo.folder('clusters/mgmt', { namespace: 'flux-system' });
      const source = new GitRepository(mgmt, 'src', { name: 'platform', repo });
      const web = repo.folder('apps/web', { namespace: 'web' });
      new ApiObject(web, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } });
      new ApiObject(web, 'web', deployment(selector) as never);
      Kustomization.forFolder(mgmt, 'web', web, { name: 'web', source, prune: true, force });
      return a;
    };
    app({ app: 'web' }, true).synth();
    expect(problems(() => app({ app: 'other' }, true).synth())).toEqual([]);
    expect(problems(() => app({ app: 'third' }, false).synth())).toEqual([
      expect.stringMatching(/^platform\/apps--web\/web \(platform\/apps\/web\/deployment-web\.yaml\): Deployment web\/web: spec\.selector: /),
    ]);
  });

  test("a StatefulSet's claim templates (a bigger disk): refused, with how to grow the volumes", () => {
    const bigger = statefulSet({});
    ((((bigger.spec as Json).volumeClaimTemplates as Json[])[0].spec as Json).resources as Json).requests = { storage: '20Gi' };
    expect(day2({ db: statefulSet({}) }, { db: bigger })).toEqual([
      'platform/apps/db (platform/apps/statefulset-db.yaml): StatefulSet web/db: spec.volumeClaimTemplates[0] (storage 10Gi → 20Gi) changed: the API server refuses it ' +
        '("updates to statefulset spec for fields other than \'replicas\', \'ordinals\', \'template\', \'updateStrategy\', \'revisionHistoryLimit\', \'persistentVolumeClaimRetentionPolicy\' and \'minReadySeconds\' are forbidden"), ' +
        `${DRY_RUN}; keep the claim templates (to grow the volumes, raise spec.resources.requests.storage of each existing claim, <template>-<statefulset>-<ordinal>), or ` +
        'recreate the StatefulSet keeping its claims (persistentVolumeClaimRetentionPolicy.whenDeleted: Retain, the default) with kustomize.toolkit.fluxcd.io/force: enabled (Argo CD: Force=true): ' +
        'the new templates then make only the claims of new ordinals',
    ]);
  });

  test('StatefulSet: defaults written out, the same quantity, or the updatable fields are no refusal; serviceName and podManagementPolicy are', () => {
    const same = statefulSet({ podManagementPolicy: 'OrderedReady', revisionHistoryLimit: 3, replicas: 5, minReadySeconds: 10, updateStrategy: { type: 'OnDelete' } });
    (((same.spec as Json).volumeClaimTemplates as Json[])[0].spec as Json).resources = { requests: { storage: '10240Mi' } };
    (((same.spec as Json).volumeClaimTemplates as Json[])[0].spec as Json).volumeMode = 'Filesystem';
    expect(day2({ db: statefulSet({}) }, { db: same })).toEqual([]);
    expect(day2({ db: statefulSet({}) }, { db: statefulSet({ serviceName: 'db-headless', podManagementPolicy: 'Parallel' }) })).toEqual([
      'platform/apps/db (platform/apps/statefulset-db.yaml): StatefulSet web/db: spec.podManagementPolicy, spec.serviceName changed: the API server refuses it ' +
        '("updates to statefulset spec for fields other than \'replicas\', \'ordinals\', \'template\', \'updateStrategy\', \'revisionHistoryLimit\', \'persistentVolumeClaimRetentionPolicy\' and \'minReadySeconds\' are forbidden"), ' +
        `${DRY_RUN}; keep those fields, or ${RECREATE('StatefulSet')}`,
    ]);
  });

  test("a Job's Pod template (a new image): refused, unless ttlSecondsAfterFinished may have deleted it", () => {
    const job = (image: string, ttl?: number): Json => ({
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate' },
      spec: { ...(ttl !== undefined ? { ttlSecondsAfterFinished: ttl } : {}), template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image }] } } },
    });
    expect(day2({ job: job('migrate:1') }, { job: job('migrate:2') })).toEqual([
      `platform/apps/job (platform/apps/job-migrate.yaml): Job web/migrate: spec.template changed: the API server refuses changing a Job's field ("field is immutable"), ${DRY_RUN}; ` +
        `give the Job a new name (a new run), or ${RECREATE('Job')}`,
    ]);
    expect(day2({ job: job('migrate:1', 0) }, { job: job('migrate:2', 0) })).toEqual([]);
  });

  test("a RoleBinding's roleRef: refused; a Tenant's role changed later is recreated by Flux (its bindings carry the force annotation)", () => {
    const binding = (role: string): Json => ({
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'deployers' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [{ kind: 'ServiceAccount', name: 'ci', namespace: 'web' }],
    });
    expect(day2({ rb: binding('view') }, { rb: binding('edit') })).toEqual([
      'platform/apps/rb (platform/apps/rolebinding-deployers.yaml): RoleBinding web/deployers: roleRef: {"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"} → ' +
        `{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"edit"}: the API server refuses changing a binding's role ("cannot change roleRef"), ${DRY_RUN}; ` +
        `bind the new role under a new name (the old binding is pruned), or ${RECREATE('RoleBinding')}`,
    ]);

    const out = tmp('core-day2-');
    const tenants = (clusterRole: string, groupClusterRole: string) => {
      const a = new GitOpsApp({ outdir: out, validation: false, printBaselineReport: false });
      const folder = new Repo(a, 'platform').folder('clusters/mgmt/tenants', { namespace: 'flux-system' });
      new Tenant(folder, 'team-a', {
        name: 'team-a', repository: { url: 'https://github.com/contoso/team-a' }, clusterRole, defineClusterRole: true,
        entraGroupObjectId: '00000000-0000-0000-0000-0000000000aa', groupClusterRole,
      });
      return a;
    };
    tenants('team-reader', 'view').synth();
    expect(problems(() => tenants('team-writer', 'team-writer').synth())).toEqual([]);
    // Without the annotation the same change would be refused.
    expect(coreTransition(
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'team-a-reconciler' }, roleRef: { kind: 'ClusterRole', name: 'team-reader' } } as never,
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'team-a-reconciler' }, roleRef: { kind: 'ClusterRole', name: 'team-writer' } } as never,
    ).refused).toHaveLength(1);
  });

  test('a PersistentVolumeClaim: shrunk or another class refused; grown, or a class where the server chose one, accepted', () => {
    const claim = (spec: Json): Json => ({
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, ...spec },
    });
    const size = (storage: string, spec: Json = {}) => claim({ ...spec, resources: { requests: { storage } } });
    expect(day2({ pvc: claim({}) }, { pvc: size('20Gi') })).toEqual([]);
    expect(day2({ pvc: claim({}) }, { pvc: claim({ storageClassName: 'managed-csi-premium' }) })).toEqual([]);
    // Less storage: refused by the API server unless it undoes a failed expansion (capacity below
    // the new request), which Git does not show: a protected update.
    const out = tmp('core-day2-');
    build(out, { pvc: claim({}) }).synth();
    expect(build(out, { pvc: size('5Gi') }).plan().blocked.map((c) => [c.action, c.object.id, c.protection])).toEqual([[
      'update', 'PersistentVolumeClaim/web/data',
      ['requests less storage (10Gi → 5Gi): the API server refuses it unless the claim\'s capacity is below 5Gi (undoing an expansion that failed; "field can not be less than status.capacity"), ' +
        'and a refused update stops the apply of everything in its stage; a volume never shrinks (to use less, make a new claim and copy the data)'],
    ]]);
    expect(build(out, { pvc: size('5Gi') }, ['PersistentVolumeClaim/web/data']).plan().blocked).toEqual([]);
    expect(day2({ pvc: claim({ volumeAttributesClassName: 'fast' }) }, { pvc: claim({}) })).toEqual([
      'platform/apps/pvc (platform/apps/persistentvolumeclaim-data.yaml): PersistentVolumeClaim web/data: spec.volumeAttributesClassName: fast → (none): ' +
        `the API server refuses removing it ("update from non-nil value to nil is forbidden"), ${DRY_RUN}; keep it, or name another class`,
    ]);
    expect(day2({ pvc: claim({ storageClassName: 'managed-csi' }) }, { pvc: claim({ storageClassName: 'managed-csi-premium' }) })).toEqual([
      'platform/apps/pvc (platform/apps/persistentvolumeclaim-data.yaml): PersistentVolumeClaim web/data: spec.storageClassName changed: ' +
        `the API server refuses it ("spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"), ${DRY_RUN}; ` +
        'keep the claim as it is, or make a new claim under another name and copy the data',
    ]);
  });

  test('an immutable ConfigMap, a Secret type, a Service cluster IP and a StorageClass: refused', () => {
    const cm = (value: string, immutable = true): Json => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, immutable, data: { LOG_LEVEL: value } });
    expect(day2({ cm: cm('info') }, { cm: cm('debug') })).toEqual([
      'platform/apps/cm (platform/apps/configmap-settings.yaml): ConfigMap web/settings: data changed: the ConfigMap is immutable: true, and the API server refuses changing it ' +
        `("field is immutable when \`immutable\` is set"), ${DRY_RUN}; write the new data under a new name (kustomize's configMapGenerator adds a content hash) and point its users at it, ` +
        `or ${RECREATE('ConfigMap')}`,
    ]);
    expect(day2({ cm: cm('info', false) }, { cm: cm('debug', false) })).toEqual([]);
    expect(day2({ cm: cm('info', false) }, { cm: cm('debug') })).toEqual([]);

    const svc = (clusterIP: string): Json => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { clusterIP, ports: [{ port: 80 }] } });
    expect(day2({ svc: svc('10.0.0.10') }, { svc: svc('10.0.0.11') })).toEqual([
      `platform/apps/svc (platform/apps/service-web.yaml): Service web/web: spec.clusterIP: 10.0.0.10 → 10.0.0.11: the API server refuses changing a Service's cluster IP ("may not change once set"), ${DRY_RUN}; ` +
        `keep 10.0.0.10, or ${RECREATE('Service')}`,
    ]);
    // Made headless where an address was allocated.
    const { clusterIP: _ip, ...allocated } = svc('x').spec as Json;
    expect(day2({ svc: { ...svc('x'), spec: allocated } }, { svc: svc('None') })).toEqual([
      `platform/apps/svc (platform/apps/service-web.yaml): Service web/web: spec.clusterIP: (allocated) → None: the API server refuses changing a Service's cluster IP ("may not change once set"), ${DRY_RUN}; ` +
        `keep it out, or ${RECREATE('Service')}`,
    ]);

    const sc = (skuName: string, reclaimPolicy?: string): Json => ({
      apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'premium' }, provisioner: 'disk.csi.azure.com', parameters: { skuName }, ...(reclaimPolicy ? { reclaimPolicy } : {}),
    });
    expect(day2({ sc: sc('Premium_LRS') }, { sc: sc('Premium_LRS', 'Delete') })).toEqual([]);
    expect(day2({ sc: sc('Premium_LRS') }, { sc: sc('PremiumV2_LRS', 'Retain') })).toEqual([
      'platform/apps/sc (platform/apps/storageclass-premium.yaml): StorageClass premium: parameters, reclaimPolicy changed: the API server refuses it ("updates to parameters are forbidden."), ' +
        `${DRY_RUN}; keep them and make a StorageClass of another name for new volumes (existing volumes keep the class they were made with)`,
    ]);
  });
});

describe('a StatefulSet scaled down while it deletes the claims of removed ordinals (whenScaled: Delete)', () => {
  const policy = { persistentVolumeClaimRetentionPolicy: { whenScaled: 'Delete' } };

  test('a protected update, naming the ordinals and claims; allowed by its id', () => {
    const out = tmp('core-day2-');
    build(out, { db: statefulSet({ ...policy, replicas: 5 }) }).synth();
    const plan = build(out, { db: statefulSet({ ...policy, replicas: 2 }) }).plan();
    expect(plan.blocked.map((c) => [c.action, c.object.id, c.protection])).toEqual([[
      'update', 'StatefulSet/web/db',
      ['scales from ordinals 0–4 to 0–1 with persistentVolumeClaimRetentionPolicy.whenScaled: Delete: the StatefulSet controller deletes the PersistentVolumeClaims of ordinals 2, 3, 4 (data-db-<ordinal>), and their data'],
    ]]);
    expect(build(out, { db: statefulSet({ ...policy, replicas: 2 }) }, ['StatefulSet/web/db']).plan().blocked).toEqual([]);
  });

  test('scaling up, Retain (the default), or replicas left to an autoscaler: nothing protected', () => {
    const out = tmp('core-day2-');
    build(out, { db: statefulSet({ ...policy, replicas: 3 }) }).synth();
    expect(build(out, { db: statefulSet({ ...policy, replicas: 4 }) }).plan().blocked).toEqual([]);
    expect(build(out, { db: statefulSet({ replicas: 1 }) }).plan().blocked).toEqual([]);
  });

  test('replicas removed from Git: defaulted to 1 by the API server (unless an autoscaler manages it), protected', () => {
    const out = tmp('core-day2-');
    build(out, { db: statefulSet({ ...policy, replicas: 3 }) }).synth();
    const { replicas: _r, ...noReplicas } = statefulSet({ ...policy }).spec as Json;
    expect(build(out, { db: { ...statefulSet({}), spec: noReplicas } }).plan().blocked.map((c) => c.protection)).toEqual([[
      'scales from ordinals 0–2 to 0–0 (replicas removed from Git: the API server defaults it to 1, unless a HorizontalPodAutoscaler manages it) with persistentVolumeClaimRetentionPolicy.whenScaled: Delete: ' +
        'the StatefulSet controller deletes the PersistentVolumeClaims of ordinals 1, 2 (data-db-<ordinal>), and their data',
    ]]);
  });

  test('ordinals.start moved: the ordinals left behind lose their claims', () => {
    const t = coreTransition(statefulSet({ ...policy, replicas: 3 }) as never, statefulSet({ ...policy, replicas: 3, ordinals: { start: 2 } }) as never);
    expect(t.protection).toEqual([
      'scales from ordinals 0–2 to 2–4 with persistentVolumeClaimRetentionPolicy.whenScaled: Delete: the StatefulSet controller deletes the PersistentVolumeClaims of ordinals 0, 1 (data-db-<ordinal>), and their data',
    ]);
    expect(t.refused).toEqual([]);
  });
});

test("Flux's force on a StatefulSet that deletes its claims with it (whenDeleted: Delete) is a synth error", () => {
  const sts = statefulSet({ persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete' } });
  (sts.metadata as Json).annotations = { 'kustomize.toolkit.fluxcd.io/force': 'enabled' };
  expect(problems(() => build(tmp('core-day2-'), { db: sts }).synth())).toEqual([
    'platform/apps/db: metadata.annotations.kustomize.toolkit.fluxcd.io/force: enabled on StatefulSet web/db (deleting the PersistentVolumeClaims of its volumeClaimTemplates with it: ' +
      'persistentVolumeClaimRetentionPolicy.whenDeleted: Delete): with force kustomize-controller deletes and recreates an object whose apply the API server refuses as invalid or conflicting ' +
      "(HTTP 422 or 409: immutable fields, and any admission webhook's refusal; fluxcd/pkg ssa IsImmutableError), whatever its prune annotation, " +
      'and deleting it deletes what it manages (a CAPI Cluster its AKS cluster, an ASO resource its Azure resource); remove the annotation',
  ]);
});

describe('compared as the API server compares them (review findings)', () => {
  const t = (a: Json, b: Json) => coreTransition(a as never, b as never);
  const job = (spec: Json, template: Json = {}): Json => ({
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate' },
    spec: { ...spec, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'm:1', resources: { requests: { cpu: '0.5' } } }], ...template } } },
  });

  test("Job: completions written out as its default, a CPU quantity written otherwise, a suspended Job's scheduling directives: accepted; successPolicy: refused", () => {
    expect(t(job({}), job({ completions: 1, parallelism: 1 })).refused).toEqual([]);
    const milli = job({});
    (((((milli.spec as Json).template as Json).spec as Json).containers as Json[])[0].resources as Json) = { requests: { cpu: '500m' } };
    expect(t(job({}), milli).refused).toEqual([]);
    expect(t(job({ suspend: true }), job({ suspend: false }, { nodeSelector: { pool: 'batch' }, tolerations: [{ key: 'batch', operator: 'Exists' }] })).refused).toEqual([]);
    expect(t(job({}), job({}, { nodeSelector: { pool: 'batch' } })).refused).toHaveLength(1);
    expect(t(job({}), job({ successPolicy: { rules: [{ succeededCount: 1 }] } })).refused[0]).toMatch(/^spec\.successPolicy changed: /);
  });

  test("a roleRef with its default apiGroup written out is the same role", () => {
    const rb = (roleRef: Json): Json => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b' }, roleRef });
    expect(t(rb({ kind: 'ClusterRole', name: 'view' }), rb({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' })).refused).toEqual([]);
  });

  test("Flux's markers as labels or in another case count; Argo CD's Force=true with ServerSideApply=true recreates nothing", () => {
    const d = (selector: string, metadata: Json = {}): Json => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', ...metadata }, spec: { selector: { matchLabels: { app: selector } } } });
    expect(t(d('a'), d('b', { labels: { 'kustomize.toolkit.fluxcd.io/force': 'Enabled' } })).refused).toEqual([]);
    expect(t(d('a', { annotations: { 'kustomize.toolkit.fluxcd.io/ssa': 'Ignore' } }), d('b')).refused).toEqual([]);
    expect(t(d('a'), d('b', { annotations: { 'argocd.argoproj.io/sync-options': 'Force=true,ServerSideApply=true' } })).refused).toHaveLength(1);
  });

  test("a Secret's value moved from data to stringData is the same data", () => {
    const secret = (fields: Json): Json => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, immutable: true, ...fields });
    expect(t(secret({ data: { token: Buffer.from('abc').toString('base64') } }), secret({ stringData: { token: 'abc' } })).refused).toEqual([]);
    expect(t(secret({ data: { token: Buffer.from('abc').toString('base64') } }), secret({ stringData: { token: 'abd' } })).refused).toHaveLength(1);
  });
});

test("a static PersistentVolume's volume source: refused; a CSI expand secret added, its capacity, or volumeMode written out: accepted", () => {
  const pv = (csi: Json, spec: Json = {}): Json => ({
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'shared-files' },
    spec: { capacity: { storage: '100Gi' }, accessModes: ['ReadWriteMany'], persistentVolumeReclaimPolicy: 'Retain', storageClassName: 'azurefile-csi', csi: { driver: 'file.csi.azure.com', volumeHandle: 'rg#sa#share', ...csi }, ...spec },
  });
  expect(day2({ pv: pv({}) }, { pv: pv({ controllerExpandSecretRef: { name: 'azure-secret', namespace: 'kube-system' } }, { capacity: { storage: '200Gi' }, volumeMode: 'Filesystem' }) })).toEqual([]);
  expect(day2({ pv: pv({}) }, { pv: pv({ volumeHandle: 'rg#sa#other-share' }) })).toEqual([
    'platform/apps/pv (platform/apps/persistentvolume-shared-files.yaml): PersistentVolume shared-files: spec: the volume source changed: ' +
      `the API server refuses it ("spec.persistentvolumesource is immutable after creation", "field is immutable"), ${DRY_RUN}; ` +
      'keep the volume as it is, or write a PersistentVolume of another name for the new volume and bind a new claim to it',
  ]);
});

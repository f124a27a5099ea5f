// The `$patch: delete` patches of a Flux Kustomization, matched as kustomize matches patch targets
// (lib/core/patch-targets.ts): what the apply-order model leaves out of a build.
import { deletedByPatches, parseLabelSelector } from '../../lib/core/patch-targets';

const obj = (apiVersion: string, kind: string, name: string, labels?: Record<string, string>, annotations?: Record<string, string>, namespace = 'flux-system') =>
  ({ apiVersion, kind, metadata: { name, namespace, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) } });
const DELETE = 'apiVersion: v1\nkind: all\nmetadata:\n  name: all\n$patch: delete\n';

test('label selectors: equality, inequality, set-based, existence; an unparsable one is undefined', () => {
  expect(parseLabelSelector('a=b, c==d,e!=f')).toEqual([
    { key: 'a', op: 'in', values: ['b'] }, { key: 'c', op: 'in', values: ['d'] }, { key: 'e', op: 'notin', values: ['f'] },
  ]);
  expect(parseLabelSelector('env in (prod, dev),tier notin (x),app.kubernetes.io/name,!sharding.fluxcd.io/role')).toEqual([
    { key: 'env', op: 'in', values: ['prod', 'dev'] }, { key: 'tier', op: 'notin', values: ['x'] },
    { key: 'app.kubernetes.io/name', op: 'exists', values: [] }, { key: 'sharding.fluxcd.io/role', op: '!exists', values: [] },
  ]);
  expect(parseLabelSelector('a=(b')).toBeUndefined();
});

test("Flux's sharding patches delete the Flux objects and the cluster-wide parts of the install, keep the controllers", () => {
  const deleted = deletedByPatches([
    { patch: DELETE, target: { kind: '(Namespace|CustomResourceDefinition|ClusterRole|ClusterRoleBinding|ServiceAccount|NetworkPolicy|ResourceQuota)', labelSelector: 'app.kubernetes.io/part-of=flux' } },
    { patch: DELETE, target: { labelSelector: 'app.kubernetes.io/component=notification-controller' } },
    { patch: DELETE, target: { kind: 'Deployment', name: '(image-reflector-controller|image-automation-controller)' } },
    { patch: DELETE, target: { group: '(source|kustomize|helm|notification|image).toolkit.fluxcd.io' } },
    { patch: '- op: add\n  path: /spec/template/spec/containers/0/args/-\n  value: --watch-label-selector=sharding.fluxcd.io/key=shard1\n', target: { kind: 'Deployment' } },
  ])!;
  const gone = [
    obj('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'flux-system'),
    obj('source.toolkit.fluxcd.io/v1', 'GitRepository', 'flux-system'),
    obj('v1', 'Namespace', 'flux-system', { 'app.kubernetes.io/part-of': 'flux' }),
    obj('apps/v1', 'Deployment', 'notification-controller', { 'app.kubernetes.io/component': 'notification-controller' }),
    obj('apps/v1', 'Deployment', 'image-automation-controller'),
  ];
  const kept = [
    obj('apps/v1', 'Deployment', 'kustomize-controller', { 'app.kubernetes.io/part-of': 'flux' }),
    obj('v1', 'Namespace', 'team-a'), // no part-of=flux label
    obj('apps/v1', 'Deployment', 'image-automation-controller-x'), // the name must match whole
    obj('source.toolkit.fluxcd.io.evil/v1', 'GitRepository', 'x'), // so must the group
  ];
  expect(gone.filter((o) => !deleted(o))).toEqual([]);
  expect(kept.filter((o) => deleted(o))).toEqual([]);
});

test('a patch without target deletes the object it names; other patches and invalid expressions delete nothing', () => {
  const deleted = deletedByPatches([
    { patch: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: x\n$patch: delete\n' },
    { patch: DELETE, target: { name: '(' } },
    { patch: DELETE, target: { labelSelector: 'a=(b' } },
  ])!;
  expect(deleted(obj('v1', 'ConfigMap', 'a', undefined, undefined, 'x'))).toBe(true);
  expect(deleted(obj('v1', 'ConfigMap', 'a', undefined, undefined, 'y'))).toBe(false);
  expect(deleted(obj('v1', 'Secret', 'a', undefined, undefined, 'x'))).toBe(false);
  // Without a namespace it names an object without one (kustomize fails the build for a namespaced one).
  const noNs = deletedByPatches([{ patch: 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n$patch: delete\n' }])!;
  expect(noNs({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'team' } })).toBe(false);
  expect(noNs({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toBe(true);
  expect(deletedByPatches([{ patch: '- op: remove\n  path: /spec\n', target: { kind: 'Deployment' } }])).toBeUndefined();
  expect(deletedByPatches(undefined)).toBeUndefined();
  // annotationSelector, namespace and version.
  const byAnnotation = deletedByPatches([{ patch: DELETE, target: { annotationSelector: 'role=shard', namespace: 'flux-.*', version: 'v1' } }])!;
  expect(byAnnotation(obj('apps/v1', 'Deployment', 'd', undefined, { role: 'shard' }))).toBe(true);
  expect(byAnnotation(obj('apps/v1', 'Deployment', 'd', undefined, { role: 'shard' }, 'default'))).toBe(false);
  expect(byAnnotation(obj('apps/v1beta1', 'Deployment', 'd', undefined, { role: 'shard' }))).toBe(false);
});

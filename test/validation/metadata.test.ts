// ObjectMeta rules, for kinds with and without a schema.
import { SchemaRegistry, Validator } from '../../lib/core/validation';
import { messages } from './helpers';

// Metadata rules need no schemas: kinds without one (accepted here with unknownKinds: 'ignore') get exactly these.
const v = new Validator({ registry: SchemaRegistry.empty(), unknownKinds: 'ignore' });

function check(...objs: unknown[]): string[] {
  return messages(v.validate(objs.map((obj, i) => ({ obj, path: `app/Obj${i}` }))));
}

describe('metadata rules', () => {
  test('valid core and unknown kinds pass; unknown kinds are no error', () => {
    expect(
      check(
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app.config-1', namespace: 'team-a', labels: { 'app.kubernetes.io/name': 'app', tier: '' } }, data: { x: 'y' } },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', annotations: { 'Example.COM/Owner': 'Team A', note: 'any text' } } },
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:aggregate-to-view' } },
        { apiVersion: 'example.org/v1', kind: 'Gadget', metadata: { generateName: 'gadget-', namespace: 'x', finalizers: ['example.org/cleanup'] }, spec: { anything: 1 } },
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u-1', controller: true }] },
        },
      ),
    ).toEqual([]);
  });

  test('bad names: DNS-1123 subdomain by default, DNS-1123 label for Namespace, DNS-1035 label for Service', () => {
    expect(
      check(
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'My_Config', namespace: 'team-a' } },
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web.frontend', namespace: 'team-a' } },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a'.repeat(64) } },
        { apiVersion: 'v1', kind: 'Secret', metadata: { namespace: 'team-a' } },
      ),
    ).toEqual([
      `app/Obj0: ConfigMap/team-a/My_Config: metadata.name: must be a lowercase RFC 1123 subdomain: lowercase alphanumerics, '-' and '.', starting and ending with an alphanumeric (got "My_Config")`,
      `app/Obj1: Service/team-a/web.frontend: metadata.name: must be a lowercase RFC 1035 label: lowercase alphanumerics and '-', starting with a letter and ending with an alphanumeric (got "web.frontend")`,
      `app/Obj2: Namespace/${'a'.repeat(64)}: metadata.name: must be no more than 63 characters (is 64)`,
      'app/Obj3: Secret/team-a/<unnamed>: metadata.name: required field missing: "name" (or "generateName")',
    ]);
  });

  test('namespace on cluster-scoped kinds (built-in table and schema scope)', () => {
    expect(
      check(
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', namespace: 'default' } },
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'x', namespace: 'default' } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'Team_A' } },
      ),
    ).toEqual([
      'app/Obj0: Namespace/default/team-a: metadata.namespace: must not be set: Namespace is cluster-scoped',
      'app/Obj1: ClusterRoleBinding/default/x: metadata.namespace: must not be set: ClusterRoleBinding is cluster-scoped',
      `app/Obj2: ConfigMap/Team_A/x: metadata.namespace: must be a lowercase RFC 1123 label: lowercase alphanumerics and '-', starting and ending with an alphanumeric (got "Team_A")`,
    ]);
    const reg = SchemaRegistry.empty().addSchema({
      apiVersion: 'example.org/v1',
      kind: 'Fleet',
      scope: 'Cluster',
      schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      source: 'test',
    });
    expect(messages(new Validator({ registry: reg }).validate([{ obj: { apiVersion: 'example.org/v1', kind: 'Fleet', metadata: { name: 'f', namespace: 'x' } }, path: 'p' }]))).toEqual([
      'p: Fleet/x/f: metadata.namespace: must not be set: Fleet is cluster-scoped',
    ]);
  });

  test('labels, annotations, finalizers, ownerReferences and unknown metadata fields', () => {
    expect(
      check({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'x',
          creationTimestamp: null,
          labels: { '-bad': 'v', 'example.com/ok': 'v'.repeat(64), good: 'a b', num: 1 },
          annotations: { 'a/b/c': 'x' },
          finalizers: ['ok/finalizer', 'Bad Finalizer'],
          ownerReferences: [{ kind: 'X', name: 'y', uid: 'z', extra: 1 }],
        },
      }),
    ).toEqual([
      `app/Obj0: ConfigMap/x: metadata.annotations["a/b/c"]: invalid annotation key "a/b/c": must be a qualified name: an optional DNS subdomain prefix and '/', then a name`,
      `app/Obj0: ConfigMap/x: metadata.creationTimestamp: unknown field "creationTimestamp"`,
      `app/Obj0: ConfigMap/x: metadata.finalizers[1]: invalid finalizer "Bad Finalizer": name part must consist of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`,
      `app/Obj0: ConfigMap/x: metadata.labels.good: invalid label value "a b": must be empty or consist of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`,
      `app/Obj0: ConfigMap/x: metadata.labels.num: must be of type string, got integer`,
      `app/Obj0: ConfigMap/x: metadata.labels["-bad"]: invalid label key "-bad": name part must consist of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`,
      `app/Obj0: ConfigMap/x: metadata.labels["example.com/ok"]: label value must be no more than 63 characters (is 64)`,
      `app/Obj0: ConfigMap/x: metadata.ownerReferences[0].apiVersion: required field missing: "apiVersion"`,
      `app/Obj0: ConfigMap/x: metadata.ownerReferences[0].extra: unknown field "extra"`,
    ]);
  });

  test('apiVersion and kind are required; non-objects are reported', () => {
    expect(check({ metadata: { name: 'x' } }, 'just a string')).toEqual([
      'app/Obj0: <unknown kind>/x: apiVersion: required field missing: "apiVersion"',
      'app/Obj0: <unknown kind>/x: kind: required field missing: "kind"',
      'app/Obj1: <unknown kind>/<unnamed>: <root>: must be of type object, got string',
    ]);
  });

  test('sources sort naturally (#2 before #10) and without a path fall back to file#doc or #index', () => {
    const bad = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'X' } };
    const lines = messages(
      v.validate([
        { obj: bad, file: 'a.yaml', docIndex: 10 },
        { obj: bad, file: 'a.yaml', docIndex: 2 },
        { obj: bad },
      ]),
    ).map((l) => l.split(': ')[0]);
    expect(lines).toEqual(['#2', 'a.yaml#2', 'a.yaml#10']);
  });
});

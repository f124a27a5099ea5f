// CEL and structural-schema semantics on a hand-made CRD (test/fixtures/validation/widget-crd.ts).
import { SchemaRegistry, Validator } from '../../lib/core/validation';
import { messages, parseYaml } from './helpers';
import { WIDGET_CRD_YAML } from '../fixtures/validation/widget-crd';

const registry = SchemaRegistry.fromCrds(parseYaml(WIDGET_CRD_YAML));
const v = new Validator({ registry });

function widget(spec: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown {
  return { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w-1', namespace: 'team-a' }, spec, ...extra };
}

function check(obj: unknown): string[] {
  return messages(v.validate([{ obj, path: 'app/Widget' }]));
}

describe('CEL rules', () => {
  test('a valid widget; defaults apply before rules (maxReplicas defaults to 2)', () => {
    expect(check(widget({ size: 'small', minReplicas: 2 }))).toEqual([]);
    expect(check(widget({ size: 'small', minReplicas: 3 }))).toEqual([
      'app/Widget: Widget/team-a/w-1: spec.minReplicas: failed rule: minReplicas must not exceed maxReplicas',
    ]);
  });

  test('integers reach CEL as ints: int comparisons, and fieldPath / reason are honoured', () => {
    const issues = v.validate([{ obj: widget({ size: 'small', minReplicas: 5, maxReplicas: 4 }), path: 'app/Widget' }]);
    expect(messages(issues)).toEqual(['app/Widget: Widget/team-a/w-1: spec.minReplicas: failed rule: minReplicas must not exceed maxReplicas']);
    expect(issues[0]).toMatchObject({ field: 'spec.minReplicas', rule: 'self.minReplicas <= self.maxReplicas', celReason: 'FieldValueInvalid' });
    // Schemaless (preserve-unknown-fields) whole numbers are ints too: `self.replicas < 10`.
    expect(check(widget({ size: 'small', minReplicas: 1, config: { replicas: 12, other: { x: 1.5 } } }))).toEqual([
      'app/Widget: Widget/team-a/w-1: spec.config: failed rule: config.replicas must be below 10',
    ]);
    expect(check(widget({ size: 'small', minReplicas: 1, config: { replicas: 3 } }))).toEqual([]);
  });

  test('numbers are doubles; messageExpression is evaluated', () => {
    expect(check(widget({ size: 'large', minReplicas: 1, ratio: 2.5 }))).toEqual([
      'app/Widget: Widget/team-a/w-1: spec: failed rule: large widgets need at least 3 replicas, got 2',
      'app/Widget: Widget/team-a/w-1: spec: failed rule: ratio must be below 1.5',
    ]);
    expect(check(widget({ size: 'large', minReplicas: 1, maxReplicas: 3, ratio: 1 }))).toEqual([]);
  });

  test('rules run for every list item and map value; escaped property names (namespace → __namespace__)', () => {
    expect(
      check(
        widget({
          size: 'small',
          minReplicas: 1,
          namespace: 'default',
          tags: { a: 'ok', b: 'forbidden' },
          ports: [
            { name: 'http', port: 8080 },
            { name: 'dns', port: 53 },
            { name: 'priv-dns', port: 53 },
          ],
        }),
      ),
    ).toEqual([
      'app/Widget: Widget/team-a/w-1: spec: failed rule: namespace must start with team-',
      'app/Widget: Widget/team-a/w-1: spec.ports[1]: failed rule: privileged ports need a priv- name',
      'app/Widget: Widget/team-a/w-1: spec.tags.b: failed rule: tag value forbidden',
    ]);
  });

  test('root rules see metadata.name; transition rules (oldSelf) are skipped', () => {
    expect(check({ ...(widget({ size: 'small', minReplicas: 1 }) as object), metadata: { name: 'gadget' } })).toEqual([
      'app/Widget: Widget/gadget: <root>: failed rule: widget names start with w-',
    ]);
  });

  test('a rule that does not compile, and one that fails to evaluate, are issues (not crashes)', () => {
    expect(check(widget({ size: 'small', minReplicas: 1, broken: 'x', lookup: {} }))).toEqual([
      `app/Widget: Widget/team-a/w-1: spec.broken: invalid rule "self.((": <input>:1:5: found . but expecting end of input`,
      `app/Widget: Widget/team-a/w-1: spec.lookup: rule could not be evaluated: field not found: a (rule: self.a == 'x')`,
    ]);
    expect(check(widget({ size: 'small', minReplicas: 1, lookup: { a: 'x' } }))).toEqual([]);
  });
});

describe('structural schema semantics', () => {
  test('int-or-string, nullable, formats, list-map keys, embedded resources, status', () => {
    expect(
      check(
        widget(
          {
            size: 'small',
            minReplicas: 1,
            port: 8080,
            note: null,
            createdAt: '2024-05-01T10:00:00Z',
            template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: 'b' } },
          },
          { status: { ready: 'not validated' } },
        ),
      ),
    ).toEqual([]);
    expect(
      check(
        widget({
          size: 'huge',
          minReplicas: 1.5,
          port: 'HTTP',
          createdAt: 'yesterday',
          tags: { b: 'waytoolongvalue' },
          ports: [
            { name: 'http', port: 8080 },
            { name: 'http', port: 70000 },
          ],
          template: { data: {} },
        }),
      ),
    ).toEqual([
      'app/Widget: Widget/team-a/w-1: spec.createdAt: must be a valid date-time',
      'app/Widget: Widget/team-a/w-1: spec.minReplicas: must be of type integer, got number',
      'app/Widget: Widget/team-a/w-1: spec.port: does not match pattern "^[a-z0-9-]+$"',
      'app/Widget: Widget/team-a/w-1: spec.ports: duplicate entries: items 0 and 1 have the same key (name="http")',
      'app/Widget: Widget/team-a/w-1: spec.ports[1].port: must be <= 65535',
      'app/Widget: Widget/team-a/w-1: spec.size: must be one of: "small", "medium", "large"',
      'app/Widget: Widget/team-a/w-1: spec.tags.b: must be at most 10 characters long',
      'app/Widget: Widget/team-a/w-1: spec.template.apiVersion: required field missing: "apiVersion"',
      'app/Widget: Widget/team-a/w-1: spec.template.kind: required field missing: "kind"',
    ]);
  });

  test('null on a non-nullable field is pruned (then defaulted), as by the API server; null required fields are missing', () => {
    expect(check(widget({ size: 'small', minReplicas: null, maxReplicas: null, ratio: null }))).toEqual([]);
    expect(check(widget({ size: null, minReplicas: 1 }))).toEqual(['app/Widget: Widget/team-a/w-1: spec.size: required field missing: "size"']);
  });

  test('unknown fields at every level, including the root', () => {
    expect(check(widget({ size: 'small', minReplicas: 1, extra: true }, { spek: {} }))).toEqual([
      'app/Widget: Widget/team-a/w-1: spec.extra: unknown field "extra"',
      'app/Widget: Widget/team-a/w-1: spek: unknown field "spek"',
    ]);
  });
});

describe('root metadata', () => {
  test('CRD constraints on metadata.name apply; other metadata is left to the ObjectMeta rules', () => {
    const reg = SchemaRegistry.empty().addSchema({
      apiVersion: 'example.com/v1',
      kind: 'Short',
      scope: 'Namespaced',
      source: 'test',
      schema: { type: 'object', properties: { metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 5 } } } } },
    });
    const obj = { apiVersion: 'example.com/v1', kind: 'Short', metadata: { name: 'toolong', labels: { a: 'b' } } };
    expect(messages(new Validator({ registry: reg }).validate([{ obj, path: 'p' }]))).toEqual(['p: Short/toolong: metadata.name: must be at most 5 characters long']);
  });
});

// SchemaRegistry sources: the compact imports/schemas layout, CRD documents, CRD paths.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultSchemaDir, packageRoot, SchemaRegistry, Validator } from '../../lib/core/validation';
import { messages, parseYaml, PROJECT_ROOT } from './helpers';
import { WIDGET_CRD_YAML } from '../fixtures/validation/widget-crd';

const widgetCrd = parseYaml(WIDGET_CRD_YAML)[0] as any;

describe('SchemaRegistry', () => {
  test('the default schema directory is imports/schemas under the package root', () => {
    expect(packageRoot()).toBe(PROJECT_ROOT);
    expect(defaultSchemaDir()).toBe(path.join(PROJECT_ROOT, 'imports', 'schemas'));
  });

  test('fromCrds / addCrd: every served version with a schema, keyed <group>/<version>/<Kind>', () => {
    const crd = JSON.parse(JSON.stringify(widgetCrd));
    crd.spec.versions.push({ ...crd.spec.versions[0], name: 'v2', storage: false });
    crd.spec.versions.push({ ...crd.spec.versions[0], name: 'v0', served: false, storage: false });
    const reg = SchemaRegistry.fromCrds([crd, { apiVersion: 'v1', kind: 'ConfigMap' }]);
    expect(reg.keys()).toEqual(['example.com/v1/Widget', 'example.com/v2/Widget']);
    expect(reg.scopeOf('example.com/v1', 'Widget')).toBe('Namespaced');
    expect(() => reg.addCrd({ kind: 'ConfigMap' })).toThrow(/not a CustomResourceDefinition/);
  });

  test('fromDirectory: compact schema files are read lazily, on first use', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-platform-schemas-'));
    try {
      fs.mkdirSync(path.join(dir, 'example.com'));
      const schema = widgetCrd.spec.versions[0].schema.openAPIV3Schema;
      fs.writeFileSync(
        path.join(dir, 'example.com', 'widget_v1.json'),
        JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Widget', scope: 'Namespaced', schema }),
      );
      fs.writeFileSync(
        path.join(dir, 'index.json'),
        JSON.stringify({
          'example.com/v1/Widget': { file: 'example.com/widget_v1.json', scope: 'Namespaced' },
          'example.com/v1/Missing': { file: 'example.com/missing_v1.json', scope: 'Cluster' },
        }),
      );
      const reg = SchemaRegistry.fromDirectory(dir);
      expect(reg.size).toBe(2);
      expect(reg.scopeOf('example.com/v1', 'Missing')).toBe('Cluster'); // from the index, file not read
      const v = new Validator({ registry: reg });
      const obj = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w-1' }, spec: { size: 'tiny', minReplicas: 1 } };
      expect(messages(v.validate([{ obj, path: 'p' }]))).toEqual(['p: Widget/w-1: spec.size: must be one of: "small", "medium", "large"']);
      // An unreadable schema file is an issue, not a crash.
      expect(messages(v.validate([{ obj: { apiVersion: 'example.com/v1', kind: 'Missing', metadata: { name: 'm' } }, path: 'p' }]))[0]).toMatch(
        /^p: Missing\/m: <root>: schema for example\.com\/v1\/Missing could not be loaded: cannot read schema file .*missing_v1\.json/,
      );
      // CRDs layered on top override the directory's entry.
      reg.addCrd({ ...widgetCrd, spec: { ...widgetCrd.spec, scope: 'Cluster' } });
      expect(reg.scopeOf('example.com/v1', 'Widget')).toBe('Cluster');
      expect(() => SchemaRegistry.fromDirectory(path.join(dir, 'nope'))).toThrow(/cannot read schema index/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('addCrdPath loads CRDs from files and directories, skipping other documents', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crds-'));
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub', 'widgets.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: not-a-crd\n---\n${WIDGET_CRD_YAML}`);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'ignored');
    const reg = SchemaRegistry.empty();
    expect(reg.addCrdPath(dir)).toBe(1);
    expect(reg.has('example.com/v1', 'Widget')).toBe(true);
  });
});

test('a validator sees schemas registered after it validated a kind (its per-kind lookups are dropped), in its registry and in the parent', () => {
  const parent = SchemaRegistry.empty();
  const reg = parent.extend();
  const v = new Validator({ registry: reg });
  const gadget = { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g', namespace: 'default' }, spec: { size: 'big' } };
  expect(messages(v.validate([{ obj: gadget }]))[0]).toMatch(/^#0: Gadget\/default\/g: kind: no schema for example\.com\/v1 Gadget, so it cannot be validated/);
  const schema = (size: string) => ({ type: 'object', properties: { spec: { type: 'object', properties: { size: { type: size } } } } });
  parent.register({ apiVersion: 'example.com/v1', kind: 'Gadget', schema: schema('string') });
  expect(messages(v.validate([{ obj: gadget }]))).toEqual([]);
  reg.register({ apiVersion: 'example.com/v1', kind: 'Gadget', schema: schema('integer') });
  expect(messages(v.validate([{ obj: gadget }]))).toEqual(['#0: Gadget/default/g: spec.size: must be of type integer, got string']);
});

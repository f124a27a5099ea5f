import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { CRD_SOURCES } from '../scripts/crd-sources';
import {
  DEFAULT_OUT_DIR, ImportSummary, MIRROR_ENV, cleanForCodegen, importCrds, listTree, loadCrd, resolveMirror,
} from '../scripts/import-crds';

const mirror = resolveMirror();
const MIRROR_MISSING =
  `CRD mirror not found at ${mirror}. These tests regenerate imports/ from the pinned CRDs and need ` +
  `../shared/crds (relative to the project root), or ${MIRROR_ENV} pointing at the mirror directory.`;

function mirrorOrFail(): string {
  if (!fs.existsSync(mirror)) throw new Error(MIRROR_MISSING);
  return mirror;
}

/** Lines cdk8s-cli/json2jsii write into doc comments themselves; anything else would be a leaked description. */
const TEMPLATE_COMMENT = /^\s*\*( @schema .*| @param .*| Returns the apiVersion and kind for ".*"| Renders a Kubernetes manifest for ".*"\.| This can be used to inline resource manifests inside other objects \(e\.g\. as templates\)\.| Defines a ".*" API object| Renders the object to Kubernetes JSON\.| Converts an object of type '.*' to JSON representation\.|)$/;

test('CRD mirror directory is available (set CDK8S_PLATFORM_CRD_MIRROR or provide ../shared/crds)', () => {
  mirrorOrFail();
});

test('a missing mirror fails with a message naming the env var', async () => {
  await expect(importCrds({ mirror: path.join(os.tmpdir(), 'no-such-crd-mirror'), outDir: path.join(os.tmpdir(), 'unused-imports') }))
    .rejects.toThrow(MIRROR_ENV);
});

describe('npm run import (offline, from the mirror)', () => {
  let tmp: string;
  let outDir: string;
  let summary: ImportSummary;
  let tsFiles: { rel: string; text: string }[];

  beforeAll(async () => {
    const m = mirrorOrFail();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'import-test-'));
    outDir = path.join(tmp, 'imports');
    summary = await importCrds({ mirror: m, outDir, quiet: true });
    tsFiles = listTree(outDir).filter(f => f.endsWith('.ts')).map(rel => ({ rel, text: fs.readFileSync(path.join(outDir, rel), 'utf8') }));
  }, 120_000);

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('regeneration is byte-identical to the committed imports/ tree', () => {
    const committed = listTree(DEFAULT_OUT_DIR);
    const regenerated = listTree(outDir);
    expect(regenerated).toEqual(committed);
    const differing = regenerated.filter(f => !fs.readFileSync(path.join(outDir, f)).equals(fs.readFileSync(path.join(DEFAULT_OUT_DIR, f))));
    expect(differing).toEqual([]); // if this fails: run `npm run import` and commit imports/
  });

  test('every pinned kind/version has a class and a schema', () => {
    const expected = CRD_SOURCES.reduce((n, s) => n + s.versions.length, 0);
    expect(summary.classes).toHaveLength(expected);
    expect(summary.schemaFiles).toBe(expected);
    const xrd = summary.classes.filter(c => c.kind === 'CompositeResourceDefinition');
    expect(xrd.map(c => [c.className, c.apiVersion])).toEqual([
      ['CompositeResourceDefinition', 'apiextensions.crossplane.io/v2'],
      ['CompositeResourceDefinitionV1', 'apiextensions.crossplane.io/v1'],
    ]);
  });

  test('generated TypeScript carries no descriptions, $propertyBag or mangled values', () => {
    for (const { rel, text } of tsFiles) {
      expect({ rel, stripped: text.includes('__stripped_by_cdk8s__') }).toEqual({ rel, stripped: false });
      expect({ rel, bag: /propertyBag/.test(text) }).toEqual({ rel, bag: false });
      expect({ rel, desc: text.includes('APIVersion defines the versioned schema') }).toEqual({ rel, desc: false });
      const leaked = text.split('\n').filter(l => /^\s*\*/.test(l) && !/^\s*\*\/$/.test(l) && !TEMPLATE_COMMENT.test(l));
      expect({ rel, leaked: leaked.slice(0, 3) }).toEqual({ rel, leaked: [] });
    }
    // a *property* called description is a real field and must survive
    const xrd = tsFiles.find(f => f.rel === 'crossplane/apiextensions.crossplane.io.ts')!;
    expect(xrd.text).toMatch(/readonly description\?: string;/);
  });

  test('schema files follow the contract and keep the validation keywords', () => {
    const index = JSON.parse(fs.readFileSync(path.join(outDir, 'schemas', 'index.json'), 'utf8')) as Record<string, { file: string; scope: string }>;
    const keys = Object.keys(index);
    expect(keys).toEqual([...keys].sort());
    const schemaFiles = listTree(path.join(outDir, 'schemas')).filter(f => f !== 'index.json');
    expect(Object.values(index).map(e => e.file).sort()).toEqual(schemaFiles);
    for (const [key, entry] of Object.entries(index)) {
      const text = fs.readFileSync(path.join(outDir, 'schemas', entry.file), 'utf8');
      expect(text.trimEnd()).not.toContain('\n'); // minified
      const doc = JSON.parse(text);
      expect(Object.keys(doc)).toEqual(['apiVersion', 'kind', 'scope', 'schema']);
      const kind = key.slice(key.lastIndexOf('/') + 1);
      const apiVersion = key.slice(0, key.lastIndexOf('/'));
      const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
      expect(doc).toMatchObject({ apiVersion, kind, scope: entry.scope });
      // built-in kinds live under core/ (core/core/ for the core group)
      const builtin = entry.file.startsWith('core/');
      expect(entry.file).toBe(`${builtin ? `core/${group || 'core'}` : group}/${kind.toLowerCase()}_${version}.json`);
      expect(['Namespaced', 'Cluster']).toContain(entry.scope);
      expect(/"description":"/.test(text)).toBe(false); // no description keyword left (values are strings)
    }
    const read = (f: string) => fs.readFileSync(path.join(outDir, 'schemas', f), 'utf8');
    const cluster = read('cluster.x-k8s.io/cluster_v1beta2.json');
    expect(cluster).toContain('"x-kubernetes-validations"');
    expect(cluster).toContain('"pattern"');
    const xrdV2 = read('apiextensions.crossplane.io/compositeresourcedefinition_v2.json');
    expect(xrdV2).toContain("Claims aren't supported in apiextensions.crossplane.io/v2");
    expect(xrdV2).toContain('"description":{'); // the XRD's own `description` property is kept
  });

  test('schemas equal the original openAPIV3Schema minus description keywords', async () => {
    const src = CRD_SOURCES.find(s => s.mirrorPath === 'capi/cluster.x-k8s.io_clusters.yaml')!;
    const crd = await loadCrd(src, { mirror });
    const original = crd.spec.versions.find(v => v.name === 'v1beta2')!.schema!.openAPIV3Schema;
    const written = JSON.parse(fs.readFileSync(path.join(outDir, 'schemas/cluster.x-k8s.io/cluster_v1beta2.json'), 'utf8')).schema;
    const restore = (o: unknown, w: unknown): boolean => {
      if (Array.isArray(o)) return Array.isArray(w) && o.length === w.length && o.every((x, i) => restore(x, w[i]));
      if (o && typeof o === 'object') {
        const wo = w as Record<string, unknown>;
        return Object.entries(o).every(([k, v]) => (k in wo ? restore(v, wo[k]) : k === 'description'))
          && Object.keys(wo).every(k => k in o);
      }
      return isDeepStrictEqual(o, w);
    };
    expect(restore(original, written)).toBe(true);
  });

  test('every upjet-azure CRD in the mirror is imported', () => {
    const upjet = fs.readdirSync(path.join(mirror, 'crossplane')).filter(f => /\.azure(\.m)?\.upbound\.io_.*\.yaml$/.test(f)).map(f => `crossplane/${f}`).sort();
    const listed = CRD_SOURCES.map(s => s.mirrorPath).filter(p => upjet.includes(p)).sort();
    expect(listed).toEqual(upjet);
  });
});

describe('codegen cleaning', () => {
  test('drops keys cdk8s rejects ($propertyBag in ASO storage versions) and unmangleable enums', async () => {
    const src = CRD_SOURCES.find(s => s.select === 'resourcegroups.resources.azure.com')!;
    const crd = await loadCrd(src, { mirror: mirrorOrFail() });
    const storage = crd.spec.versions.find(v => v.name === 'v1api20200601storage')!.schema!.openAPIV3Schema;
    expect(JSON.stringify(storage)).toContain('"$propertyBag"');
    const notes = new Set<string>();
    const cleaned = JSON.stringify(cleanForCodegen(storage, 'rg', notes));
    expect(cleaned).not.toContain('$propertyBag');
    expect(cleaned).not.toMatch(/"(description|pattern|x-kubernetes-validations)"/);
    expect([...notes].some(n => n.includes("'$propertyBag'"))).toBe(true);

    const synthetic = cleanForCodegen({
      type: 'object',
      required: ['mode', 'description'],
      properties: {
        mode: { type: 'string', enum: ['a<b', 'c'], pattern: '^x$', description: 'x' },
        description: { type: 'string' },
        'odd key!': { type: 'string' },
      },
    }, 'synthetic', notes);
    expect(synthetic).toEqual({
      type: 'object',
      required: ['mode', 'description'],
      properties: { mode: { type: 'string' }, description: { type: 'string' } },
    });
  });

  test('--online path (fetch stubbed from the mirror) yields the same ASO CRDs, incl. bundle selection and derived wrapping', async () => {
    const m = mirrorOrFail();
    const aso = CRD_SOURCES.filter(s => s.module === 'aso');
    const bundle = aso.filter(s => s.select).map(s => fs.readFileSync(path.join(m, s.mirrorPath), 'utf8')).join('\n---\n');
    const fetchText = async (url: string): Promise<string> => (url.endsWith('/config/aso/crds.yaml')
      ? bundle
      : fs.readFileSync(path.join(m, 'aso/jsonschema/CRDs-catalog', url.split('/').slice(-2).join('/')), 'utf8'));
    for (const src of aso) {
      const offline = await loadCrd(src, { mirror: m });
      const online = await loadCrd(src, { mirror: m, online: true, fetchText });
      expect({ src: src.mirrorPath, same: isDeepStrictEqual(online, offline) }).toEqual({ src: src.mirrorPath, same: true });
    }
  });
});

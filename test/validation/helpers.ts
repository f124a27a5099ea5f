/**
 * Test helpers: the upstream CRD mirror (`../shared/crds` relative to the project root, or
 * $CDK8S_PLATFORM_CRD_MIRROR) and example manifests from it. Tests that need the mirror must call
 * crdMirror() (directly or through these helpers), which throws — failing the test — when the mirror
 * is missing: these tests never pass silently without their data.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { SchemaRegistry, type ValidationInput, type ValidationIssue } from '../../lib/core/validation';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures', 'validation');

/** The CRD mirror directory; throws a descriptive error when it does not exist. */
export function crdMirror(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.CDK8S_PLATFORM_CRD_MIRROR
    ? path.resolve(env.CDK8S_PLATFORM_CRD_MIRROR)
    : path.resolve(PROJECT_ROOT, '..', 'shared', 'crds');
  if (!fs.existsSync(path.join(dir, 'SOURCES.md'))) {
    throw new Error(
      `CRD mirror not found at ${dir} (no SOURCES.md). These validation tests need the upstream CRDs: ` +
        `provide ../shared/crds next to the project or set CDK8S_PLATFORM_CRD_MIRROR to its location.`,
    );
  }
  return dir;
}

/** Parses all documents of a YAML text (nulls dropped). */
export function parseYaml(text: string): unknown[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(d.errors[0].message);
      return d.toJS();
    })
    .filter((d) => d !== null && d !== undefined);
}

const crdDocCache = new Map<string, unknown[]>();

/**
 * A registry with the given CRD files (paths relative to the mirror, or absolute), layered on the
 * bundled built-in Kubernetes kinds (objects of other kinds are "no schema" errors).
 */
export function registryFromCrds(...files: string[]): SchemaRegistry {
  const reg = SchemaRegistry.builtinKinds();
  for (const f of files) {
    const abs = path.isAbsolute(f) ? f : path.join(crdMirror(), f);
    let docs = crdDocCache.get(abs);
    if (!docs) {
      docs = parseYaml(fs.readFileSync(abs, 'utf8'));
      crdDocCache.set(abs, docs);
    }
    reg.addCrds(docs, abs);
  }
  return reg;
}

/**
 * Documents of an example manifest (path relative to the mirror). `${VAR}` and `${VAR:=default}` are
 * substituted from `vars` (then the default) before parsing, like clusterctl / envsubst.
 */
export function exampleDocs(rel: string, vars: Record<string, string> = {}): unknown[] {
  let text = fs.readFileSync(path.join(crdMirror(), rel), 'utf8');
  text = text.replace(/\$\{([A-Za-z0-9_]+)(?::=([^}]*))?\}/g, (m, name: string, def?: string) => {
    const v = vars[name] ?? def;
    if (v === undefined) throw new Error(`${rel}: no value for ${m}`);
    return v;
  });
  return parseYaml(text);
}

/** Inputs named after the example file and document index. */
export function asInputs(docs: unknown[], file: string): ValidationInput[] {
  return docs.map((obj, docIndex) => ({ obj, file, docIndex }));
}

/** Issue lines. */
export function messages(issues: readonly ValidationIssue[]): string[] {
  return issues.map((i) => i.message);
}

/** Deep copy of plain JSON. */
export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Values used to instantiate the CAPI / CAPZ cluster templates. */
export const TEMPLATE_VARS: Record<string, string> = {
  CLUSTER_NAME: 'dev-aks',
  CLUSTER_CLASS_NAME: 'aks-class',
  NAMESPACE: 'fleet',
  AZURE_LOCATION: 'westeurope',
  AZURE_SUBSCRIPTION_ID: '00000000-0000-0000-0000-000000000000',
  AZURE_TENANT_ID: '11111111-1111-1111-1111-111111111111',
  AZURE_CLIENT_ID: '22222222-2222-2222-2222-222222222222',
  AZURE_CLIENT_ID_USER_ASSIGNED_IDENTITY: '33333333-3333-3333-3333-333333333333',
  AZURE_CLUSTER_IDENTITY_SECRET_NAME: 'cluster-identity-secret',
  AZURE_CLUSTER_IDENTITY_SECRET_NAMESPACE: 'default',
  CLUSTER_IDENTITY_NAME: 'cluster-identity',
  ASO_CREDENTIAL_SECRET_NAME: 'aso-credential',
  KUBERNETES_VERSION: 'v1.33.1',
  AZURE_NODE_MACHINE_TYPE: 'Standard_D4s_v5',
  AZURE_CONTROL_PLANE_MACHINE_TYPE: 'Standard_D4s_v5',
  CONTROL_PLANE_MACHINE_COUNT: '3',
  WORKER_MACHINE_COUNT: '2',
  AZURE_SSH_PUBLIC_KEY_B64: 'c3NoLXJzYSBBQUFB',
  AZURE_SSH_PUBLIC_KEY: 'ssh-rsa AAAA',
};

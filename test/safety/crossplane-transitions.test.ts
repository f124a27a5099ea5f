// Day-2 changes of Crossplane definitions the API server refuses (lib/safety/crossplane-transitions.ts).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { GitOpsApp, Repo } from '../../lib';
import { crossplaneTransition } from '../../lib/safety/crossplane-transitions';
import { problems } from '../support/problems';

const xrd = (kind: string, scope = 'Namespaced') => ({
  apiVersion: 'apiextensions.crossplane.io/v2', kind: 'CompositeResourceDefinition', metadata: { name: 'xapps.apps.contoso.com' },
  spec: { group: 'apps.contoso.com', names: { kind, plural: 'xapps' }, scope, versions: [{ name: 'v1alpha1', served: true, referenceable: true }] },
});

test('an XRD whose kind or scope changes under the same name is refused, naming the field and the way out', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'xp-day2-'));
  const build = (kind: string, scope?: string) => {
    const app = new GitOpsApp({ outdir: out, validation: false, printBaselineReport: false });
    new ApiObject(new Repo(app, 'platform').folder('apis'), 'xrd', xrd(kind, scope));
    return app;
  };
  try {
    build('XApp').synth();
    expect(problems(() => build('XApplication').synth())).toEqual([
      'platform/apis/xrd (platform/apis/compositeresourcedefinition-xapps.apps.contoso.com.yaml): CompositeResourceDefinition xapps.apps.contoso.com: ' +
        'spec.names: {"kind":"XApp","plural":"xapps"} → {"kind":"XApplication","plural":"xapps"}: immutable (Crossplane\'s validation: self == oldSelf), so the API server refuses the update ' +
        'and the Kustomization applying it fails for good; keep it, or define a new CompositeResourceDefinition beside this one and move the composite resources to it',
    ]);
    expect(problems(() => build('XApp', 'Cluster').synth())).toHaveLength(1);
    // Versions may change (Crossplane updates the CRD).
    expect(problems(() => build('XApp').synth())).toEqual([]);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test("a Composition's compositeTypeRef is immutable", () => {
  const c = (apiVersion: string) => ({ apiVersion: 'apiextensions.crossplane.io/v1', kind: 'Composition', metadata: { name: 'c' }, spec: { compositeTypeRef: { apiVersion, kind: 'XApp' } } });
  expect(crossplaneTransition(c('apps.contoso.com/v1alpha1'), c('apps.contoso.com/v1beta1'))).toEqual([
    'spec.compositeTypeRef: {"apiVersion":"apps.contoso.com/v1alpha1","kind":"XApp"} → {"apiVersion":"apps.contoso.com/v1beta1","kind":"XApp"}: immutable (Crossplane\'s validation: self == oldSelf), ' +
      'so the API server refuses the update and the Kustomization applying it fails for good; keep it, or create a new Composition for the other composite type',
  ]);
  expect(crossplaneTransition(c('apps.contoso.com/v1alpha1'), c('apps.contoso.com/v1alpha1'))).toEqual([]);
});

// `render` follows function-patch-and-transform v0.10.8 (fn.go): a patch to a composed resource
// with `policy.fromFieldPath: Required` whose source is absent keeps a resource that does not exist
// yet out of the desired state; for an existing (observed) resource it is only a warning.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { KubernetesCluster } from '../../imports/crossplane/containerservice.azure.m.upbound.io';
import { ResourceGroup } from '../../imports/crossplane/azure.m.upbound.io';
import { Repo } from '../../lib';
import { runRender } from '../../lib/cli/render';
import { CompositeResourceDefinition, Composition, Patches, renderComposition, RenderError, Schema } from '../../lib/crossplane';
import { Testing } from '../../lib/testing';

const spec = Schema.object({ location: Schema.string({ required: true }), dnsPrefix: Schema.string() });
const status = Schema.object({ resourceGroupId: Schema.string() });

function setup() {
  const app = Testing.app();
  const folder = new Repo(app, 'r').folder('apis');
  const xrd = new CompositeResourceDefinition(folder, 'xrd', { group: 'platform.contoso.com', kind: 'XCluster', plural: 'xclusters', version: 'v1alpha1', spec, status });
  const composition = new Composition(folder, 'comp', { xrd });
  composition.addPatchAndTransform({
    resources: [
      {
        name: 'rg',
        base: (s) => new ResourceGroup(s, 'rg', { spec: { forProvider: { location: 'westeurope' } } }),
        patches: [Patches.fromComposite('spec.location', 'spec.forProvider.location'), Patches.toComposite('status.atProvider.id', 'status.resourceGroupId')],
      },
      {
        name: 'cluster',
        base: (s) => new KubernetesCluster(s, 'aks', {
          spec: { forProvider: { location: 'westeurope', resourceGroupNameSelector: { matchControllerRef: true }, identity: { type: 'SystemAssigned' }, defaultNodePool: { name: 'system', vmSize: 'Standard_D4s_v5' } } },
        }),
        patches: [
          Patches.fromComposite('spec.location', 'spec.forProvider.location'),
          Patches.fromComposite('status.resourceGroupId', 'spec.forProvider.diskEncryptionSetId', { fromFieldPath: 'Required' }),
          Patches.fromComposite('spec.dnsPrefix', 'spec.forProvider.dnsPrefix'),
        ],
      },
    ],
  });
  return { app, composition };
}

const SKIP = 'not adding new composed resource "cluster" to desired state because "FromCompositeFieldPath" patch at index 1 has \'policy.fromFieldPath: Required\': status.resourceGroupId: no such field';

describe('render skips composed resources whose Required source is absent', () => {
  test('first reconcile: the resource is skipped, the others are composed', () => {
    const { composition } = setup();
    const r = composition.render({ location: 'northeurope' });
    expect(r.resources.map((x) => x.name)).toEqual(['rg']);
    expect(r.skippedResources).toEqual([{ name: 'cluster', step: 'patch-and-transform', reason: SKIP }]);
    expect(r.warnings).toEqual([]);
    expect(r.issues).toEqual([]);
  });

  test('once the source is set (from the observed resource group), the resource is composed', () => {
    const { composition } = setup();
    const id = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-example';
    const r = composition.render({ location: 'northeurope' }, { observed: { rg: { resource: { status: { atProvider: { id } } } } } });
    // The observed composite is what patches read from: the XR status comes from the XR itself.
    expect(r.skippedResources.map((x) => x.name)).toEqual(['cluster']);
    expect((r.composite as any).status.resourceGroupId).toBe(id);
    const xr = { apiVersion: 'platform.contoso.com/v1alpha1', kind: 'XCluster', metadata: { name: 'example', namespace: 'default' }, spec: { location: 'northeurope', crossplane: { compositionRef: { name: composition.name } } }, status: { resourceGroupId: id } };
    const r2 = renderComposition(composition.toJson(), xr);
    expect(r2.skippedResources).toEqual([]);
    expect((r2.resources[1].object as any).spec.forProvider.diskEncryptionSetId).toBe(id);
  });

  test('an existing (observed) resource is kept: the Required patch is ignored with a warning', () => {
    const { composition } = setup();
    const r = composition.render({ location: 'northeurope' }, { observed: { cluster: { resource: { metadata: { name: 'example-abcde' } } } } });
    expect(r.resources.map((x) => x.name)).toEqual(['rg', 'cluster']);
    expect(r.skippedResources).toEqual([]);
    expect(r.warnings).toEqual([
      'step "patch-and-transform": cannot render composed resource "cluster" "FromCompositeFieldPath" patch at index 1: ignoring \'policy.fromFieldPath: Required\' because \'to\' resource already exists: status.resourceGroupId: no such field',
    ]);
  });

  test('an absent Optional source skips only the patch; a Required environment source fails the render', () => {
    const { composition } = setup();
    const r = composition.render({ location: 'northeurope' }, { observed: { cluster: { resource: {} } } });
    expect((r.resources[1].object as any).spec.forProvider.dnsPrefix).toBeUndefined();
    const json = composition.toJson();
    json.spec.pipeline[0].input.environment = { patches: [{ type: 'FromCompositeFieldPath', fromFieldPath: 'spec.missing', toFieldPath: 'x', policy: { fromFieldPath: 'Required' } }] };
    const xr = { apiVersion: 'platform.contoso.com/v1alpha1', kind: 'XCluster', metadata: { name: 'example', namespace: 'default' }, spec: { location: 'northeurope' } };
    expect(() => renderComposition(json, xr)).toThrow(new RenderError('step "patch-and-transform": environment.patches[0]: required field "spec.missing" is not set'));
  });

  test('the CLI shows the skipped resource', () => {
    const { app, composition } = setup();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xp-render-skip-'));
    try {
      fs.writeFileSync(path.join(dir, 'composition.yaml'), stringify(composition.toJson()));
      fs.writeFileSync(path.join(dir, 'xr.yaml'), stringify({ apiVersion: 'platform.contoso.com/v1alpha1', kind: 'XCluster', metadata: { name: 'example', namespace: 'default' }, spec: { location: 'northeurope' } }));
      const out: string[] = [];
      const err: string[] = [];
      expect(runRender('composition.yaml', 'xr.yaml', {}, { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), cwd: dir })).toBe(0);
      expect(err.join('')).toBe([
        `render: step "patch-and-transform": resource "cluster" skipped (the composite is not ready until it is composed): ${SKIP}`,
        'render: xclusters.platform.contoso.com: 1 composed resource, 1 skipped, no issues',
        '',
      ].join('\n'));
      expect(out.join('')).toContain('kind: ResourceGroup');
      expect(out.join('')).not.toContain('kind: KubernetesCluster');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      void app;
    }
  });
});

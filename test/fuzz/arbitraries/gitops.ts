// Fuzz targets of the GitOps layout constructs: kustomize overlays (repo.overlay), KustomizePatch
// and components (repo.component).
import { ApiObject, JsonPatch } from 'cdk8s';
import * as fc from 'fast-check';
import { KustomizePatch, Repo } from '../../../lib';
import { FuzzTarget, target } from '../harness';
import { chance, dnsLabel, k8sName, oddString, opt, stringMap } from './common';

type PatchSpec =
  | { kind: 'merge'; on: 'deployment' | 'config' | 'outside' | 'overlayObject'; fields: 'replicas' | 'labels' | 'empty' | 'apiVersion' | 'name' | 'nullField' | 'badReplicas' }
  | { kind: 'json'; on: 'deployment' | 'config'; op: 'replace' | 'add' | 'remove' | 'missing' | 'none' | 'test' }
  | { kind: 'delete'; on: 'deployment' | 'config' | 'outside' };

const patchSpec: fc.Arbitrary<PatchSpec> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('merge' as const), on: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('deployment' as const, 'config' as const) }, { weight: 1, arbitrary: fc.constantFrom('outside' as const, 'overlayObject' as const) }), fields: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('replicas' as const, 'labels' as const, 'nullField' as const) }, { weight: 1, arbitrary: fc.constantFrom('empty' as const, 'apiVersion' as const, 'name' as const, 'badReplicas' as const) }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('json' as const), on: fc.constantFrom('deployment' as const, 'config' as const), op: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('replace' as const, 'add' as const, 'remove' as const) }, { weight: 1, arbitrary: fc.constantFrom('missing' as const, 'none' as const, 'test' as const) }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), on: fc.constantFrom('deployment' as const, 'config' as const, 'outside' as const) }) },
);

const overlaySpec = fc.record({
  base: fc.oneof({ weight: 10, arbitrary: fc.constant('plain') }, { weight: 1, arbitrary: fc.constantFrom('noKustomization', 'otherRepo', 'overlay', 'self', 'containsOverlay', 'component') }),
  namespace: opt(fc.oneof({ weight: 6, arbitrary: fc.constantFrom('apps-prod', 'prod') }, { weight: 1, arbitrary: k8sName() }), 2),
  namePrefix: opt(fc.oneof({ weight: 6, arbitrary: fc.constantFrom('prod-', 'eu.') }, { weight: 1, arbitrary: fc.constantFrom('Prod-', 'a_b', 'x'.repeat(63)) }), 3),
  nameSuffix: opt(fc.oneof({ weight: 6, arbitrary: fc.constantFrom('-prod', '-v2') }, { weight: 1, arbitrary: oddString }), 3),
  labels: opt(fc.oneof({ weight: 5, arbitrary: stringMap(fc.constantFrom('env', 'platform.cdk8s.io/stage'), dnsLabel) }, { weight: 1, arbitrary: stringMap() }), 3),
  patches: fc.array(patchSpec, { maxLength: 3 }),
  images: fc.array(fc.record({
    name: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('nginx', 'ghcr.io/stefanprodan/podinfo') }, { weight: 1, arbitrary: fc.constantFrom('nginx:1.27', 'Nginx', '') }),
    newName: opt(fc.oneof({ weight: 6, arbitrary: fc.constantFrom('myregistry.azurecr.io/nginx', 'localhost:5000/nginx') }, { weight: 1, arbitrary: fc.constantFrom('https://x', 'A/b') }), 3),
    newTag: opt(fc.oneof({ weight: 6, arbitrary: fc.constantFrom('1.27.2', 'v6.7.0', 'latest') }, { weight: 1, arbitrary: fc.constantFrom('', '-x', 'a b', 't'.repeat(129)) }), 2),
    digest: opt(fc.constantFrom(`sha256:${'a'.repeat(64)}`, 'sha256:abc', `sha512:${'a'.repeat(128)}`), 5),
  }), { maxLength: 2 }),
  component: opt(fc.record({ patches: fc.array(patchSpec, { maxLength: 2 }), otherRepo: chance(10), twice: chance(10), object: chance(30) }), 3),
  overlayObject: chance(30),
});

export const GITOPS_TARGETS: FuzzTarget[] = [
  target({
    name: 'Overlay', family: 'gitops', arbitrary: overlaySpec,
    build: (ctx, s) => {
      const repo = ctx.repo;
      const base = repo.folder('platform/base', { namespace: 'apps', kustomization: s.base === 'noKustomization' ? false : undefined });
      const deployment = new ApiObject(base, 'web', {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
        spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27.1' }] } } },
      });
      const config = new ApiObject(base, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { level: 'info' } });
      const outside = new ApiObject(repo.folder('platform/other', { namespace: 'apps' }), 'other', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' }, data: { a: 'b' } });
      let overlayObject: ApiObject | undefined;
      const toPatch = (p: PatchSpec): KustomizePatch => {
        const on = p.on === 'deployment' ? deployment : p.on === 'config' ? config : p.on === 'outside' ? outside : (overlayObject ?? outside);
        if (p.kind === 'delete') return KustomizePatch.delete(on);
        if (p.kind === 'json') {
          const path = p.on === 'deployment' ? '/spec/replicas' : '/data/level';
          const value = p.on === 'deployment' ? 3 : 'debug';
          const ops = p.op === 'replace' ? [JsonPatch.replace(path, value)] : p.op === 'add' ? [JsonPatch.add(p.on === 'deployment' ? '/metadata/labels' : '/data/extra', p.on === 'deployment' ? { tier: 'web' } : 'x')]
            : p.op === 'remove' ? [JsonPatch.remove(path)] : p.op === 'missing' ? [JsonPatch.replace('/spec/nope/x', 1)] : p.op === 'test' ? [JsonPatch.test(path, 'other')] : [];
          return KustomizePatch.json6902(on, ...ops);
        }
        const fields = p.fields === 'replicas' ? (on === deployment ? { spec: { replicas: 3 } } : { data: { level: 'debug' } })
          : p.fields === 'labels' ? { metadata: { labels: { tier: 'web' } } } : p.fields === 'nullField' ? (on === deployment ? { spec: { replicas: null } } : { data: { level: null } })
            : p.fields === 'empty' ? {} : p.fields === 'apiVersion' ? { apiVersion: 'v2' } : p.fields === 'name' ? { metadata: { name: 'renamed' } } : { spec: { replicas: 'three' } };
        return KustomizePatch.strategicMerge(on, fields);
      };
      let component;
      if (s.component) {
        const c = s.component;
        component = (c.otherRepo ? new Repo(ctx.app, 'components', { url: 'https://github.com/contoso/components' }) : repo).component('platform/components/ha', { patches: c.patches.map(toPatch) });
        if (c.object) new ApiObject(component, 'pdb', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } });
      }
      const baseFolder = s.base === 'otherRepo' ? new Repo(ctx.app, 'elsewhere', { url: 'https://github.com/contoso/elsewhere' }).folder('base')
        : s.base === 'overlay' ? repo.overlay('platform/overlays/dev', { base })
          : s.base === 'component' ? repo.component('platform/components/x')
            : s.base === 'containsOverlay' ? repo.folder('platform')
              : base;
      const path = s.base === 'containsOverlay' ? 'platform/overlays/prod' : 'platform/overlays/prod';
      const overlay = repo.overlay(s.base === 'self' ? 'platform/base' : path, {
        base: baseFolder, namespace: s.namespace, namePrefix: s.namePrefix, nameSuffix: s.nameSuffix, labels: s.labels,
        images: s.images, components: component ? (s.component?.twice ? [component, component] : [component]) : undefined,
      });
      if (s.overlayObject) overlayObject = new ApiObject(overlay, 'extra', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra' }, data: { a: 'b' } });
      for (const p of s.patches) overlay.addPatch(toPatch(p));
    },
  }),
];

// A test of the platform: it synthesizes (which validates every object against the CRD schemas)
// and the Flux chain is what we expect. Run with `npm test`.
import { parse } from 'yaml';
import { buildPlatform } from './main';

test('the platform synthesizes and Flux applies apps after flux-system', () => {
  const files = buildPlatform().renderToMemory().get('platform')!;
  const apps = parse(files.get('clusters/mgmt/kustomization-apps.yaml')!);
  expect(apps.spec.path).toBe('./apps');
  expect(apps.spec.dependsOn).toEqual([{ name: 'flux-system' }]);
  expect(files.get('apps/kustomization.yaml')).toContain('namespace-hello.yaml');
});

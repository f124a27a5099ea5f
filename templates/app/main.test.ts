// A test of the platform with cdk8s-platform's Testing helper: the app renders in memory (which
// validates every object: schemas, CEL rules, references, apply order) and the Flux chain is what
// we expect. Run with `npm test`.
import { Testing } from 'cdk8s-platform';
import { buildPlatform } from './main';

test('the platform synthesizes and Flux applies apps after flux-system', () => {
  const app = buildPlatform(); // Testing renders in memory: nothing is written
  expect(Testing.synthProblems(app)).toEqual([]);

  const apps = Testing.find(app, 'Kustomization', 'apps', 'flux-system');
  expect(apps.spec.path).toBe('./apps');
  expect(apps.spec.dependsOn).toEqual([{ name: 'flux-system' }]);
  expect(Testing.find(app, 'ConfigMap', 'greeting', 'hello').data).toEqual({ message: 'hello' });
});

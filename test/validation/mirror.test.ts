// Tests that use the CRD mirror fail — loudly — when it is missing.
import { crdMirror } from './helpers';

test('a missing CRD mirror is a clear failure, not a silent pass', () => {
  expect(() => crdMirror({ CDK8S_PLATFORM_CRD_MIRROR: '/nonexistent/crds' })).toThrow(
    /CRD mirror not found at \/nonexistent\/crds .*set CDK8S_PLATFORM_CRD_MIRROR/,
  );
});

test('the CRD mirror is present', () => {
  expect(crdMirror()).toMatch(/crds$/);
});

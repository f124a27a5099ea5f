// The `init` scaffold's own test (templates/app/main.test.ts), run against the library sources:
// `cdk8s-platform` and `cdk8s-platform/flux` resolve to lib/ here, as they do to the installed
// package in a scaffolded app (test/newcomer/pack.test.ts runs it there).
jest.mock('cdk8s-platform', () => jest.requireActual('../../lib'), { virtual: true });
jest.mock('cdk8s-platform/flux', () => jest.requireActual('../../lib/flux'), { virtual: true });

// Registers the template's tests in this file.
require('../../templates/app/main.test');

// main.ts — a small platform: one Git repo holding the management cluster's Flux entry point (what
// `flux bootstrap` commits) and an apps folder that Flux applies after it. `npm run synth`
// validates everything (schemas, CEL rules, references) and writes dist/.
import { ApiObject } from 'cdk8s';
import { GitOpsApp, Repo } from 'cdk8s-platform';
import { FluxBootstrap, Kustomization } from 'cdk8s-platform/flux';

export function buildPlatform(outdir?: string): GitOpsApp {
  const app = new GitOpsApp({ outdir }); // default: $CDK8S_OUTDIR, else dist/
  const platform = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform', branch: 'main' });

  // clusters/mgmt is the cluster's entry folder; flux-system syncs it from the repo.
  const mgmt = platform.folder('clusters/mgmt', { namespace: 'flux-system' });
  const flux = new FluxBootstrap(platform.folder('clusters/mgmt/flux-system'), 'flux', { repo: platform, entry: mgmt });

  // apps: plain Kubernetes objects (any cdk8s construct works in a Folder) ...
  const apps = platform.folder('apps', { namespace: 'hello' });
  new ApiObject(apps, 'namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'hello' } });
  new ApiObject(apps, 'greeting', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'greeting' }, data: { message: 'hello' } });

  // ... applied by a Kustomization once flux-system is ready (path and source from the objects).
  Kustomization.forFolder(mgmt, 'apps', apps, { name: 'apps', source: flux.source, prune: true, dependsOn: [flux.sync] });
  return app;
}

if (require.main === module) {
  buildPlatform().synth(); // throws, writing nothing, if any object is invalid
}

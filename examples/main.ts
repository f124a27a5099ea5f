// The bundled example platform, synthesized by `npx cdk8s synth` (see cdk8s.yaml) into dist/.
import { GitOpsApp } from '../lib';
import { managementCluster } from './management-cluster/app';
import { platformGitops } from './platform-gitops/app';
import { referenceAppAso } from './reference-app/aso';
import { referenceAppCrossplane } from './reference-app/crossplane';
import { referenceAppKro } from './reference-app/kro';
import { crossplaneAks } from './crossplane-aks/app';
import { argocdPlatform } from './argocd-platform/app';
import { fleetTable } from './fleet-table/app';

export function buildExamples(outdir?: string): GitOpsApp {
  const app = new GitOpsApp({ outdir });
  managementCluster(app);
  platformGitops(app);
  referenceAppAso(app);
  referenceAppCrossplane(app);
  referenceAppKro(app);
  crossplaneAks(app);
  argocdPlatform(app);
  fleetTable(app);
  return app;
}

if (require.main === module) {
  buildExamples().synth();
}

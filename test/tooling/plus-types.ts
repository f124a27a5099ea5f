// Type-checked by `tsc --noEmit -p tsconfig.json` (not run): an app on cdk8s-plus-33 uses the
// library's cdk8s-plus-facing API (typed from cdk8s-plus-28) without casts.
import { App, Chart } from 'cdk8s';
import * as kplus33 from 'cdk8s-plus-33';
import { aso, ExistingSecret, ExportedValue, secretEnvValue, usePlus } from '../../lib';

export function appOnPlus33(): void {
  usePlus(kplus33);
  const chart = new Chart(new App(), 'chart');
  const deployment = new kplus33.Deployment(chart, 'web', { containers: [{ image: 'nginx' }] });
  const secret = ExistingSecret.fromName(chart, 'db', { name: 'db' });
  deployment.containers[0].env.addVariable('PASSWORD', secretEnvValue(chart, secret, 'password'));
  const value = new ExportedValue(() => ({ kind: 'ConfigMap', name: 'cfg', namespace: 'default', key: 'url' }));
  deployment.containers[0].env.addVariable('URL', value.envValue(chart));
  const sa = new kplus33.ServiceAccount(chart, 'sa');
  const options: Pick<aso.FederatedIdentityCredentialOptions, 'serviceAccount'> = { serviceAccount: sa };
  void options;
}

// The reference app's shared Flask frontend (also used by the Crossplane variant).
import * as kplus from 'cdk8s-plus-28';
import { flaskFrontend, FLASK_IMAGE, FLASK_PORT } from '../../examples/reference-app/flask';
import { Testing } from '../../lib/testing';
import { setup } from './fixtures';

describe('flaskFrontend', () => {
  test('explicit labels and selectors, ServiceAccount by name, no workload identity label when off', () => {
    const { app, folder } = setup('web');
    const out = flaskFrontend(folder, {
      name: 'files',
      namespace: 'web',
      serviceAccount: 'files-sa',
      env: { MODE: kplus.EnvValue.fromValue('prod') },
      replicas: 3,
      ingressClassName: 'nginx',
      workloadIdentity: false,
    });
    expect(out.deployment.name).toBe('files');
    const objs = Testing.objects(app);
    const labels = { 'app.kubernetes.io/name': 'files', 'app.kubernetes.io/component': 'frontend' };
    const dep = Testing.find(objs, 'Deployment', 'files');
    expect(dep.spec.replicas).toBe(3);
    expect(dep.spec.selector).toEqual({ matchLabels: labels });
    expect(dep.spec.template.metadata.labels).toEqual(labels);
    expect(dep.spec.template.spec.serviceAccountName).toBe('files-sa');
    expect(dep.spec.template.spec.containers[0]).toMatchObject({ image: FLASK_IMAGE, env: [{ name: 'MODE', value: 'prod' }], ports: [{ containerPort: FLASK_PORT, name: 'http' }] });
    const svc = Testing.find(objs, 'Service', 'files');
    expect(svc.spec.selector).toEqual(labels);
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: FLASK_PORT }]);
    const ing = Testing.find(objs, 'Ingress', 'files');
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.spec.rules).toEqual([{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'files', port: { number: 80 } } } }] } }]);
  });
});

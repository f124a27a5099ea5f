// Bad inputs a new user hits that only schema / name / reference validation catches (issue 14).
import { ApiObject } from 'cdk8s';
import { CorpusCase } from '../harness';

const REGISTER = 'Register its CRD (GitOpsApp prop "crds", cdk8s.yaml "imports", validate --crds) or accept it unvalidated with allowUnvalidated:';

/** A valid Deployment body (pod template) with `patch` applied to its container / spec. */
function deployment(name: string, opts: { spec?: Record<string, unknown>; container?: Record<string, unknown>; kind?: string; apiVersion?: string } = {}) {
  return {
    apiVersion: opts.apiVersion ?? 'apps/v1',
    kind: opts.kind ?? 'Deployment',
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'ghcr.io/contoso/app:1.0.0', ...(opts.container ?? {}) }] },
      },
      ...(opts.spec ?? {}),
    },
  };
}

export const VALIDATION_CASES: CorpusCase[] = [
  {
    id: 'validation-deployment-unknown-field', title: 'Deployment with spec.replica (typo of replicas)', category: 'names', stage: 'synth',
    path: 'platform/apps/web', prop: 'spec.replica', rule: 'unknown field "replica"',
    message: 'platform/apps/web: Deployment/apps/web: spec.replica: unknown field "replica"',
    build: (ctx) => new ApiObject(ctx.folder, 'web', deployment('web', { spec: { replica: 2 } })),
  },
  {
    id: 'validation-deployment-port-string', title: 'containerPort given as a string', category: 'counts', stage: 'synth',
    path: 'platform/apps/web', prop: 'spec.template.spec.containers[0].ports[0].containerPort', rule: 'must be of type integer, got string',
    message: 'platform/apps/web: Deployment/apps/web: spec.template.spec.containers[0].ports[0].containerPort: must be of type integer, got string',
    build: (ctx) => new ApiObject(ctx.folder, 'web', deployment('web', { container: { ports: [{ containerPort: '80' }] } })),
  },
  {
    id: 'validation-kind-typo', title: 'kind: Deploymnet', category: 'versions', stage: 'synth',
    path: 'platform/apps/web', prop: 'kind', rule: 'did you mean kind "Deployment"?',
    message: `platform/apps/web: Deploymnet/apps/web: kind: no schema for apps/v1 Deploymnet, so it cannot be validated (did you mean kind "Deployment"?). ${REGISTER} ["apps/Deploymnet"]`,
    build: (ctx) => new ApiObject(ctx.folder, 'web', deployment('web', { kind: 'Deploymnet' })),
  },
  {
    id: 'validation-apiversion-typo', title: 'apiVersion: apps/v2', category: 'versions', stage: 'synth',
    path: 'platform/apps/web', prop: 'apiVersion', rule: 'did you mean apiVersion "apps/v1"?',
    message: `platform/apps/web: Deployment/apps/web: apiVersion: no schema for apps/v2 Deployment, so it cannot be validated (did you mean apiVersion "apps/v1"?). ${REGISTER} ["apps/Deployment"]`,
    build: (ctx) => new ApiObject(ctx.folder, 'web', deployment('web', { apiVersion: 'apps/v2' })),
  },
  {
    id: 'validation-service-dns1035', title: 'Service named 1svc (Service names are DNS-1035 labels)', category: 'names', stage: 'synth',
    path: 'platform/apps/svc', prop: 'metadata.name', rule: 'must be a lowercase RFC 1035 label',
    message: 'platform/apps/svc: Service/apps/1svc: metadata.name: must be a lowercase RFC 1035 label: lowercase alphanumerics and \'-\', starting with a letter and ending with an alphanumeric (got "1svc")',
    build: (ctx) => new ApiObject(ctx.folder, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: '1svc' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } }),
  },
  {
    id: 'validation-generate-name-only', title: 'ConfigMap with only generateName', category: 'names', stage: 'synth',
    path: 'platform/apps/settings', prop: 'metadata.generateName', rule: 'generateName cannot be applied',
    message: 'platform/apps/settings: ConfigMap/apps/settings: metadata.generateName: generateName cannot be applied (Flux, Argo CD and server-side apply identify objects by name; ' +
      'the object is named "settings"): remove generateName and set metadata.name',
    build: (ctx) => new ApiObject(ctx.folder, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'settings-' }, data: { LOG_LEVEL: 'info' } }),
  },
  {
    id: 'validation-unbundled-prometheus', title: 'Prometheus CR: a kind the library does not bundle', category: 'versions', stage: 'synth',
    path: 'platform/apps/prometheus', prop: 'kind', rule: 'no schema for monitoring.coreos.com/v1 Prometheus',
    message: `platform/apps/prometheus: Prometheus/apps/main: kind: no schema for monitoring.coreos.com/v1 Prometheus, so it cannot be validated. ${REGISTER} ["monitoring.coreos.com/Prometheus"]`,
    build: (ctx) => new ApiObject(ctx.folder, 'prometheus', { apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', metadata: { name: 'main' }, spec: { replicas: 2 } }),
  },
  {
    id: 'validation-unbundled-capi-operator', title: 'CAPI operator CoreProvider: a kind the library does not bundle', category: 'versions', stage: 'synth',
    path: 'platform/apps/capi', prop: 'kind', rule: 'no schema for operator.cluster.x-k8s.io/v1alpha2 CoreProvider',
    message: `platform/apps/capi: CoreProvider/apps/cluster-api: kind: no schema for operator.cluster.x-k8s.io/v1alpha2 CoreProvider, so it cannot be validated. ${REGISTER} ["operator.cluster.x-k8s.io/CoreProvider"]`,
    build: (ctx) => new ApiObject(ctx.folder, 'capi', { apiVersion: 'operator.cluster.x-k8s.io/v1alpha2', kind: 'CoreProvider', metadata: { name: 'cluster-api' }, spec: { version: 'v1.14.0' } }),
  },
  {
    id: 'validation-env-secret-missing', title: 'env var reading a Secret nothing produces', category: 'missing-references', stage: 'synth',
    path: 'platform/apps/web', prop: 'spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name', rule: 'refers to Secret/apps/db-credentials, which is not an object of the app',
    message: 'platform/apps/web: Deployment/apps/web: spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name: refers to Secret/apps/db-credentials, which is not an object of the app; ' +
      'create it, export it from a controller (ASO operatorSpec, Crossplane connection secret, SealedSecret), declare an existing one with fromName(...), or mark the reference optional: true',
    build: (ctx) => new ApiObject(ctx.folder, 'web', deployment('web', { container: { env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } }] } })),
  },
  {
    id: 'validation-file-name-too-long', title: 'object name giving a file name over 255 bytes', category: 'paths', stage: 'synth',
    path: 'platform/apps/settings', prop: 'metadata.name', rule: 'over the 255-byte limit of file systems',
    message: `platform/apps/settings: ConfigMap/apps/${'a'.repeat(250)}: metadata.name: the file name would be 265 bytes ("configmap-${'a'.repeat(30)}…"), over the 255-byte limit of file systems; shorten metadata.name to at most 240 characters`,
    build: (ctx) => new ApiObject(ctx.folder, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a'.repeat(250) }, data: { LOG_LEVEL: 'info' } }),
  },
];

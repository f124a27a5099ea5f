// The reference app's web frontend: a Flask app (gunicorn on port 8000) behind a Service and an
// Ingress. Shared by the ASO variant (aso.ts) and the Crossplane variant of the reference app: the
// signature of `flaskFrontend` is stable (new props are optional).
import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/** The default image of the reference app's frontend. */
export const FLASK_IMAGE = 'ghcr.io/contoso/reference-app-flask:1.4.2';

/** Port the Flask app (gunicorn) listens on. */
export const FLASK_PORT = 8000;

/** Props of {@link flaskFrontend}. */
export interface FlaskFrontendProps {
  /** Name of the Deployment, Service and Ingress, and value of the `app.kubernetes.io/name` label. */
  readonly name: string;
  /** Namespace of the objects. */
  readonly namespace: string;
  /**
   * Container image.
   * @default FLASK_IMAGE
   */
  readonly image?: string;
  /** The ServiceAccount the pods run as (an object of the app, or the name of an existing one). */
  readonly serviceAccount: kplus.IServiceAccount | string;
  /**
   * Environment variables of the container (database host, storage endpoint, client ID, ...),
   * typically from `ExportedValue.envValue(...)`.
   */
  readonly env: Record<string, kplus.EnvValue>;
  /**
   * Host name of the Ingress rule.
   * @default - the rule matches every host
   */
  readonly host?: string;
  /**
   * Ingress class.
   * @default - the cluster's default IngressClass
   */
  readonly ingressClassName?: string;
  /**
   * Replicas.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Label the pods with `azure.workload.identity/use: "true"`, so the Azure Workload Identity
   * webhook projects a federated token for the ServiceAccount into them.
   * @default true
   */
  readonly workloadIdentity?: boolean;
}

/** What {@link flaskFrontend} creates. */
export interface FlaskFrontend {
  readonly deployment: kplus.Deployment;
  readonly service: kplus.Service;
  readonly ingress: kplus.Ingress;
}

/**
 * The Deployment + Service + Ingress of the Flask frontend. Pods are selected by explicit labels
 * (`app.kubernetes.io/name: <name>`), never by cdk8s-plus' construct-path hash labels, so
 * renaming a construct does not change the selector (which Kubernetes forbids on a Deployment).
 */
export function flaskFrontend(scope: Construct, props: FlaskFrontendProps): FlaskFrontend {
  const labels = { 'app.kubernetes.io/name': props.name, 'app.kubernetes.io/component': 'frontend' };
  const serviceAccount = typeof props.serviceAccount === 'string'
    ? kplus.ServiceAccount.fromServiceAccountName(scope, 'ServiceAccount', props.serviceAccount)
    : props.serviceAccount;

  const deployment = new kplus.Deployment(scope, 'Deployment', {
    metadata: { name: props.name, namespace: props.namespace, labels },
    select: false,
    replicas: props.replicas ?? 2,
    serviceAccount,
    automountServiceAccountToken: false,
    podMetadata: {
      labels: {
        ...labels,
        ...(props.workloadIdentity ?? true ? { 'azure.workload.identity/use': 'true' } : {}),
      },
    },
    containers: [{
      name: 'web',
      image: props.image ?? FLASK_IMAGE,
      ports: [{ number: FLASK_PORT, name: 'http' }],
      envVariables: props.env,
      securityContext: { user: 10001, group: 10001, ensureNonRoot: true, readOnlyRootFilesystem: true },
      resources: {
        cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
        memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
      },
      readiness: kplus.Probe.fromHttpGet('/healthz', { port: FLASK_PORT, periodSeconds: Duration.seconds(10) }),
      liveness: kplus.Probe.fromHttpGet('/healthz', { port: FLASK_PORT, periodSeconds: Duration.seconds(20) }),
      volumeMounts: [{ path: '/tmp', volume: kplus.Volume.fromEmptyDir(scope, 'Tmp', 'tmp') }],
    }],
  });
  deployment.select(kplus.LabelSelector.of({ labels }));
  // cdk8s-plus labels pod templates with their construct address (a hash): drop it, so renaming
  // the construct does not roll the pods.
  ApiObject.of(deployment).addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));

  const service = new kplus.Service(scope, 'Service', {
    metadata: { name: props.name, namespace: props.namespace, labels },
    ports: [{ port: 80, targetPort: FLASK_PORT, name: 'http' }],
  });
  for (const [k, v] of Object.entries(labels)) service.selectLabel(k, v);

  const ingress = new kplus.Ingress(scope, 'Ingress', {
    metadata: { name: props.name, namespace: props.namespace, labels },
    className: props.ingressClassName,
    rules: [{ host: props.host, path: '/', pathType: kplus.HttpIngressPathType.PREFIX, backend: kplus.IngressBackend.fromService(service) }],
  });
  return { deployment, service, ingress };
}

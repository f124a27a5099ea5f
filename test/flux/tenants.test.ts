// Tenants as real teams run them: the Service admission policy (emitted once, evaluated at synth),
// the team's Entra ID group, quota / limit range / default-deny network policy, and Secrets the
// tenant identity cannot read.
import { ApiObject } from 'cdk8s';
import { addProvided, declarePreinstalled, GitOpsApp, optOutsOf, Preinstalled, Repo } from '../../lib';
import { evaluateCelExpression } from '../../lib/core/validation/cel';
import {
  checkTenantService,
  DEFAULT_TENANT_QUOTA,
  SystemsSync,
  Tenant,
  TENANT_SECRET_VERBS,
  TENANT_SERVICE_VALIDATION,
  TenantServicePolicy,
  TenantGuardrailPolicy,
  tenantRoleRules,
  tenantServiceVariables,
} from '../../lib/flux';
import { fixture } from './helpers';
import { Testing } from '../../lib/testing';
import { SEALED_CIPHERTEXT } from '../support/ciphertext';

const GROUP = '5f1c8a9e-3b2d-4c6e-9f0a-1b2c3d4e5f60';
const P = 'platform/clusters/mgmt/';
const LABELS = { 'toolkit.fluxcd.io/tenant': 'team-a' };
const POD_SECURITY = { 'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted' };

/** A tenant `team-a` in the platform repo and the team's own repo (same URL) with a `deploy` folder. */
function teamFixture(tenantProps: Partial<ConstructorParameters<typeof Tenant>[2]> = {}) {
  const f = fixture({});
  const tenant = new Tenant(f.folder, 'team-a', { name: 'team-a', repository: { url: 'https://github.com/contoso/team-a' }, path: './deploy', ...tenantProps });
  const teamRepo = new Repo(f.app, 'team-a', { url: 'https://github.com/contoso/team-a.git' });
  const deploy = teamRepo.folder('deploy', { namespace: 'team-a' });
  return { ...f, tenant, teamRepo, deploy };
}

function service(scope: ApiObject['node']['scope'] & object, name: string, type?: string): ApiObject {
  return new ApiObject(scope as any, name, { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ...(type ? { type } : {}), ports: [{ port: 80 }] } });
}

describe('TenantServicePolicy', () => {
  test('a ValidatingAdmissionPolicy on Service create/update and a Deny binding selecting labelled namespaces', () => {
    const { app, folder } = fixture({});
    new TenantServicePolicy(folder, 'services');
    const out = Testing.render(app);
    expect(out[`${P}validatingadmissionpolicy-cdk8s-platform-tenant-services.yaml`][0]).toEqual({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: 'cdk8s-platform-tenant-services' },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['services'] }] },
        validations: [{
          expression: "!has(object.spec) || !has(object.spec.type) || !(object.spec.type in ['LoadBalancer', 'NodePort'])",
          message: 'Services of type LoadBalancer or NodePort are not allowed in tenant namespaces: use ClusterIP and expose it through the shared ingress controller',
          messageExpression: "'Service type ' + object.spec.type + ' is not allowed in tenant namespaces: use ClusterIP and expose it through the shared ingress controller'",
          reason: 'Forbidden',
        }, {
          expression: '!has(object.spec) || !has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0',
          message: 'Services with spec.externalIPs are not allowed in tenant namespaces: they take the traffic for those IPs on every node (CVE-2020-8554); use ClusterIP and expose it through the shared ingress controller',
          reason: 'Forbidden',
        }, {
          expression: "!has(object.spec) || !has(object.spec.type) || object.spec.type != 'ExternalName'",
          message: "Services of type ExternalName are not allowed in tenant namespaces: behind the shared ingress controller they reach other namespaces' Services (CVE-2021-25740); use ClusterIP",
          reason: 'Forbidden',
        }],
      },
    });
    expect(out[`${P}validatingadmissionpolicybinding-cdk8s-platform-tenant-services.yaml`][0]).toEqual({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: 'cdk8s-platform-tenant-services' },
      spec: {
        policyName: 'cdk8s-platform-tenant-services',
        validationActions: ['Deny'],
        matchResources: { namespaceSelector: { matchLabels: { 'platform.cdk8s.io/tenant-policy': 'restricted' } } },
      },
    });
  });

  test('the CEL expressions: LoadBalancer, NodePort, ExternalName and externalIPs refused; ClusterIP, no type and empty externalIPs allowed', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } };
    const check = (spec?: Record<string, unknown>) =>
      checkTenantService({ object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'a' }, ...(spec ? { spec } : {}) }, namespaceObject: ns, username: 'system:serviceaccount:a:a' });
    expect(check({ type: 'LoadBalancer' })).toBe('Service type LoadBalancer is not allowed in tenant namespaces: use ClusterIP and expose it through the shared ingress controller');
    expect(check({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })).toBe('Service type NodePort is not allowed in tenant namespaces: use ClusterIP and expose it through the shared ingress controller');
    expect(check({ type: 'ClusterIP', ports: [{ port: 80 }] })).toBeUndefined();
    // CVE-2021-25740: the shared ingress controller follows an ExternalName into other namespaces.
    expect(check({ type: 'ExternalName', externalName: 'web.team-b.svc.cluster.local' })).toBe(
      "Services of type ExternalName are not allowed in tenant namespaces: behind the shared ingress controller they reach other namespaces' Services (CVE-2021-25740); use ClusterIP",
    );
    // CVE-2020-8554: externalIPs take another IP's traffic on every node.
    expect(check({ type: 'ClusterIP', ports: [{ port: 80 }], externalIPs: ['10.0.0.10'] })).toBe(
      'Services with spec.externalIPs are not allowed in tenant namespaces: they take the traffic for those IPs on every node (CVE-2020-8554); use ClusterIP and expose it through the shared ingress controller',
    );
    expect(check({ type: 'ClusterIP', ports: [{ port: 80 }], externalIPs: [] })).toBeUndefined();
    expect(check({ ports: [{ port: 80 }] })).toBeUndefined();
    expect(check()).toBeUndefined();
  });

  test('synth binds object, oldObject (null), request, namespaceObject and params (null)', () => {
    const vars = tenantServiceVariables({
      object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'team-a' }, spec: { type: 'ClusterIP' } },
      namespaceObject: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { 'platform.cdk8s.io/tenant-policy': 'restricted' } } },
      username: 'system:serviceaccount:team-a:team-a',
    });
    const expr = [
      "request.operation == 'CREATE'",
      "request.kind.kind == 'Service'",
      "request.resource.resource == 'services'",
      "request.name == 'web'",
      "request.namespace == 'team-a'",
      "request.userInfo.username == 'system:serviceaccount:team-a:team-a'",
      'oldObject == null',
      'params == null',
      "namespaceObject.metadata.labels['platform.cdk8s.io/tenant-policy'] == 'restricted'",
      'object.spec.type == "ClusterIP"',
    ].join(' && ');
    expect(evaluateCelExpression(expr, vars)).toEqual({ value: true });
    // Not bound: `authorizer` (needs the cluster) and `variables` (the policy declares none).
    expect(evaluateCelExpression('authorizer', vars)).toEqual({ error: 'unresolved attribute' });
    expect(evaluateCelExpression('variables.x', vars)).toEqual({ error: 'unresolved attribute' });
    expect(evaluateCelExpression(TENANT_SERVICE_VALIDATION.expression, vars)).toEqual({ value: true });
  });
});

describe('Tenant guardrails', () => {
  test('defaults: labelled namespace, quota, limit range, default-deny network policy, the policy in the folder', () => {
    const { app, tenant } = teamFixture();
    const out = Testing.render(app);
    expect(out[`${P}namespace-team-a.yaml`][0].metadata.labels).toEqual({ ...LABELS, ...POD_SECURITY, 'platform.cdk8s.io/tenant-policy': 'restricted' });
    expect(out[`${P}resourcequota-team-a-quota.yaml`][0]).toEqual({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'team-a-quota', namespace: 'team-a', labels: LABELS },
      spec: {
        hard: {
          'requests.cpu': '4', 'requests.memory': '8Gi', 'limits.cpu': '8', 'limits.memory': '16Gi', 'pods': '50', 'services': '20',
          'services.loadbalancers': '0', 'services.nodeports': '0', 'persistentvolumeclaims': '10', 'requests.storage': '100Gi',
        },
      },
    });
    expect(out[`${P}limitrange-team-a-limits.yaml`][0]).toEqual({
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'team-a-limits', namespace: 'team-a', labels: LABELS },
      spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '100m', memory: '128Mi' }, default: { cpu: '500m', memory: '512Mi' }, max: { cpu: '2', memory: '4Gi' } }] },
    });
    expect(out[`${P}networkpolicy-team-a-default-deny.yaml`][0]).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'team-a-default-deny', namespace: 'team-a', labels: { ...LABELS, 'platform.cdk8s.io/guardrail': 'tenant' } },
      spec: {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [
          { to: [{ podSelector: {} }] },
          {
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
            ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
          },
        ],
      },
    });
    expect(out[`${P}validatingadmissionpolicy-cdk8s-platform-tenant-services.yaml`][0].spec.validations[0].expression).toBe(TENANT_SERVICE_VALIDATION.expression);
    expect(out[`${P}validatingadmissionpolicybinding-cdk8s-platform-tenant-services.yaml`][0].spec.validationActions).toEqual(['Deny']);
    expect(Object.keys(out).filter((f) => /rolebinding-team-a-(members|secrets)|role-team-a-secrets/.test(f))).toEqual([]);
    expect(optOutsOf(tenant)).toEqual([]);
  });

  test('overrides: quota merged over the defaults, limit range, ingress namespaces, extra egress, DNS selector', () => {
    const { app } = teamFixture({
      resourceQuota: { hard: { 'requests.cpu': '16', 'count/jobs.batch': '5' } },
      limitRange: { defaultRequest: { cpu: '50m', memory: '64Mi' }, defaultLimit: { cpu: '1', memory: '1Gi' }, max: { cpu: '4', memory: '8Gi' } },
      networkPolicy: {
        ingressFromNamespaces: ['ingress-nginx', 'monitoring'],
        egress: [{ to: [{ ipBlock: { cidr: '10.20.0.0/24' } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
        dnsNamespace: 'dns',
        dnsPodLabels: { 'app.kubernetes.io/name': 'coredns' },
      },
    });
    const out = Testing.render(app);
    expect(out[`${P}resourcequota-team-a-quota.yaml`][0].spec.hard).toEqual({ ...DEFAULT_TENANT_QUOTA, 'requests.cpu': '16', 'count/jobs.batch': '5' });
    expect(out[`${P}limitrange-team-a-limits.yaml`][0].spec.limits).toEqual([
      { type: 'Container', defaultRequest: { cpu: '50m', memory: '64Mi' }, default: { cpu: '1', memory: '1Gi' }, max: { cpu: '4', memory: '8Gi' } },
    ]);
    const np = out[`${P}networkpolicy-team-a-default-deny.yaml`][0].spec;
    expect(np.ingress).toEqual([{
      from: [
        { podSelector: {} },
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
      ],
    }]);
    expect(np.egress).toEqual([
      { to: [{ podSelector: {} }] },
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'coredns' } } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      },
      { to: [{ ipBlock: { cidr: '10.20.0.0/24' } }], ports: [{ protocol: 'TCP', port: 5432 }] },
    ]);
  });

  test('each piece can be switched off, recorded as an opt-out of the secure baseline', () => {
    const { app, tenant } = teamFixture({ resourceQuota: false, limitRange: false, networkPolicy: false, servicePolicy: false, podSecurity: 'privileged' });
    const out = Testing.render(app);
    expect(Object.values(out).flat().filter((o) => ['ResourceQuota', 'LimitRange', 'NetworkPolicy', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'].includes(o.kind))).toEqual([]);
    expect(out[`${P}namespace-team-a.yaml`][0].metadata.labels).toEqual({ ...LABELS, ...POD_SECURITY, 'pod-security.kubernetes.io/enforce': 'privileged' });
    expect(optOutsOf(tenant)).toEqual([
      { path: 'platform/clusters/mgmt/team-a', setting: 'tenant.servicePolicy', value: 'false', reason: 'LoadBalancer and NodePort Services are not refused in the namespace' },
      { path: 'platform/clusters/mgmt/team-a', setting: 'tenant.podSecurity', value: 'privileged', reason: 'the team can run privileged pods with the host\'s namespaces and filesystem' },
      { path: 'platform/clusters/mgmt/team-a', setting: 'tenant.resourceQuota', value: 'false', reason: undefined },
      { path: 'platform/clusters/mgmt/team-a', setting: 'tenant.limitRange', value: 'false', reason: undefined },
      { path: 'platform/clusters/mgmt/team-a', setting: 'tenant.networkPolicy', value: 'false', reason: undefined },
    ]);
    expect(app.secureBaselineReport().map((e) => e.setting)).toEqual(expect.arrayContaining(['tenant.servicePolicy', 'tenant.resourceQuota', 'tenant.limitRange', 'tenant.networkPolicy']));
  });

  test('network policy props are checked', () => {
    const { folder } = fixture({});
    const t = (name: string, networkPolicy: object) => () => new Tenant(folder, name, { name, repository: { url: 'https://e.com/x' }, networkPolicy });
    expect(t('a', { ingressFromNamespaces: ['Ingress'] })).toThrow(
      'platform/clusters--mgmt/a: prop "networkPolicy.ingressFromNamespaces[0]": "Ingress" is invalid: must be a DNS label (lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters)',
    );
    expect(t('b', { dnsPodLabels: {} })).toThrow(
      'platform/clusters--mgmt/b: prop "networkPolicy.dnsPodLabels": must select the DNS pods (an empty selector would allow port 53 to every pod of the DNS namespace)',
    );
  });
});

describe('ACME solvers and the Service policy', () => {
  const issuer = (scope: object, ingress: Record<string, unknown>) => (GitOpsApp.of(scope as any).addUnvalidatedKind('cert-manager.io/ClusterIssuer', "cert-manager's CRDs are not bundled"), new ApiObject(scope as any, 'letsencrypt', {
    apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'letsencrypt' },
    spec: { acme: { server: 'https://acme-v02.api.letsencrypt.org/directory', privateKeySecretRef: { name: 'k' }, solvers: [{ dns01: { azureDNS: {} } }, { http01: { ingress } }] } },
  }));

  test('a ClusterIssuer whose HTTP-01 solver makes a NodePort Service fails synth where tenants are refused NodePorts; ClusterIP passes', () => {
    const { app, folder } = teamFixture();
    issuer(folder, { ingressClassName: 'nginx' });
    expect(Testing.synthProblems(app)).toEqual([
      'platform/clusters--mgmt/TenantServicePolicy-cdk8s-platform-tenant-services: platform/clusters--mgmt/letsencrypt: ClusterIssuer/letsencrypt: spec.acme.solvers[1].http01.ingress.serviceType: unset, so cert-manager creates the HTTP-01 solver Service as a NodePort in the Certificate\'s namespace, ' +
        'which this ValidatingAdmissionPolicy ("cdk8s-platform-tenant-services") refuses in tenant namespaces, so a tenant\'s certificate never issues; set serviceType: ClusterIP',
    ]);
    const ok = teamFixture();
    issuer(ok.folder, { ingressClassName: 'nginx', serviceType: 'ClusterIP' });
    expect(Testing.synthProblems(ok.app)).toEqual([]);
    // Without the policy (servicePolicy off), nothing to refuse it.
    const off = teamFixture({ servicePolicy: false });
    issuer(off.folder, { ingressClassName: 'nginx' });
    expect(Testing.synthProblems(off.app)).toEqual([]);
  });
});

describe('Tenant Pod Security at synth', () => {
  const deployment = (scope: object, name: string, pod: Record<string, unknown>) =>
    new ApiObject(scope as any, name, {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
      spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: pod } },
    });
  const fix = 'change the pod spec, or set podSecurity on the tenant (platform/clusters--mgmt/team-a)';

  test('pod templates of the tenant\'s folders are checked against the enforced level: baseline by default', () => {
    const { app, deploy } = teamFixture();
    deployment(deploy, 'web', { containers: [{ name: 'web', image: 'nginx:1.27' }] });
    expect(Testing.synthProblems(app)).toEqual([]);
    deployment(deploy, 'node-shell', {
      hostPID: true,
      volumes: [{ name: 'root', hostPath: { path: '/' } }],
      containers: [{ name: 'sh', image: 'busybox:1.36', securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN', 'NET_BIND_SERVICE'] } }, ports: [{ containerPort: 22, hostPort: 2222 }] }],
    });
    const p = 'platform/clusters--mgmt/team-a: team-a/deploy/node-shell: Deployment/team-a/node-shell: spec.template.spec.';
    const tail = ': namespace "team-a" enforces Pod Security "baseline" (pod-security.kubernetes.io/enforce), so the Deployment applies with a warning, and its Pods are refused; ' + fix;
    expect(Testing.synthProblems(app)).toEqual([
      `${p}hostPID: sharing the host's namespaces is not allowed (baseline: Host Namespaces)${tail}`,
      `${p}volumes[0].hostPath: hostPath volumes are not allowed (baseline: HostPath Volumes)${tail}`,
      `${p}containers[0].securityContext.privileged: privileged containers are not allowed (baseline: Privileged Containers)${tail}`,
      `${p}containers[0].securityContext.capabilities.add[0]: adding capability SYS_ADMIN is not allowed (baseline: Capabilities)${tail}`,
      `${p}containers[0].ports[0].hostPort: host ports are not allowed (baseline: Host Ports)${tail}`,
    ]);
  });

  test('restricted also asks for non-root, no privilege escalation, seccomp and dropped capabilities; a Pod is refused on apply', () => {
    const { app, deploy } = teamFixture({ podSecurity: 'restricted', checkPermissions: false });
    new ApiObject(deploy, 'debug', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug' }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } });
    deployment(deploy, 'web', {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'web', image: 'nginx:1.27', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } }],
      volumes: [{ name: 'cache', emptyDir: {} }],
    });
    const p = 'platform/clusters--mgmt/team-a: team-a/deploy/debug: Pod/team-a/debug: spec.containers[0].securityContext.';
    const tail = ': namespace "team-a" enforces Pod Security "restricted" (pod-security.kubernetes.io/enforce), so the API server refuses the Pod, and the tenant\'s whole build with it; ' + fix;
    expect(Testing.synthProblems(app)).toEqual([
      `${p}allowPrivilegeEscalation: must be false (restricted: Privilege Escalation)${tail}`,
      `${p}runAsNonRoot: must be true, here or in spec.securityContext (restricted: Running as Non-root)${tail}`,
      `${p}seccompProfile.type: must be RuntimeDefault or Localhost, here or in spec.securityContext (restricted: Seccomp)${tail}`,
      `${p}capabilities.drop: must include ALL (restricted: Capabilities)${tail}`,
    ]);
    deploy.node.tryRemoveChild('debug');
    const out = Testing.render(app);
    expect(out[`${P}namespace-team-a.yaml`][0].metadata?.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('a CronJob\'s pod template is checked at its own path; podSecurity is checked', () => {
    const { app, deploy } = teamFixture();
    new ApiObject(deploy, 'backup', {
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'backup' },
      spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', hostNetwork: true, containers: [{ name: 'b', image: 'busybox:1.36' }] } } } } },
    });
    expect(Testing.synthProblems(app)).toEqual([
      'platform/clusters--mgmt/team-a: team-a/deploy/backup: CronJob/team-a/backup: spec.jobTemplate.spec.template.spec.hostNetwork: sharing the host\'s namespaces is not allowed (baseline: Host Namespaces): ' +
        'namespace "team-a" enforces Pod Security "baseline" (pod-security.kubernetes.io/enforce), so the CronJob applies with a warning, and its Pods are refused; ' + fix,
    ]);
    const { folder } = fixture({});
    expect(() => new Tenant(folder, 'x', { name: 'x', repository: { url: 'https://e.com/x' }, podSecurity: 'strict' as any })).toThrow(
      'platform/clusters--mgmt/x: prop "podSecurity": must be privileged, baseline or restricted (got "strict")',
    );
  });
});

describe('Tenant Services at synth', () => {
  const refusal = (type: string) =>
    `platform/clusters--mgmt/team-a: team-a/deploy/web: Service/team-a/web: spec.type: refused by ValidatingAdmissionPolicy "cdk8s-platform-tenant-services": Service type ${type} is not allowed in tenant namespaces: use ClusterIP and expose it through the shared ingress controller`;

  test('a LoadBalancer or NodePort Service in the folder the tenant applies fails synth; ClusterIP passes', () => {
    for (const type of ['LoadBalancer', 'NodePort']) {
      const { app, deploy } = teamFixture();
      service(deploy, 'web', type);
      expect(Testing.synthProblems(app)).toEqual([refusal(type)]);
    }
    const { app, deploy } = teamFixture();
    service(deploy, 'web', 'ClusterIP');
    service(deploy, 'api');
    expect(Testing.synthProblems(app)).toEqual([]);
  });

  test('a Service with externalIPs is refused naming that field', () => {
    const { app, deploy } = teamFixture();
    new ApiObject(deploy, 'web', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }], externalIPs: ['10.0.0.10'] } });
    expect(Testing.synthProblems(app)).toEqual([
      'platform/clusters--mgmt/team-a: team-a/deploy/web: Service/team-a/web: spec.externalIPs: refused by ValidatingAdmissionPolicy "cdk8s-platform-tenant-services": ' +
        'Services with spec.externalIPs are not allowed in tenant namespaces: they take the traffic for those IPs on every node (CVE-2020-8554); use ClusterIP and expose it through the shared ingress controller',
    ]);
  });

  test('sub-folders listed by the applied folder are checked; other folders and repos are not', () => {
    const { app, teamRepo, deploy } = teamFixture();
    void deploy;
    service(teamRepo.folder('deploy/edge', { namespace: 'team-a' }), 'web', 'LoadBalancer');
    service(teamRepo.folder('deploy-old', { namespace: 'team-a' }), 'legacy', 'LoadBalancer');
    const other = new Repo(app, 'other', { url: 'https://github.com/contoso/other' });
    service(other.folder('deploy', { namespace: 'team-a' }), 'lb', 'LoadBalancer');
    expect(Testing.synthProblems(app)).toEqual([refusal('LoadBalancer').replace('team-a/deploy/web', 'team-a/deploy--edge/web')]);
  });

  test('a sub-folder left out of the kustomization.yaml is not applied', () => {
    const f = fixture({});
    new Tenant(f.folder, 'team-a', { name: 'team-a', repository: { url: 'https://github.com/contoso/team-a' }, path: './deploy' });
    const teamRepo = new Repo(f.app, 'team-a', { url: 'https://github.com/contoso/team-a' });
    teamRepo.folder('deploy', { namespace: 'team-a', includeSubfolders: false });
    service(teamRepo.folder('deploy/edge', { namespace: 'team-a' }), 'web', 'LoadBalancer');
    expect(Testing.synthProblems(f.app)).toEqual([]);
  });

  test('path "./" with no root folder: every folder of the repo', () => {
    const { app, folder } = fixture({});
    new Tenant(folder, 'team-a', { name: 'team-a', repository: { url: 'https://github.com/contoso/team-a' } });
    const teamRepo = new Repo(app, 'team-a', { url: 'https://github.com/contoso/team-a' });
    service(teamRepo.folder('apps/web', { namespace: 'team-a' }), 'web', 'NodePort');
    expect(Testing.synthProblems(app)).toEqual([refusal('NodePort').replace('team-a/deploy/web', 'team-a/apps--web/web')]);
  });

  test('no check without the policy label, or when the repo is not in the app', () => {
    const off = teamFixture({ servicePolicy: false });
    service(off.deploy, 'web', 'LoadBalancer');
    expect(Testing.synthProblems(off.app)).toEqual([]);
    const { app, folder } = fixture({});
    new Tenant(folder, 'team-b', { name: 'team-b', repository: { url: 'https://github.com/contoso/team-b' } });
    expect(Testing.synthProblems(app)).toEqual([]);
  });

  test('SystemsSync: the policy once for every team, every team checked', () => {
    const { app, folder } = fixture({});
    const sync = new SystemsSync(folder, 'systems', {
      teams: ['a', 'b', 'c'].map((n) => ({ name: `team-${n}`, repository: { url: `https://github.com/contoso/team-${n}` } })),
    });
    expect(sync.servicePolicy?.name).toBe('cdk8s-platform-tenant-services');
    const b = new Repo(app, 'team-b', { url: 'https://github.com/contoso/team-b' });
    service(b.folder('apps', { namespace: 'team-b' }), 'web', 'LoadBalancer');
    expect(Testing.synthProblems(app)).toEqual([
      'platform/clusters--mgmt/systems/team-b: team-b/apps/web: Service/team-b/web: spec.type: refused by ValidatingAdmissionPolicy "cdk8s-platform-tenant-services": Service type LoadBalancer is not allowed in tenant namespaces: use ClusterIP and expose it through the shared ingress controller',
    ]);
    b.node.tryRemoveChild('apps');
    const out = Testing.render(app);
    expect(Object.values(out).flat().filter((o) => o.kind === 'ValidatingAdmissionPolicy').map((o) => o.metadata.name)).toEqual(['cdk8s-platform-tenant-guardrails', 'cdk8s-platform-tenant-services']);
    expect(Object.values(out).flat().filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding').map((o) => o.metadata.name)).toEqual(['cdk8s-platform-tenant-guardrails', 'cdk8s-platform-tenant-services']);
    expect(Object.values(out).flat().filter((o) => o.kind === 'ResourceQuota').map((o) => o.metadata.namespace)).toEqual(['team-a', 'team-b', 'team-c']);
    // A Tenant added to the same folder reuses the SystemsSync's policy and ClusterRole.
    new Tenant(folder, 'team-d', { name: 'team-d', repository: { url: 'https://github.com/contoso/team-d' } });
    expect(Testing.objects(app).filter((o) => ['ValidatingAdmissionPolicy', 'ClusterRole'].includes(o.kind)).map((o) => o.kind).sort()).toEqual(['ClusterRole', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicy']);
    const none = fixture({});
    new SystemsSync(none.folder, 'systems', { defineServicePolicy: false, defineGuardrailPolicy: false, teams: [{ name: 'x', repository: { url: 'https://e.com/x' } }] });
    expect(Testing.objects(none.app).filter((o) => o.kind === 'ValidatingAdmissionPolicy')).toEqual([]);
  });
});

describe('TenantGuardrailPolicy', () => {
  test("refuses updating or deleting a tenant's labelled default-deny to anyone but the platform, kube-system and system:masters", () => {
    const { app, folder } = fixture({});
    new TenantGuardrailPolicy(folder, 'guardrails', { platformNamespaces: ['flux-system', 'platform'] });
    const out = Testing.render(app);
    const policy = out[`${P}validatingadmissionpolicy-cdk8s-platform-tenant-guardrails.yaml`][0];
    expect(policy.spec.matchConstraints).toEqual({ resourceRules: [
      { apiGroups: ['networking.k8s.io'], apiVersions: ['v1'], operations: ['UPDATE', 'DELETE'], resources: ['networkpolicies'] },
      { apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE', 'DELETE'], resources: ['serviceaccounts'] },
      { apiGroups: ['bitnami.com'], apiVersions: ['v1alpha1'], operations: ['UPDATE', 'DELETE'], resources: ['sealedsecrets'] },
    ] });
    expect(out[`${P}validatingadmissionpolicybinding-cdk8s-platform-tenant-guardrails.yaml`][0].spec).toEqual({ policyName: 'cdk8s-platform-tenant-guardrails', validationActions: ['Deny'] });
    // The CEL as the API server evaluates it, for a DELETE (object null, oldObject the policy).
    const old = { metadata: { name: 'team-a-default-deny', namespace: 'team-a', labels: { 'toolkit.fluxcd.io/tenant': 'team-a', 'platform.cdk8s.io/guardrail': 'tenant' } } };
    const vars = (username: string, groups?: string[], oldObject: unknown = old) => ({ object: null, oldObject, params: null, request: { operation: 'DELETE', namespace: 'team-a', userInfo: { username, ...(groups ? { groups } : {}) } } });
    const value = (expression: string, v: ReturnType<typeof vars>) => {
      const r = evaluateCelExpression(expression, v);
      return 'error' in r ? r.error : r.value;
    };
    const matches = (v: ReturnType<typeof vars>) => value(policy.spec.matchConditions[0].expression, v);
    const allowed = (v: ReturnType<typeof vars>) => value(policy.spec.validations[0].expression, v);
    expect(matches(vars('x'))).toBe(true);
    expect(matches(vars('x', undefined, { metadata: { name: 'own', labels: { app: 'web' } } }))).toBe(false);
    expect(matches(vars('x', undefined, { metadata: { name: 'own' } }))).toBe(false);
    expect(allowed(vars('system:serviceaccount:team-a:team-a'))).toBe(false);
    expect(allowed(vars('alice@contoso.com', ['5f1c8a9e-3b2d-4c6e-9f0a-1b2c3d4e5f60']))).toBe(false);
    expect(allowed(vars('system:serviceaccount:flux-system:kustomize-controller'))).toBe(true);
    expect(allowed(vars('system:serviceaccount:platform:deployer'))).toBe(true);
    expect(allowed(vars('system:serviceaccount:kube-system:namespace-controller'))).toBe(true);
    expect(allowed(vars('admin', ['system:masters', 'system:authenticated']))).toBe(true);
    expect(policy.spec.validations[0].message).toBe(
      'this object is a guardrail the platform puts in tenant namespaces (label platform.cdk8s.io/guardrail: tenant): only the platform changes or deletes it, through its repo',
    );
    expect(Testing.errorOf(() => new TenantGuardrailPolicy(folder, 'none', { name: 'x', platformNamespaces: [] })))
      .toBe('platform/clusters--mgmt/none: prop "platformNamespaces": must name the namespace the platform applies the tenants from (its changes to the guardrails would be refused)');
  });

  test("the tenant's reconciler account and the platform's SealedSecrets of its credentials are labelled guardrails; the team's own SealedSecrets are not", () => {
    const { app, folder, deploy } = teamFixture({
      repository: { url: 'https://github.com/contoso/team-a', secretRef: 'git-credentials' },
      alert: { secretRef: 'msteams-webhook' },
    });
    const sealed = (scope: object, id: string, name: string) => new ApiObject(scope as any, id, {
      apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name, namespace: 'team-a' },
      spec: { encryptedData: { password: SEALED_CIPHERTEXT }, template: { metadata: { name, namespace: 'team-a' } } },
    });
    sealed(folder, 'git', 'git-credentials');
    sealed(folder, 'hook', 'msteams-webhook');
    sealed(folder, 'other', 'unrelated');
    sealed(deploy, 'own', 'msteams-webhook');
    declarePreinstalled(app, Preinstalled.SEALED_SECRETS);
    const out = Testing.render(app);
    const GUARD = { 'platform.cdk8s.io/guardrail': 'tenant' };
    expect(out[`${P}serviceaccount-team-a.yaml`][0].metadata.labels).toEqual({ ...LABELS, ...GUARD });
    expect(out[`${P}sealedsecret-git-credentials.yaml`][0].metadata.labels).toEqual(GUARD);
    expect(out[`${P}sealedsecret-msteams-webhook.yaml`][0].metadata.labels).toEqual(GUARD);
    expect(out[`${P}sealedsecret-unrelated.yaml`][0].metadata.labels).toBeUndefined();
    expect(out['team-a/deploy/sealedsecret-msteams-webhook.yaml'][0].metadata.labels).toBeUndefined();
  });
});

describe('Tenant Entra ID group', () => {
  test('the group bound to the tenant role in the namespace by object id', () => {
    const { app, tenant } = teamFixture({ entraGroupObjectId: GROUP });
    const out = Testing.render(app);
    expect(out[`${P}rolebinding-team-a-members.yaml`][0]).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'team-a-members', namespace: 'team-a', labels: LABELS, annotations: { 'kustomize.toolkit.fluxcd.io/force': 'enabled' } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cdk8s-platform-tenant' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: GROUP }],
    });
    expect(tenant.groupBinding).toBeDefined();
    expect(optOutsOf(tenant)).toEqual([]);
  });

  test('view is accepted as is; edit and admin read Secrets and are recorded as opt-outs', () => {
    const view = teamFixture({ entraGroupObjectId: GROUP, groupClusterRole: 'view' });
    expect(Testing.render(view.app)[`${P}rolebinding-team-a-members.yaml`][0].roleRef.name).toBe('view');
    expect(optOutsOf(view.tenant)).toEqual([]);
    const edit = teamFixture({ entraGroupObjectId: GROUP, groupClusterRole: 'edit' });
    expect(optOutsOf(edit.tenant)).toEqual([
      { path: 'platform/clusters/mgmt/team-a', setting: 'tenant.groupClusterRole', value: 'edit', reason: 'the team\'s people can read every Secret of the namespace' },
    ]);
    expect(Testing.synthProblems(edit.app)).toEqual([]);
  });

  test('errors', () => {
    const { folder } = fixture({});
    const t = (name: string, props: object) => () => new Tenant(folder, name, { name, repository: { url: 'https://e.com/x' }, ...props });
    expect(t('a', { entraGroupObjectId: 'team-a-devs' })).toThrow('platform/clusters--mgmt/a: prop "entraGroupObjectId": "team-a-devs" is invalid: must be an Entra ID object id: a lowercase GUID');
    expect(t('b', { entraGroupObjectId: GROUP.toUpperCase() })).toThrow(
      `platform/clusters--mgmt/b: prop "entraGroupObjectId": "${GROUP.toUpperCase()}" is invalid: must be an Entra ID object id: a lowercase GUID`,
    );
    expect(t('c', { groupClusterRole: 'view' })).toThrow('platform/clusters--mgmt/c: prop "groupClusterRole": is set without entraGroupObjectId (the group to bind)');
  });
});

describe('Tenant Secrets', () => {
  test('the default tenant role has no get/list/watch (no verb at all) on Secrets', () => {
    const secretRules = tenantRoleRules().filter((r) => r.apiGroups.includes('') && (r.resources.includes('secrets') || r.resources.includes('*')));
    expect(secretRules).toEqual([]);
    const { app } = teamFixture({ entraGroupObjectId: GROUP });
    const out = Testing.render(app);
    // Neither the reconciler nor the group gets any other role.
    expect(Object.values(out).flat().filter((o) => o.kind === 'Role')).toEqual([]);
    expect(Object.values(out).flat().filter((o) => o.kind === 'RoleBinding').map((o) => o.roleRef.name)).toEqual(['cdk8s-platform-tenant', 'cdk8s-platform-tenant']);
  });

  test('the tenant role reads the team\'s Flux objects (why a sync fails) but cannot write any', () => {
    const verbs = (group: string, resource: string) => tenantRoleRules().filter((r) => r.apiGroups.includes(group) && r.resources.includes(resource)).flatMap((r) => r.verbs);
    for (const [group, resource] of [['kustomize.toolkit.fluxcd.io', 'kustomizations'], ['source.toolkit.fluxcd.io', 'gitrepositories'], ['notification.toolkit.fluxcd.io', 'alerts'], ['notification.toolkit.fluxcd.io', 'providers'], ['helm.toolkit.fluxcd.io', 'helmreleases']]) {
      expect(verbs(group, resource)).toEqual(['get', 'list', 'watch']);
    }
  });

  test('the tenant role reads but cannot write its quota and limit range', () => {
    const can = (resource: string, verb: string) => tenantRoleRules().some((r) => r.apiGroups.includes('') && r.resources.includes(resource) && r.verbs.includes(verb));
    for (const resource of ['resourcequotas', 'limitranges']) {
      expect([can(resource, 'get'), can(resource, 'list'), can(resource, 'update'), can(resource, 'delete')]).toEqual([true, true, false, false]);
    }
  });

  test('a tenant source that is a GitRepository of an app Repo: that repo is checked', () => {
    const { app, folder } = fixture({});
    const teamRepo = new Repo(app, 'team-a', { url: 'https://github.com/contoso/team-a' });
    const { GitRepository } = require('../../lib/flux');
    const source = new GitRepository(folder, 'src', { name: 'team-a', namespace: 'team-a', repo: teamRepo });
    new Tenant(folder, 'team-a', { name: 'team-a', repository: source, path: './apps' });
    service(teamRepo.folder('apps', { namespace: 'team-a' }), 'web', 'NodePort');
    expect(Testing.synthProblems(app)).toEqual([
      'platform/clusters--mgmt/team-a: team-a/apps/web: Service/team-a/web: spec.type: refused by ValidatingAdmissionPolicy "cdk8s-platform-tenant-services": Service type NodePort is not allowed in tenant namespaces: use ClusterIP and expose it through the shared ingress controller',
    ]);
  });

  test('declared Secrets: a Role limited by resourceNames to what server-side apply needs, bound to the reconciler only', () => {
    const { app, deploy } = teamFixture({ secretNames: ['db', 'api-keys'], entraGroupObjectId: GROUP });
    new ApiObject(deploy, 'db', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, type: 'Opaque' });
    const out = Testing.render(app);
    expect(TENANT_SECRET_VERBS).toEqual(['get', 'create', 'update', 'patch', 'delete']);
    expect(out[`${P}role-team-a-secrets.yaml`][0]).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'team-a-secrets', namespace: 'team-a', labels: LABELS },
      rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['api-keys', 'db'], verbs: ['get', 'create', 'update', 'patch', 'delete'] }],
    });
    expect(out[`${P}rolebinding-team-a-secrets.yaml`][0]).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'team-a-secrets', namespace: 'team-a', labels: LABELS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'team-a-secrets' },
      subjects: [
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'gotk:team-a:reconciler' },
        { kind: 'ServiceAccount', name: 'team-a', namespace: 'team-a' },
      ],
    });
  });

  test('SOPS: the decryption key Secret is read by kustomize-controller itself, not declared', () => {
    const { app, folder } = teamFixture({ secretNames: ['db'], decryption: { provider: 'sops', secretRef: 'sops-age' } });
    addProvided(folder, { apiGroup: '', kind: 'Secret', name: 'sops-age', namespace: 'team-a' });
    const out = Testing.render(app);
    expect(out[`${P}kustomization-team-a.yaml`][0].spec.decryption).toEqual({ provider: 'sops', secretRef: { name: 'sops-age' } });
    expect(out[`${P}role-team-a-secrets.yaml`][0].rules[0].resourceNames).toEqual(['db']);
  });

  test('a Secret the tenant applies but did not declare fails synth', () => {
    const { app, deploy } = teamFixture({ secretNames: ['db'] });
    new ApiObject(deploy, 'cache', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cache' }, type: 'Opaque' });
    expect(Testing.synthProblems(app)).toEqual([
      'platform/clusters--mgmt/team-a: team-a/deploy/cache: Secret/team-a/cache: metadata.name: Flux applies the tenant\'s objects as ServiceAccount team-a/team-a, which may only write the Secrets named in "secretNames" (db); add "cache" to secretNames, or ship it as a SealedSecret',
    ]);
    const { folder } = fixture({});
    expect(() => new Tenant(folder, 'x', { name: 'x', repository: { url: 'https://e.com/x' }, secretNames: ['a', 'a'] })).toThrow('platform/clusters--mgmt/x: prop "secretNames": "a" is listed twice');
    expect(() => new Tenant(folder, 'y', { name: 'y', repository: { url: 'https://e.com/y' }, secretNames: ['A'] })).toThrow(
      'platform/clusters--mgmt/y: prop "secretNames[0]": "A" is invalid: must be a DNS subdomain (lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters)',
    );
  });

  test('an ASO credential in the tenant namespace fails synth unless allowed (an opt-out)', () => {
    const fix = 'any Pod of the tenant can mount it and act in Azure as its identity; keep ASO resources and their credential in a platform namespace (or use ASO\'s global credential in the operator namespace), or set allowAsoCredential on platform/clusters--mgmt/team-a';
    const { app, folder } = teamFixture();
    new ApiObject(folder, 'cred', { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 'aso-credential', namespace: 'team-a' }, spec: { encryptedData: { AZURE_CLIENT_ID: SEALED_CIPHERTEXT } } });
    new ApiObject(folder, 'rg', {
      apiVersion: 'resources.azure.com/v1api20200601',
      kind: 'ResourceGroup',
      metadata: { name: 'rg-team-a', namespace: 'team-a', annotations: { 'serviceoperator.azure.com/credential-from': 'team-a-sp' } },
      spec: { location: 'westeurope' },
    });
    expect(Testing.synthProblems(app).filter((p) => p.startsWith('platform/clusters--mgmt/team-a: '))).toEqual([
      `platform/clusters--mgmt/team-a: platform/clusters--mgmt/cred: SealedSecret/team-a/aso-credential: metadata.name: the namespace-scoped ASO credential is in tenant namespace "team-a": ${fix}`,
      `platform/clusters--mgmt/team-a: platform/clusters--mgmt/rg: ResourceGroup/team-a/rg-team-a: metadata.annotations["serviceoperator.azure.com/credential-from"]: uses the ASO credential Secret "team-a-sp" of tenant namespace "team-a": ${fix}`,
    ]);
    const allowed = teamFixture({ allowAsoCredential: true });
    new ApiObject(allowed.folder, 'cred', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'aso-credential', namespace: 'team-a' } });
    expect(Testing.synthProblems(allowed.app).filter((p) => p.startsWith('platform/clusters--mgmt/team-a: '))).toEqual([]);
    expect(optOutsOf(allowed.tenant).map((o) => o.setting)).toEqual(['tenant.allowAsoCredential']);
  });

  test('many tenants in one folder: one ClusterRole and one policy; each tenant sees the ASO credentials of its own namespace, also after the app changed', () => {
    const { app, folder } = fixture({});
    const tenants = Array.from({ length: 30 }, (_, i) => new Tenant(folder, `team-${i}`, { name: `team-${i}`, repository: { url: `https://github.com/contoso/team-${i}` } }));
    const kinds = folder.node.children.filter((c) => c instanceof ApiObject || c.constructor.name.startsWith('TenantClusterRole') || c.constructor.name.startsWith('TenantServicePolicy') || c.constructor.name.startsWith('TenantGuardrailPolicy')).map((c) => c.node.id);
    expect(kinds).toEqual(['TenantClusterRole-cdk8s-platform-tenant', 'TenantServicePolicy-cdk8s-platform-tenant-services', 'TenantGuardrailPolicy-cdk8s-platform-tenant-guardrails']);
    const cred = (i: number) => new ApiObject(folder, `cred-${i}`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'aso-credential', namespace: `team-${i}` } });
    const asoProblems = () => Testing.synthProblems(app).filter((p) => p.includes('namespace-scoped ASO credential')).map((p) => p.slice(0, p.indexOf(': metadata.name')));
    cred(3);
    cred(17);
    expect(asoProblems()).toEqual([
      'platform/clusters--mgmt/team-3: platform/clusters--mgmt/cred-3: Secret/team-3/aso-credential',
      'platform/clusters--mgmt/team-17: platform/clusters--mgmt/cred-17: Secret/team-17/aso-credential',
    ]);
    // What one synth's validations found is not kept for the next.
    cred(29);
    expect(asoProblems()).toHaveLength(3);
    expect(tenants).toHaveLength(30);
    // A ClusterRole taken out of the tree is emitted again by the next tenant.
    folder.node.tryRemoveChild('TenantClusterRole-cdk8s-platform-tenant');
    new Tenant(folder, 'team-30', { name: 'team-30', repository: { url: 'https://github.com/contoso/team-30' } });
    expect(folder.node.tryFindChild('TenantClusterRole-cdk8s-platform-tenant')).toBeDefined();
  });
});

describe("what the tenant's ServiceAccount may apply (kustomize-controller impersonates it: RBAC refuses the rest, in the dry-run too)", () => {
  const WHO = "Flux applies the tenant's objects as ServiceAccount team-a/team-a";
  const NOTHING = "nothing of the tenant's build applies (its dry-run fails); move it to a folder the platform applies";
  const GRANT = 'or grant it to the ServiceAccount (checkPermissions: false if it is granted outside the app)';
  const rbac = (scope: any, id: string, kind: string, body: Record<string, unknown>) => new ApiObject(scope, id, { apiVersion: 'rbac.authorization.k8s.io/v1', kind, ...body });

  test('cluster-scoped objects: RoleBindings grant nothing at the cluster scope, whatever their role', () => {
    for (const clusterRole of [undefined, 'admin']) {
      const { app, deploy } = teamFixture(clusterRole ? { clusterRole } : {});
      new ApiObject(deploy, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a-extra' } });
      rbac(deploy, 'cr', 'ClusterRole', { metadata: { name: 'team-a-reader' }, rules: [] });
      const role = clusterRole ?? 'cdk8s-platform-tenant';
      const bound = `its roles (ClusterRole "${role}") are bound by RoleBindings in namespace "team-a", which grant nothing at the cluster scope`;
      expect(Testing.synthProblems(app).filter((p) => p.includes(WHO))).toEqual([
        `platform/clusters--mgmt/team-a: team-a/deploy/ns: Namespace/team-a-extra: ${WHO}, and a Namespace is cluster-scoped: ${bound}: ${NOTHING}`,
        `platform/clusters--mgmt/team-a: team-a/deploy/cr: ClusterRole/team-a-reader: ${WHO}, and a ClusterRole is cluster-scoped: ${bound}: ${NOTHING}`,
      ]);
    }
  });

  test("namespaced objects are checked against the rules of the roles bound to it (create and patch, by the resource's plural)", () => {
    const { app, deploy } = teamFixture();
    new ApiObject(deploy, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: 'b' } });
    new ApiObject(deploy, 'np', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-web' }, spec: { podSelector: {} } });
    // Not granted by the default tenant role: RBAC objects (escalation) and Flux kinds.
    rbac(deploy, 'role', 'Role', { metadata: { name: 'extra' }, rules: [] });
    expect(Testing.synthProblems(app)).toEqual([
      `platform/clusters--mgmt/team-a: team-a/deploy/role: Role/team-a/extra: ${WHO}, whose roles in the app (ClusterRole "cdk8s-platform-tenant") do not allow create and patch on roles.rbac.authorization.k8s.io ` +
        `(server-side apply needs create and patch): ${NOTHING}, ${GRANT}`,
    ]);
  });

  test("more bindings of the app for the ServiceAccount count (a platform Role and RoleBinding, a ClusterRoleBinding); checkPermissions: false for grants outside the app", () => {
    const certificate = (deploy: any) => new ApiObject(deploy, 'cert', { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'web' }, spec: { secretName: 'web-tls', issuerRef: { name: 'letsencrypt' }, dnsNames: ['web.contoso.com'] } });
    const subject = { kind: 'ServiceAccount', name: 'team-a', namespace: 'team-a' };
    // Without the extra grant: refused.
    let f = teamFixture();
    certificate(f.deploy);
    expect(Testing.synthProblems(f.app).filter((p) => p.includes(WHO))).toEqual([
      `platform/clusters--mgmt/team-a: team-a/deploy/cert: Certificate/team-a/web: ${WHO}, whose roles in the app (ClusterRole "cdk8s-platform-tenant") do not allow create and patch on certificates.cert-manager.io ` +
        `(server-side apply needs create and patch): ${NOTHING}, ${GRANT}`,
    ]);
    // A platform Role bound to it in the tenant namespace: allowed.
    f = teamFixture();
    rbac(f.folder, 'certs', 'Role', { metadata: { name: 'team-a-certs', namespace: 'team-a' }, rules: [{ apiGroups: ['cert-manager.io'], resources: ['certificates'], verbs: ['get', 'create', 'patch', 'delete'] }] });
    rbac(f.folder, 'certs-binding', 'RoleBinding', { metadata: { name: 'team-a-certs', namespace: 'team-a' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'team-a-certs' }, subjects: [subject] });
    certificate(f.deploy);
    expect(Testing.synthProblems(f.app).filter((p) => p.includes(WHO))).toEqual([]);
    // A ClusterRoleBinding to a ClusterRole the app holds also grants cluster-scoped objects.
    f = teamFixture();
    rbac(f.folder, 'ns-creator', 'ClusterRole', { metadata: { name: 'ns-creator' }, rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['create', 'patch'] }] });
    rbac(f.folder, 'ns-creator-binding', 'ClusterRoleBinding', { metadata: { name: 'team-a-ns-creator' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'ns-creator' }, subjects: [subject] });
    new ApiObject(f.deploy, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a-extra' } });
    new ApiObject(f.deploy, 'pc', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'team-a-high' }, value: 1000 });
    expect(Testing.synthProblems(f.app).filter((p) => p.includes(WHO))).toEqual([
      `platform/clusters--mgmt/team-a: team-a/deploy/pc: PriorityClass/team-a-high: ${WHO}, and a PriorityClass is cluster-scoped: no ClusterRoleBinding of the app allows it create and patch on priorityclasses.scheduling.k8s.io: ${NOTHING}`,
    ]);
    // The tenant cannot grant itself anything: bindings in its own folders do not count (it would have to apply them).
    f = teamFixture();
    rbac(f.deploy, 'self', 'ClusterRoleBinding', { metadata: { name: 'team-a-self' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [subject] });
    certificate(f.deploy);
    expect(Testing.synthProblems(f.app).filter((p) => p.includes(WHO)).map((p) => p.split(': ')[2])).toEqual(['ClusterRoleBinding/team-a-self', 'Certificate/team-a/web']);
    // Nor do bindings of a folder naming another cluster (its own API server); a folder naming none
    // may be applied by any cluster's Kustomization, so its bindings count.
    for (const [cluster, refused] of [['other', ['Certificate/team-a/web']], [undefined, []]] as const) {
      const app = Testing.app();
      const platform = new Repo(app, 'platform', { url: 'https://github.com/contoso/platform' });
      new Tenant(platform.folder('clusters/mgmt', { cluster: 'mgmt' }), 'team-a', { name: 'team-a', repository: { url: 'https://github.com/contoso/team-a' }, path: './deploy' });
      const grants = platform.folder(cluster ? `clusters/${cluster}` : 'rbac', cluster ? { cluster } : {});
      rbac(grants, 'admin', 'ClusterRoleBinding', { metadata: { name: 'team-a-admin' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [subject] });
      certificate(new Repo(app, 'team-a', { url: 'https://github.com/contoso/team-a' }).folder('deploy', { namespace: 'team-a' }));
      expect([cluster, Testing.synthProblems(app).filter((p) => p.includes(WHO)).map((p) => p.split(': ')[2])]).toEqual([cluster, refused]);
    }
    // A Role only the tenant's own folder defines: it cannot create it, so a platform binding to it grants nothing.
    f = teamFixture();
    rbac(f.deploy, 'extra', 'Role', { metadata: { name: 'extra' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] });
    rbac(f.folder, 'extra-binding', 'RoleBinding', { metadata: { name: 'team-a-extra', namespace: 'team-a' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'extra' }, subjects: [subject] });
    certificate(f.deploy);
    expect(Testing.synthProblems(f.app).filter((p) => p.includes(WHO)).map((p) => p.split(': ')[2])).toEqual(['Role/team-a/extra', 'Certificate/team-a/web']);
    // Granted outside the app: turned off.
    f = teamFixture({ checkPermissions: false });
    certificate(f.deploy);
    expect(Testing.synthProblems(f.app).filter((p) => p.includes(WHO))).toEqual([]);
  });

  test("a ClusterRole of the admins' own: its rules, with resourceNames; kept outside the app or aggregated: namespaced objects unchecked", () => {
    const build = (role?: Record<string, unknown>) => {
      const { app, deploy, folder } = teamFixture({ clusterRole: 'team-deployer' });
      if (role) rbac(folder, 'role', 'ClusterRole', { metadata: { name: 'team-deployer' }, ...role });
      new ApiObject(deploy, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: 'b' } });
      new ApiObject(deploy, 'other', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' }, data: { a: 'b' } });
      return Testing.synthProblems(app).filter((p) => p.includes(WHO));
    };
    expect(build({ rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'], verbs: ['get', 'create', 'patch'] }] })).toEqual([
      `platform/clusters--mgmt/team-a: team-a/deploy/other: ConfigMap/team-a/other: ${WHO}, whose roles in the app (ClusterRole "team-deployer") do not allow create and patch on configmaps ` +
        `(server-side apply needs create and patch): ${NOTHING}, ${GRANT}`,
    ]);
    expect(build({ rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] })).toEqual([]);
    expect(build({ aggregationRule: { clusterRoleSelectors: [{ matchLabels: { team: 'deployer' } }] } })).toEqual([]);
    expect(build()).toEqual([]);
  });
});

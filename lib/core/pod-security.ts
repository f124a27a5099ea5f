/**
 * The Pod Security Standards (kubernetes.io/docs/concepts/security/pod-security-standards), as
 * Pod Security Admission enforces them on a namespace labelled
 * `pod-security.kubernetes.io/enforce: <level>` (version `latest`, Kubernetes 1.34): the checks of
 * `k8s.io/pod-security-admission/policy` (`check_*.go`), evaluated on a pod spec at synth.
 *
 * Hand-written: the admission plugin is Go, and no JavaScript package implements the standards.
 * Each check below names the control of the standard it implements.
 *
 * What the API server does with a violation: a Pod is refused; a workload (Deployment,
 * StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, ReplicationController) is admitted with a
 * warning only, and its controller then fails to create any Pod (`FailedCreate` events) — the
 * apply succeeds and nothing runs.
 */

import type { IConstruct } from 'constructs';
import { recordOptOut } from './baseline';
import { propError } from './errors';

/** A Pod Security Standards level. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** The namespace label Pod Security Admission enforces (refuses Pods). */
export const POD_SECURITY_ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';
/** The namespace label Pod Security Admission warns about (on apply). */
export const POD_SECURITY_WARN_LABEL = 'pod-security.kubernetes.io/warn';
/** The namespace label Pod Security Admission audits (in the API server's audit log). */
export const POD_SECURITY_AUDIT_LABEL = 'pod-security.kubernetes.io/audit';

/**
 * The Pod Security labels of a team's namespace (Flux `Tenant`, Argo CD `TeamProject`): `level`
 * enforced, `restricted` warned about and audited. Checks the level; `privileged` is recorded as an
 * opt-out of the secure baseline under `setting`.
 */
export function podSecurityNamespaceLabels(scope: IConstruct, setting: string, level: PodSecurityLevel): Record<string, string> {
  if (!['privileged', 'baseline', 'restricted'].includes(level)) throw propError(scope, 'podSecurity', `must be privileged, baseline or restricted (got "${String(level)}")`);
  if (level === 'privileged') recordOptOut(scope, setting, 'privileged', 'the team can run privileged pods with the host\'s namespaces and filesystem');
  return { [POD_SECURITY_AUDIT_LABEL]: 'restricted', [POD_SECURITY_ENFORCE_LABEL]: level, [POD_SECURITY_WARN_LABEL]: 'restricted' };
}

/** One violation: the field (relative to the object) and what the standard says. */
export interface PodSecurityViolation {
  readonly field: string;
  readonly message: string;
}

/** Capabilities baseline allows adding (policy `check_capabilities_baseline.go`). */
const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
/** Sysctls baseline allows (policy `check_sysctls.go`, latest). */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem',
]);
/** SELinux types baseline allows (policy `check_seLinuxOptions.go`). */
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
/** Volume types restricted allows (policy `check_restrictedVolumes.go`). */
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret']);

/**
 * Where a kind keeps its pod template: `spec` of a Pod, `spec.template` of the workloads,
 * `spec.jobTemplate.spec.template` of a CronJob; undefined for other kinds.
 */
export function podTemplatePath(apiVersion: string, kind: string): string | undefined {
  if (apiVersion === 'v1' && kind === 'Pod') return '';
  if (apiVersion === 'v1' && kind === 'ReplicationController') return 'spec.template';
  if (apiVersion === 'apps/v1' && ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(kind)) return 'spec.template';
  if (apiVersion === 'batch/v1' && kind === 'Job') return 'spec.template';
  if (apiVersion === 'batch/v1' && kind === 'CronJob') return 'spec.jobTemplate.spec.template';
  return undefined;
}

type Obj = Record<string, any>;

/**
 * The violations of `level` by the pod template of `object` (a rendered manifest of a kind
 * {@link podTemplatePath} knows; none for other kinds and for `privileged`), fields relative to
 * the object.
 */
export function podSecurityViolations(object: Obj, level: PodSecurityLevel): PodSecurityViolation[] {
  const at = podTemplatePath(String(object.apiVersion), String(object.kind));
  if (at === undefined || level === 'privileged') return [];
  let template: Obj | undefined = object;
  for (const k of at ? at.split('.') : []) template = template?.[k];
  if (!template || typeof template !== 'object') return [];
  const prefix = at ? `${at}.` : '';
  const out: PodSecurityViolation[] = [];
  const add = (field: string, message: string) => out.push({ field: `${prefix}${field}`, message });
  const spec: Obj = template.spec ?? {};
  const annotations: Obj = template.metadata?.annotations ?? {};
  const podSc: Obj = spec.securityContext ?? {};
  const containers: Array<{ c: Obj; field: string }> = [];
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    (Array.isArray(spec[list]) ? spec[list] : []).forEach((c: Obj, i: number) => containers.push({ c: c ?? {}, field: `spec.${list}[${i}]` }));
  }
  const windows = spec.os?.name === 'windows';

  // Baseline: HostProcess.
  if (podSc.windowsOptions?.hostProcess === true) add('spec.securityContext.windowsOptions.hostProcess', 'Windows HostProcess pods are not allowed (baseline: HostProcess)');
  // Baseline: host namespaces.
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[f] === true) add(`spec.${f}`, `sharing the host's namespaces is not allowed (baseline: Host Namespaces)`);
  // Baseline: hostPath volumes; restricted: volume types.
  (Array.isArray(spec.volumes) ? spec.volumes : []).forEach((v: Obj, i: number) => {
    if (v?.hostPath !== undefined) add(`spec.volumes[${i}].hostPath`, 'hostPath volumes are not allowed (baseline: HostPath Volumes)');
    else if (level === 'restricted') {
      const type = Object.keys(v ?? {}).find((k) => k !== 'name');
      if (type !== undefined && !RESTRICTED_VOLUMES.has(type)) add(`spec.volumes[${i}].${type}`, `volume type ${type} is not allowed (restricted: Volume Types allows ${[...RESTRICTED_VOLUMES].join(', ')})`);
    }
  });
  // Baseline: sysctls.
  (Array.isArray(podSc.sysctls) ? podSc.sysctls : []).forEach((s: Obj, i: number) => {
    if (!SAFE_SYSCTLS.has(String(s?.name))) add(`spec.securityContext.sysctls[${i}].name`, `sysctl ${s?.name} is not in the safe set (baseline: Sysctls)`);
  });
  // Baseline: AppArmor (annotations and fields), SELinux, seccomp, on the pod.
  for (const [k, v] of Object.entries(annotations)) {
    if (k.startsWith('container.apparmor.security.beta.kubernetes.io/') && v !== 'runtime/default' && !String(v).startsWith('localhost/')) {
      add(`metadata.annotations.${k}`, `AppArmor profile ${v} is not allowed (baseline: AppArmor allows runtime/default and localhost/*)`);
    }
  }
  const scChecks = (sc: Obj, field: string) => {
    const apparmor = sc.appArmorProfile?.type;
    if (apparmor !== undefined && apparmor !== 'RuntimeDefault' && apparmor !== 'Localhost') add(`${field}.appArmorProfile.type`, `AppArmor profile ${apparmor} is not allowed (baseline: AppArmor)`);
    const se = sc.seLinuxOptions;
    if (se) {
      if (se.type !== undefined && !SELINUX_TYPES.has(String(se.type))) add(`${field}.seLinuxOptions.type`, `SELinux type ${se.type} is not allowed (baseline: SELinux)`);
      for (const f of ['user', 'role']) if (se[f] !== undefined && se[f] !== '') add(`${field}.seLinuxOptions.${f}`, `setting the SELinux ${f} is not allowed (baseline: SELinux)`);
    }
    if (sc.seccompProfile?.type === 'Unconfined') add(`${field}.seccompProfile.type`, 'seccomp profile Unconfined is not allowed (baseline: Seccomp)');
  };
  scChecks(podSc, 'spec.securityContext');
  // Restricted, on the pod: runAsUser 0.
  if (level === 'restricted' && podSc.runAsUser === 0) add('spec.securityContext.runAsUser', 'running as user 0 (root) is not allowed (restricted: Running as Non-root user)');

  for (const { c, field } of containers) {
    const sc: Obj = c.securityContext ?? {};
    const scField = `${field}.securityContext`;
    if (sc.windowsOptions?.hostProcess === true) add(`${scField}.windowsOptions.hostProcess`, 'Windows HostProcess containers are not allowed (baseline: HostProcess)');
    if (sc.privileged === true) add(`${scField}.privileged`, 'privileged containers are not allowed (baseline: Privileged Containers)');
    const added: unknown[] = Array.isArray(sc.capabilities?.add) ? sc.capabilities.add : [];
    added.forEach((cap, i) => {
      if (level === 'restricted' ? cap !== 'NET_BIND_SERVICE' : !BASELINE_CAPABILITIES.has(String(cap))) {
        add(`${scField}.capabilities.add[${i}]`, level === 'restricted'
          ? `adding capability ${cap} is not allowed (restricted: Capabilities allows adding NET_BIND_SERVICE only)`
          : `adding capability ${cap} is not allowed (baseline: Capabilities)`);
      }
    });
    (Array.isArray(c.ports) ? c.ports : []).forEach((p: Obj, i: number) => {
      if (p?.hostPort !== undefined && p.hostPort !== 0) add(`${field}.ports[${i}].hostPort`, 'host ports are not allowed (baseline: Host Ports)');
    });
    if (sc.procMount !== undefined && sc.procMount !== 'Default') add(`${scField}.procMount`, `procMount ${sc.procMount} is not allowed (baseline: /proc Mount Type)`);
    scChecks(sc, scField);
    if (level !== 'restricted') continue;
    // Restricted, per container.
    if (!windows && sc.allowPrivilegeEscalation !== false) add(`${scField}.allowPrivilegeEscalation`, 'must be false (restricted: Privilege Escalation)');
    if (sc.runAsNonRoot === false || (sc.runAsNonRoot === undefined && podSc.runAsNonRoot !== true)) {
      add(`${scField}.runAsNonRoot`, 'must be true, here or in spec.securityContext (restricted: Running as Non-root)');
    }
    if (sc.runAsUser === 0) add(`${scField}.runAsUser`, 'running as user 0 (root) is not allowed (restricted: Running as Non-root user)');
    const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
    if (!windows && seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost' && seccomp !== 'Unconfined') {
      add(`${scField}.seccompProfile.type`, 'must be RuntimeDefault or Localhost, here or in spec.securityContext (restricted: Seccomp)');
    }
    const dropped: unknown[] = Array.isArray(sc.capabilities?.drop) ? sc.capabilities.drop : [];
    if (!windows && !dropped.includes('ALL')) add(`${scField}.capabilities.drop`, 'must include ALL (restricted: Capabilities)');
  }
  return out;
}

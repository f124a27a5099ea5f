import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  MachineHealthCheck as L1MachineHealthCheck,
  MachineHealthCheckSpecRemediationTriggerIfUnhealthyLessThanOrEqualTo,
} from '../../imports/capi/cluster.x-k8s.io';
import { wholeSeconds } from '../core/duration';
import { checkString, DNS_SUBDOMAIN, propError } from '../core/errors';
import { addReference } from '../core/references';
import { PlatformResource } from '../core/resource';
import { ICapiCluster } from './capi-cluster';
import { CLUSTER_NAME_LABEL } from './constants';

/** A Node condition that makes a machine unhealthy after a timeout. */
export interface UnhealthyNodeCondition {
  /** Condition type, e.g. `Ready`. */
  readonly type: string;
  /** Condition status: `True`, `False` or `Unknown`. */
  readonly status: 'True' | 'False' | 'Unknown';
  /** How long the condition must hold. */
  readonly timeout: Duration;
}

/** Props of a {@link MachineHealthCheck}. */
export interface MachineHealthCheckProps {
  /** The cluster whose machines are checked. */
  readonly cluster: ICapiCluster;
  /**
   * Name.
   * @default `<cluster>-mhc`
   */
  readonly name?: string;
  /**
   * Labels selecting the machines (e.g. `cluster.x-k8s.io/deployment-name`).
   * @default - every machine of the cluster (`cluster.x-k8s.io/cluster-name: <cluster>`)
   */
  readonly matchLabels?: Record<string, string>;
  /**
   * Node conditions that mark a machine unhealthy (1-100).
   * @default - Ready False or Unknown for 5 minutes
   */
  readonly unhealthyNodeConditions?: UnhealthyNodeCondition[];
  /**
   * How long a machine may take to join as a Node.
   * @default Duration.minutes(20)
   */
  readonly nodeStartupTimeout?: Duration;
  /**
   * Remediate only while at most this many machines are unhealthy (a number or a percentage such
   * as `40%`), so a network partition does not replace the whole pool.
   * @default '40%'
   */
  readonly maxUnhealthy?: number | string;
}

/**
 * A CAPI `MachineHealthCheck`: replaces machines whose Node stays unhealthy (v1beta2 `checks` and
 * `remediation.triggerIf`). For Machine-based pools (self-managed clusters); AKS heals its nodes itself.
 *
 * @example
 * // Replace machines whose Node is not Ready for 5 minutes, at most 40% of them at a time
 * new MachineHealthCheck(folder, 'health', {
 *   cluster: vm, maxUnhealthy: '40%', nodeStartupTimeout: Duration.minutes(15),
 * });
 */
export class MachineHealthCheck extends PlatformResource {
  /** The MachineHealthCheck. */
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: MachineHealthCheckProps) {
    super(scope, id);
    const name = checkString(this, 'name', props.name ?? `${props.cluster.clusterName}-mhc`, DNS_SUBDOMAIN);
    const conditions = props.unhealthyNodeConditions ?? [
      { type: 'Ready', status: 'False', timeout: Duration.minutes(5) },
      { type: 'Ready', status: 'Unknown', timeout: Duration.minutes(5) },
    ];
    if (!Array.isArray(conditions) || conditions.length === 0 || conditions.length > 100) {
      throw propError(this, 'unhealthyNodeConditions', 'must list 1 to 100 conditions (leave it out for the default: Ready False or Unknown for 5 minutes)');
    }
    conditions.forEach((c, i) => {
      checkString(this, `unhealthyNodeConditions[${i}].type`, c.type, { min: 1, description: 'a non-empty Node condition type such as "Ready"' });
      if (!['True', 'False', 'Unknown'].includes(c.status)) {
        throw propError(this, `unhealthyNodeConditions[${i}].status`, `"${c.status}" is invalid: must be "True", "False" or "Unknown"`);
      }
    });
    const max = props.maxUnhealthy ?? '40%';
    if (typeof max === 'number' ? !Number.isInteger(max) || max < 0 : !/^(100|[1-9]?[0-9])%$/.test(max)) {
      throw propError(this, 'maxUnhealthy', `"${max}" is invalid: must be a non-negative integer or a percentage from 0% to 100%`);
    }
    this.apiObject = new L1MachineHealthCheck(this, 'Resource', {
      metadata: { name, namespace: props.cluster.namespace },
      spec: {
        clusterName: props.cluster.clusterName,
        selector: { matchLabels: props.matchLabels ?? { [CLUSTER_NAME_LABEL]: props.cluster.clusterName } },
        checks: {
          nodeStartupTimeoutSeconds: wholeSeconds(this, 'nodeStartupTimeout', props.nodeStartupTimeout ?? Duration.minutes(20)),
          unhealthyNodeConditions: conditions.map((c, i) => ({ type: c.type, status: c.status, timeoutSeconds: wholeSeconds(this, `unhealthyNodeConditions[${i}].timeout`, c.timeout) })),
        },
        remediation: {
          triggerIf: {
            unhealthyLessThanOrEqualTo: typeof max === 'number'
              ? MachineHealthCheckSpecRemediationTriggerIfUnhealthyLessThanOrEqualTo.fromNumber(max)
              : MachineHealthCheckSpecRemediationTriggerIfUnhealthyLessThanOrEqualTo.fromString(max),
          },
        },
      },
    });
    addReference(this, 'cluster', props.cluster.toRef());
  }
}

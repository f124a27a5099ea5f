import { Construct, IConstruct } from 'constructs';
import { kplus } from './plus';
import { addReference, ObjectRef } from './references';

/** Where an {@link ExportedValue} is written: a key of a Secret or a ConfigMap. */
export interface ExportedValueLocation {
  /** `Secret` for sensitive values (keys, passwords, connection strings), else `ConfigMap`. */
  readonly kind: 'Secret' | 'ConfigMap';
  /** Name of the Secret or ConfigMap. */
  readonly name: string;
  /** Its namespace (the exporting object's). */
  readonly namespace: string;
  /** The key holding the value. */
  readonly key: string;
}

/**
 * A value a controller writes into a Secret or ConfigMap on the cluster: an ASO resource's
 * `operatorSpec.secrets` / `configMaps` export (server FQDN, storage keys, identity client ID),
 * a Crossplane composite's connection Secret, a CAPI cluster's kubeconfig. A handle is obtained
 * from the exporting construct (e.g. `server.exports.fqdn`) and consumed by workloads
 * ({@link envValue}) or by other constructs ({@link use}).
 *
 * Using a handle tells the exporting construct to switch the export on (so nothing is exported
 * that nobody reads) and records a reference from the consumer, which synth checks resolves.
 */
export class ExportedValue {
  public constructor(
    private readonly location: () => ExportedValueLocation,
    private readonly onUse: () => void = () => {},
  ) {}

  /** Where the value is written; switches the export on. */
  public use(consumer: IConstruct, prop: string): ExportedValueLocation {
    this.onUse();
    const loc = this.location();
    addReference(consumer, prop, () => this.ref());
    return loc;
  }

  /** The Secret/ConfigMap holding the value, as an {@link ObjectRef}. */
  public ref(): ObjectRef {
    const loc = this.location();
    return { apiGroup: '', kind: loc.kind, namespace: loc.namespace, name: loc.name };
  }

  /**
   * An environment variable value for a cdk8s-plus-28 container reading this value:
   * `container.env.addVariable('DB_HOST', server.exports.fqdn.envValue(deployment))`.
   * `consumer` is the workload (its folder decides the cluster the reference must resolve on).
   */
  public envValue(consumer: Construct, prop = 'env'): kplus.EnvValue {
    const loc = this.use(consumer, prop);
    const id = `Import-${loc.kind}-${loc.name}-${loc.key}`;
    const scope = consumer;
    if (loc.kind === 'Secret') {
      const existing = scope.node.tryFindChild(id) as kplus.ISecret | undefined;
      const secret = existing ?? kplus.Secret.fromSecretName(scope, id, loc.name);
      return kplus.EnvValue.fromSecretValue({ secret, key: loc.key });
    }
    const existing = scope.node.tryFindChild(id) as kplus.IConfigMap | undefined;
    const configMap = existing ?? kplus.ConfigMap.fromConfigMapName(scope, id, loc.name);
    return kplus.EnvValue.fromConfigMap(configMap, loc.key);
  }
}

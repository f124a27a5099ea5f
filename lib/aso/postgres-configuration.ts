import { Construct } from 'constructs';
import { FlexibleServersConfiguration } from '../../imports/aso/dbforpostgresql.azure.com';
import { checkString } from '../core/errors';
import { ASO_RECONCILE_POLICY_ANNOTATION } from '../core/removal-policy';
import { AsoResource, AsoResourceProps, IAsoResource } from './aso-resource';
import { AzureNames, childKubernetesName, NO_ARM_ID } from './naming';

/** Props of a {@link PostgresConfiguration}. */
export interface PostgresConfigurationProps extends Omit<AsoResourceProps, 'removalPolicy'> {
  /** The server (a construct in the same namespace). */
  readonly server: IAsoResource;
  /** Server parameter name, e.g. `pgaudit.log`, `azure.extensions`. */
  readonly name: string;
  /** Its value. */
  readonly value: string;
  /**
   * `metadata.name` of the ASO object.
   * @default - `<server kubernetes name>-<name>` (lowercased, `_` replaced by `-`)
   */
  readonly kubernetesName?: string;
}

/**
 * A server parameter of a PostgreSQL flexible server (ASO `FlexibleServersConfiguration`).
 *
 * Removal: a parameter cannot be deleted in Azure, only reset or deleted with its server, so the
 * object always carries ASO `reconcile-policy: detach-on-delete` (as ASO's sample does) and is
 * pruned by Flux normally; there is no `removalPolicy` prop.
 *
 * @example
 * // Through the server:
 * server.configuration('azure.extensions', 'PGCRYPTO,UUID-OSSP');
 * // or directly:
 * new PostgresConfiguration(server, 'pgaudit', { server, name: 'pgaudit.log', value: 'ddl' });
 */
export class PostgresConfiguration extends AsoResource {
  public readonly azureName: string;
  /** The ASO object. */
  public readonly apiObject: FlexibleServersConfiguration;

  public constructor(scope: Construct, id: string, props: PostgresConfigurationProps) {
    super(scope, id, props);
    this.azureName = checkString(this, 'name', props.name, AzureNames.postgresConfiguration);
    const owner = this.ownerOf('server', props.server, 'a PostgresFlexibleServer', NO_ARM_ID);
    this.apiObject = new FlexibleServersConfiguration(this, 'Resource', {
      metadata: { name: props.kubernetesName ?? childKubernetesName(props.server.name, this.azureName), namespace: this.namespace },
      spec: { azureName: this.azureName, owner, source: 'user-override', value: checkString(this, 'value', props.value, { min: 1, description: 'a non-empty string' }) },
    });
    this.bind(this.apiObject);
    this.apiObject.metadata.addAnnotation(ASO_RECONCILE_POLICY_ANNOTATION, 'detach-on-delete');
  }
}

import { Construct } from 'constructs';
import { FlexibleServersDatabase } from '../../imports/aso/dbforpostgresql.azure.com';
import { checkString, propError } from '../core/errors';
import { RemovalPolicy } from '../core/removal-policy';
import { AsoResource, AsoResourceProps, IAsoResource } from './aso-resource';
import { ARM_RESOURCE_ID, AzureNames, childKubernetesName } from './naming';

/** Options of a database added with `PostgresFlexibleServer.database()`. */
export interface PostgresDatabaseOptions extends AsoResourceProps {
  /**
   * Character set.
   * @default 'UTF8'
   */
  readonly charset?: string;
  /**
   * Collation.
   * @default 'en_US.utf8'
   */
  readonly collation?: string;
  /**
   * `metadata.name` of the ASO object.
   * @default - `<server kubernetes name>-<name>` (lowercased, `_` replaced by `-`)
   */
  readonly kubernetesName?: string;
  /**
   * Removal policy. A database holds the application's data, so it is retained by default like
   * its server (ASO detaches; Flux does not prune it).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Props of a {@link PostgresDatabase}. */
export interface PostgresDatabaseProps extends PostgresDatabaseOptions {
  /** The server (a construct in the same namespace) or its ARM resource ID. */
  readonly server: IAsoResource | string;
  /** Database name: 1-63 letters, digits and underscores, starting with a letter or underscore. */
  readonly name: string;
}

/**
 * A database of a PostgreSQL flexible server (ASO `FlexibleServersDatabase`).
 *
 * Removal: `RETAIN` by default (a database is stateful even though it is a child resource).
 *
 * @example
 * // Through the server (retained by default, like the server):
 * const files = server.database('files');
 * // or directly:
 * new PostgresDatabase(server, 'orders', { server, name: 'orders', collation: 'en_US.utf8' });
 */
export class PostgresDatabase extends AsoResource {
  public readonly azureName: string;
  /** The ASO object. */
  public readonly apiObject: FlexibleServersDatabase;

  public constructor(scope: Construct, id: string, props: PostgresDatabaseProps) {
    super(scope, id, props);
    this.azureName = checkString(this, 'name', props.name, AzureNames.postgresDatabase);
    if (['postgres', 'azure_maintenance', 'azure_sys', 'template0', 'template1'].includes(this.azureName)) {
      throw propError(this, 'name', `"${this.azureName}" is a system database`);
    }
    const owner = this.ownerOf('server', props.server, 'a PostgresFlexibleServer', ARM_RESOURCE_ID);
    const parent = typeof props.server === 'string' ? props.server.split('/').pop()!.toLowerCase() : props.server.name;
    this.apiObject = new FlexibleServersDatabase(this, 'Resource', {
      metadata: { name: props.kubernetesName ?? childKubernetesName(parent, this.azureName), namespace: this.namespace },
      spec: {
        azureName: this.azureName,
        owner,
        charset: checkString(this, 'charset', props.charset ?? 'UTF8', { pattern: /^[a-zA-Z]+\w*$/, description: 'a character set such as "UTF8"' }),
        collation: checkString(this, 'collation', props.collation ?? 'en_US.utf8', { pattern: /^[a-zA-Z-]+([. ]|\w)*$/, description: 'a collation such as "en_US.utf8"' }),
      },
    });
    this.bind(this.apiObject, props.removalPolicy ?? RemovalPolicy.RETAIN);
  }
}

import { RemovalPolicy } from '../core/removal-policy';
import { SynthError } from '../gitops/pipeline/types';
import { AksClusterClass } from './aks-cluster-class';
import { FleetClusterSpec } from './fleet';
import { TopologyMachinePool } from './topology-cluster';

/**
 * Parses CSV text (RFC 4180): comma-separated fields, records ended by CRLF or LF, fields in
 * double quotes may hold commas, line breaks and `""` (one quote). A final line break is
 * optional; a UTF-8 byte-order mark is dropped. Throws on a quote inside an unquoted field, text
 * after a closing quote, or an unterminated quoted field, naming the line.
 *
 * @example
 * parseCsv('name,location\nshop-1,westeurope\n'); // [['name', 'location'], ['shop-1', 'westeurope']]
 */
export function parseCsv(text: string): string[][] {
  return parseCsvLines(text).rows;
}

/** {@link parseCsv}, with the line each record starts on (1-based). */
function parseCsvLines(text: string, file = 'CSV'): { rows: string[][]; lines: number[] } {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: string[][] = [];
  const lines: number[] = [];
  let recordLine = 1;
  let row: string[] = [];
  let field = '';
  let line = 1;
  let i = 0;
  let quotedStart = 0;
  // state: 0 = start of field, 1 = unquoted field, 2 = inside quotes, 3 = after closing quote
  let state = 0;
  const endRecord = () => {
    row.push(field);
    rows.push(row);
    lines.push(recordLine);
    row = [];
    field = '';
    state = 0;
  };
  while (i < src.length) {
    const c = src[i];
    if (state === 2) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        state = 3;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      i++;
      continue;
    }
    if (c === ',') {
      row.push(field);
      field = '';
      state = 0;
    } else if (c === '\r' && src[i + 1] === '\n') {
      endRecord();
      recordLine = ++line;
      i++;
    } else if (c === '\n') {
      endRecord();
      recordLine = ++line;
    } else if (c === '"') {
      if (state !== 0) throw new Error(`${file} line ${line}: a quote inside an unquoted field; quote the whole field and write a quote as ""`);
      state = 2;
      quotedStart = line;
    } else {
      if (state === 3) throw new Error(`${file} line ${line}: text after the closing quote of a field`);
      state = 1;
      field += c;
    }
    i++;
  }
  if (state === 2) throw new Error(`${file} line ${quotedStart}: quoted field is not closed`);
  if (state !== 0 || field !== '' || row.length > 0) endRecord();
  return { rows, lines };
}

/**
 * The records of a CSV table with a header row, as objects keyed by the header's column names.
 * Blank records (empty or whitespace-only lines, lines of empty fields) are skipped; every record
 * must have as many fields as the header (error names the line).
 */
export function csvRecords(text: string): Array<Record<string, string>> {
  return csvRecordsWithLines(text).map((r) => r.record);
}

/** {@link csvRecords}, with the line each record starts on. */
function csvRecordsWithLines(text: string, file = 'CSV'): Array<{ record: Record<string, string>; line: number }> {
  const { rows, lines } = parseCsvLines(text, file);
  if (rows.length === 0) throw new Error(`${file}: no header row`);
  const header = rows[0].map((h) => h.trim());
  header.forEach((h, i) => {
    if (h === '') throw new Error(`${file} header: column ${i + 1} has no name`);
    if (header.indexOf(h) !== i) throw new Error(`${file} header: column "${h}" appears twice`);
  });
  const out: Array<{ record: Record<string, string>; line: number }> = [];
  rows.slice(1).forEach((r, i) => {
    // A blank record: an empty or whitespace-only line, or one of empty fields only (`,,,`).
    if (r.every((f) => f.trim() === '')) return;
    if (r.length !== header.length) throw new Error(`${file} line ${lines[i + 1]}: has ${r.length} fields, the header has ${header.length}`);
    out.push({ record: Object.fromEntries(header.map((h, j) => [h, r[j]])), line: lines[i + 1] });
  });
  return out;
}

/** Options of {@link fleetClustersFromCsv}. */
export interface FleetTableOptions {
  /**
   * The class the clusters use: `var.<name>` columns are converted to the type its variable
   * schema declares (number, integer, boolean; object and array cells are JSON).
   * @default - variable cells stay strings
   */
  readonly clusterClass?: AksClusterClass;
  /**
   * The table's file name, as messages name it (`fleet.csv line 12`): in the errors of bad cells,
   * and in the Fleet's errors about a row (each row's `source`).
   * @default 'CSV'
   */
  readonly file?: string;
}

const COLUMNS = [
  'name', 'environment', 'namespace', 'credentialFrom', 'subscriptionId', 'location', 'kubernetesVersion',
  'tier', 'shard', 'removalPolicy', 'labels', 'machinePools', 'nodePools',
];

/** The former name of the `credentialFrom` column, still read. */
const LEGACY_CREDENTIAL_COLUMN = 'credentialSecretName';

/**
 * Fleet rows from a CSV table (see {@link csvRecords}). Columns (all but `name` optional; an empty
 * cell inherits from the environment and fleet defaults): `name`, `environment`, `namespace`,
 * `credentialFrom` (the name of the ASO credential Secret; the former `credentialSecretName` column is
 * still read), `subscriptionId`, `location`, `kubernetesVersion`, `tier`, `shard`,
 * `removalPolicy` (`retain`, `destroy`), `labels` (`key=value;key=value`), `machinePools`
 * (`class:name:replicas;...`), `nodePools` (JSON: `{"worker":{"vmSize":"Standard_D8s_v5","maxCount":20}}`),
 * and `var.<name>` for ClusterClass variables. Unknown columns are
 * errors, naming the column; bad cells name the record and column.
 *
 * @example
 * const clusters = fleetClustersFromCsv(fs.readFileSync('fleet.csv', 'utf8'), { clusterClass: cls });
 * new Fleet(folder, 'fleet', { repo, clusterClass: cls, source, defaults, clusters });
 */
export function fleetClustersFromCsv(text: string, options: FleetTableOptions = {}): FleetClusterSpec[] {
  const file = options.file ?? 'CSV';
  const records = csvRecordsWithLines(text, file);
  if (records.length === 0) return [];
  const cols = Object.keys(records[0].record);
  if (cols.includes('credentialFrom') && cols.includes(LEGACY_CREDENTIAL_COLUMN)) {
    throw new Error(`${file} columns "credentialFrom" and "${LEGACY_CREDENTIAL_COLUMN}" are the same column: keep "credentialFrom"`);
  }
  for (const col of cols) {
    if (!COLUMNS.includes(col) && col !== LEGACY_CREDENTIAL_COLUMN && !col.startsWith('var.')) {
      throw new Error(`${file} column "${col}" is not a fleet column (${COLUMNS.join(', ')}, var.<variable>)`);
    }
  }
  const schemas = options.clusterClass?.variables ?? {};
  // Every bad cell at once, one line each (as the Fleet reports its bad rows).
  const problems: string[] = [];
  const specs = records.map(({ record: rec, line }) => {
    const source = `${file} line ${line}`;
    const where = (col: string) => `${source} (${rec.name || 'no name'}), column "${col}"`;
    return rowSpec(rec, source, where);
  });
  if (problems.length === 1) throw new Error(problems[0]);
  if (problems.length > 1) throw new SynthError(problems);
  return specs;

  function rowSpec(rec: Record<string, string>, source: string, where: (col: string) => string): FleetClusterSpec {
    // Each cell on its own: a bad one is a problem, and the row's other cells are still read.
    const attempt = <T>(f: () => T): T | undefined => {
      try {
        return f();
      } catch (e) {
        problems.push((e as Error).message);
        return undefined;
      }
    };
    const cell = (col: string): string | undefined => {
      const v = rec[col]?.trim();
      return v === undefined || v === '' ? undefined : v;
    };
    const variables: Record<string, unknown> = {};
    for (const col of Object.keys(rec)) {
      const v = cell(col);
      if (!col.startsWith('var.') || v === undefined) continue;
      const name = col.slice(4);
      attempt(() => (variables[name] = typed(v, (schemas[name]?.schema as { type?: string } | undefined)?.type, () => where(col), `the variable is an ${(schemas[name]?.schema as { type?: string } | undefined)?.type}`)));
    }
    const labels: Record<string, string> = {};
    for (const pair of (cell('labels') ?? '').split(';').filter((p) => p.trim() !== '')) {
      const at = pair.indexOf('=');
      if (at <= 0) attempt(() => { throw new Error(`${where('labels')}: ${quoted(pair)} is not key=value`); });
      else labels[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
    }
    const pools = attempt(() => cell('machinePools')?.split(';').filter((p) => p.trim() !== '').map((p): TopologyMachinePool => {
      const [cls, name, replicas, ...rest] = p.split(':').map((s) => s.trim());
      if (!cls || !name || rest.length > 0 || (replicas !== undefined && !/^\d+$/.test(replicas))) {
        throw new Error(`${where('machinePools')}: ${quoted(p)} is not class:name[:replicas]`);
      }
      return { class: cls, name, ...(replicas !== undefined ? { replicas: Number(replicas) } : {}) };
    }));
    let policy = cell('removalPolicy');
    if (policy !== undefined && !(Object.values(RemovalPolicy) as string[]).includes(policy)) {
      const bad = policy;
      policy = undefined;
      attempt(() => { throw new Error(`${where('removalPolicy')}: ${quoted(bad)} is not one of ${Object.values(RemovalPolicy).join(', ')}`); });
    }
    const spec: Record<string, unknown> = {
      name: rec.name ?? '',
      environment: cell('environment'),
      namespace: cell('namespace'),
      credentialFrom: cell('credentialFrom') ?? cell(LEGACY_CREDENTIAL_COLUMN),
      subscriptionId: cell('subscriptionId'),
      location: cell('location'),
      kubernetesVersion: cell('kubernetesVersion'),
      tier: cell('tier'),
      shard: cell('shard'),
      removalPolicy: policy as RemovalPolicy | undefined,
      labels: Object.keys(labels).length > 0 ? labels : undefined,
      machinePools: pools,
      nodePools: cell('nodePools') !== undefined ? attempt(() => typed(cell('nodePools')!, 'object', () => where('nodePools'), 'node pool settings by pool, e.g. {"worker":{"vmSize":"Standard_D8s_v5"}}')) : undefined,
      variables: Object.keys(variables).length > 0 ? variables : undefined,
      source,
    };
    for (const k of Object.keys(spec)) if (spec[k] === undefined) delete spec[k];
    return spec as unknown as FleetClusterSpec;
  }
}

/** A cell's value as messages show it: in quotes, as JSON (one line, also for a cell with line breaks). */
function quoted(value: string): string {
  return JSON.stringify(value);
}

/** A cell converted to a schema type; `what` says what an object or array cell holds. */
function typed(value: string, type: string | undefined, where: () => string, what: string): unknown {
  switch (type) {
    case 'integer':
    case 'number': {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new Error(`${where()}: ${quoted(value)} is not a number`);
      return n;
    }
    case 'boolean':
      if (value !== 'true' && value !== 'false') throw new Error(`${where()}: ${quoted(value)} is not true or false`);
      return value === 'true';
    case 'object':
    case 'array':
      try {
        return JSON.parse(value);
      } catch {
        throw new Error(`${where()}: ${quoted(value)} is not JSON (${what})`);
      }
    default:
      return value;
  }
}

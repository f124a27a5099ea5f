/** An object to validate. */
export interface ValidationInput {
  /** The manifest object (plain JSON: what cdk8s synthesizes or YAML parses to). */
  readonly obj: unknown;
  /** Construct path (library use). Takes precedence over file/docIndex. */
  readonly path?: string;
  /** File the object was read from (CLI use); the source then reads `<file>#<docIndex>`. */
  readonly file?: string;
  /** 0-based index of the YAML document in `file`. */
  readonly docIndex?: number;
}

/**
 * One problem. `message` is the formatted line:
 * `<source>: <object>: <field>: <reason>` where
 *  - source = construct path, or `<file>#<docIndex>` (docIndex 0-based), or `#<input index>`;
 *  - object = `<Kind>/<namespace>/<name>` for objects that carry a namespace, `<Kind>/<name>` otherwise
 *    (cluster-scoped kinds, or namespaced objects without metadata.namespace);
 *  - field = path inside the object (`spec.topology.version`, `spec.resources[0].spec.location`,
 *    `metadata.labels["app.kubernetes.io/name"]`), `<root>` for the object itself.
 */
export interface ValidationIssue {
  readonly source: string;
  readonly object: string;
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  /** Field path; '' means the object root. */
  readonly field: string;
  readonly reason: string;
  /** The CEL rule, for CEL findings. */
  readonly rule?: string;
  /** The CEL rule's `reason` (FieldValueInvalid, FieldValueForbidden, FieldValueRequired, FieldValueDuplicate). */
  readonly celReason?: string;
  readonly message: string;
}

/** Formats issues one per line (already-sorted order is kept). */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => i.message).join('\n');
}

/** Thrown by `Validator.assertValid`: carries every issue; the message is all issue lines. */
export class ValidationError extends Error {
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[]) {
    super(formatIssues(issues));
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

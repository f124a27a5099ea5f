import { IConstruct } from 'constructs';
import { labelProblems } from './validation/metadata';

/**
 * An invalid prop, found when a construct is created (or in a late validation). The message
 * always has the form `<construct path>: prop "<prop>": <rule>`, so a user can find the line of
 * their app that caused it.
 */
export class PropError extends Error {
  public constructor(
    /** Path of the construct the prop was given to. */
    public readonly constructPath: string,
    /** The prop, with a dotted path for nested props (`nodePools[1].name`). */
    public readonly prop: string,
    /** What is wrong, and how to fix it. */
    public readonly rule: string,
  ) {
    super(`${constructPath}: prop "${prop}": ${rule}`);
    this.name = 'PropError';
  }
}

/** Builds a {@link PropError} for `scope` (with its construct path). */
export function propError(scope: IConstruct, prop: string, rule: string): PropError {
  return new PropError(scope.node.path, prop, rule);
}

/** Rules for a string prop, checked by {@link checkString}. */
export interface StringRule {
  /** Minimum length. @default 0 */
  readonly min?: number;
  /** Maximum length. @default - no limit */
  readonly max?: number;
  /** Pattern the whole value must match. @default - any */
  readonly pattern?: RegExp;
  /** The rule in words, used in the message (e.g. "3-24 lowercase letters and digits"). */
  readonly description: string;
}

/** Throws a {@link PropError} unless `value` satisfies `rule`. Returns the value. */
export function checkString(scope: IConstruct, prop: string, value: string, rule: StringRule): string {
  if (typeof value !== 'string') throw propError(scope, prop, `must be a string (${rule.description})`);
  const ok = value.length >= (rule.min ?? 0) && (rule.max === undefined || value.length <= rule.max) && (!rule.pattern || rule.pattern.test(value));
  if (!ok) throw propError(scope, prop, `"${value}" is invalid: must be ${rule.description}`);
  return value;
}

/** A Kubernetes object name (RFC 1123 subdomain: lowercase alphanumerics, '-' and '.', at most 253). */
export const DNS_SUBDOMAIN: StringRule = {
  max: 253,
  pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
  description: 'a DNS subdomain (lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters)',
};

/** A Kubernetes namespace or label-like name (RFC 1123 label, at most 63). */
export const DNS_LABEL: StringRule = {
  max: 63,
  pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
  description: 'a DNS label (lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters)',
};

/** Checks that an optional count prop is an integer from 1 to `max` (throws a {@link propError} otherwise). */
export function checkCount(scope: IConstruct, prop: string, value: number | undefined, max: number): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > max)) throw propError(scope, prop, `${value} is invalid: must be an integer from 1 to ${max}`);
  return value;
}

/**
 * Throws a {@link PropError} for the first invalid label of `labels` (keys are qualified names,
 * values at most 63 alphanumerics, '-', '_' or '.'), naming the prop and key (`labels.team`).
 * Returns the labels.
 */
export function checkLabels<T extends Record<string, string> | undefined>(scope: IConstruct, prop: string, labels: T): T {
  const [first] = labelProblems(labels, prop);
  // Odd keys come back as labels["a b"]: single quotes keep the prop readable inside the message.
  if (first) throw propError(scope, first.field.replace(/"/g, "'"), first.reason);
  return labels;
}

// --- Construct paths as the user wrote them ------------------------------------------------------
// Construct ids cannot hold `/` (constructs turns it into `--`), so the folder `clusters/mgmt`
// has the id `clusters--mgmt`. The id cannot change (cdk8s derives names and the cdk8s-plus
// selector label `cdk8s.io/metadata.addr` from construct paths), so messages show the path as
// written instead: `platform/clusters/mgmt/db`, not `platform/clusters--mgmt/db`.

const SHOWN_IDS = new WeakMap<IConstruct, string>();
/** Raw construct path → path as shown, of every construct registered with {@link showConstructAs}. */
const SHOWN_PATHS = new Map<string, string>();

/**
 * Makes messages show `construct`'s id as `shown` (e.g. a folder's path `clusters/mgmt` for the
 * id `clusters--mgmt`): in {@link displayPath} and {@link displayConstructPaths}.
 */
export function showConstructAs(construct: IConstruct, shown: string): void {
  SHOWN_IDS.set(construct, shown);
  SHOWN_PATHS.set(construct.node.path, displayPath(construct));
}

/** The construct path of `construct` as the user wrote it (folders as `clusters/mgmt/aks-dev`). */
export function displayPath(construct: IConstruct): string {
  return construct.node.scopes
    .filter((c) => c.node.id !== '')
    .map((c) => SHOWN_IDS.get(c) ?? c.node.id)
    .join('/');
}

/**
 * The message of constructs' duplicate-id error (`There is already a Construct with name 'cm' in
 * Folder [clusters--mgmt]`: its scope's class and id only) as a user error: the scope's path as
 * written, when one registered construct has that id (a folder: `platform/clusters/mgmt`), and the
 * fix. Undefined for other messages.
 */
export function duplicateIdMessage(message: string): string | undefined {
  const m = /^There is already a Construct with name '([^']*)' in (\S+)(?: \[([^\]]*)\])?$/.exec(message.trim());
  if (!m) return undefined;
  const [, id, type, scopeId] = m;
  let scope = scopeId === undefined ? `the ${type}` : `${type} ${scopeId}`;
  if (scopeId !== undefined) {
    const shown = [...SHOWN_PATHS].filter(([raw]) => raw === scopeId || raw.endsWith(`/${scopeId}`)).map(([, display]) => display);
    if (shown.length === 1) scope = shown[0];
  }
  return `${scope}: already holds a construct with id "${id}"; give each construct in one scope its own id`;
}

/**
 * `text` with every construct path of a registered construct (see {@link showConstructAs})
 * rewritten as the user wrote it: `platform/clusters--mgmt/db: ...` → `platform/clusters/mgmt/db: ...`.
 * For printing messages built from `node.path`.
 */
export function displayConstructPaths(text: string): string {
  if (SHOWN_PATHS.size === 0 || !text.includes('--')) return text;
  return text.replace(/[^\s"'`()[\]{},:]*--[^\s"'`()[\]{},:]*/g, (token) => {
    const parts = token.split('/');
    for (let i = parts.length; i > 0; i--) {
      const shown = SHOWN_PATHS.get(parts.slice(0, i).join('/'));
      if (shown !== undefined) return [shown, ...parts.slice(i)].join('/');
    }
    return token;
  });
}

import { IConstruct } from 'constructs';
import { displayPath } from './errors';

/** A secure default a construct was told to turn off. */
export interface OptOut {
  /** Construct path. */
  readonly path: string;
  /** The setting, e.g. `storage.allowSharedKeyAccess` or `aks.disableLocalAccounts`. */
  readonly setting: string;
  /** The value used instead of the secure default, in words. */
  readonly value: string;
  /** Why (from {@link justifyOptOut} or the construct's props). */
  readonly reason?: string;
}

interface BaselineState {
  readonly optOuts: Array<Omit<OptOut, 'path'>>;
  readonly reasons: Map<string, string>;
}

const STATE = Symbol.for('cdk8s-platform.Baseline');

function state(c: IConstruct): BaselineState {
  const holder = c as unknown as Record<symbol, BaselineState | undefined>;
  let s = holder[STATE];
  if (!s) {
    s = { optOuts: [], reasons: new Map() };
    Object.defineProperty(c, STATE, { value: s });
  }
  return s;
}

/**
 * Records that `scope` turned off one of its secure defaults. Constructs call this for each
 * opt-out; the secure-baseline report lists them all at synth with the construct path and reason.
 */
export function recordOptOut(scope: IConstruct, setting: string, value: string, reason?: string): void {
  state(scope).optOuts.push({ setting, value, reason });
}

/**
 * Gives the reason for an opt-out of `scope` (a construct that recorded one), shown in the
 * secure-baseline report: `justifyOptOut(storage, 'storage.allowSharedKeyAccess', 'legacy SDK')`.
 */
export function justifyOptOut(scope: IConstruct, setting: string, reason: string): void {
  state(scope).reasons.set(setting, reason);
}

/** The opt-outs recorded on one construct (not its children). */
export function optOutsOf(c: IConstruct): OptOut[] {
  const s = (c as unknown as Record<symbol, BaselineState | undefined>)[STATE];
  if (!s) return [];
  return s.optOuts.map((o) => ({ path: displayPath(c), ...o, reason: o.reason ?? s.reasons.get(o.setting) }));
}

import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { propError } from './errors';

/** The Go duration form Flux (and most Kubernetes controllers) accept. */
export const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;

/** Options of {@link goDuration}. */
export interface GoDurationOptions {
  /**
   * The largest unit the field accepts: some Flux fields (`timeout` of GitRepository and of the
   * notification Provider) only allow ms, s and m. A `Duration` is then rendered in minutes
   * (`90m`), and a string with hours is refused.
   * @default 'h'
   */
  readonly maxUnit?: 'h' | 'm';
}

/**
 * Renders a duration in Go's `time.Duration` form (`1h30m`, `5m`, `30s`, `500ms`), which Flux's
 * CRDs require (`^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`). Accepts a cdk8s `Duration` (whole
 * milliseconds, at least 1 ms) or a string already in Go form. Throws a prop error otherwise.
 */
export function goDuration(scope: IConstruct, prop: string, d: Duration | string, options: GoDurationOptions = {}): string {
  const hours = (options.maxUnit ?? 'h') === 'h';
  if (typeof d === 'string') {
    if (!GO_DURATION.test(d)) throw propError(scope, prop, `"${d}" is not a Go duration such as "30s", "5m" or "1h30m"`);
    if (!hours && /h/.test(d)) throw propError(scope, prop, `"${d}" is not allowed: this field takes ms, s and m only (e.g. "90m")`);
    return d;
  }
  const total = d.toMilliseconds({ integral: false });
  if (!Number.isInteger(total) || total <= 0) {
    throw propError(scope, prop, `must be a positive whole number of milliseconds (got ${total} ms)`);
  }
  let rest = total;
  const h = hours ? Math.floor(rest / 3_600_000) : 0;
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  const ms = rest - s * 1000;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}${ms ? `${ms}ms` : ''}`;
}

/**
 * A duration as whole seconds (for `...Seconds` fields such as CAPI's MachineHealthCheck
 * timeouts): throws a prop error unless it is a positive whole number of seconds.
 */
export function wholeSeconds(scope: IConstruct, prop: string, d: Duration): number {
  const s = d.toSeconds({ integral: false });
  if (!Number.isInteger(s) || s <= 0) throw propError(scope, prop, `must be a positive whole number of seconds (got ${s} s)`);
  return s;
}

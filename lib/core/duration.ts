import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { propError } from './errors';

/** The Go duration form Flux (and most Kubernetes controllers) accept. */
export const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;

/**
 * Renders a duration in Go's `time.Duration` form (`1h30m`, `5m`, `30s`, `500ms`), which Flux's
 * CRDs require (`^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`). Accepts a cdk8s `Duration` (whole
 * milliseconds, at least 1 ms) or a string already in Go form. Throws a prop error otherwise.
 */
export function goDuration(scope: IConstruct, prop: string, d: Duration | string): string {
  if (typeof d === 'string') {
    if (!GO_DURATION.test(d)) throw propError(scope, prop, `"${d}" is not a Go duration such as "30s", "5m" or "1h30m"`);
    return d;
  }
  const total = d.toMilliseconds();
  if (!Number.isInteger(total) || total <= 0) {
    throw propError(scope, prop, `must be a positive whole number of milliseconds (got ${total} ms)`);
  }
  let rest = total;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  const ms = rest - s * 1000;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}${ms ? `${ms}ms` : ''}`;
}

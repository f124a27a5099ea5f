import { IConstruct } from 'constructs';
import { OptOut, optOutsOf } from '../core/baseline';

/** What the report shows when an opt-out was recorded without a reason. */
export const NO_REASON = 'no reason given';

/** One line of the secure-baseline report: an opt-out with its reason filled in. */
export interface BaselineEntry extends OptOut {
  /** The reason the user gave, or {@link NO_REASON}. */
  readonly reason: string;
}

/**
 * Every secure default turned off below `root` (recorded with `recordOptOut`), sorted by
 * construct path then setting, each with the reason given (`justifyOptOut` or the construct's
 * props) or {@link NO_REASON}.
 */
export function collectOptOuts(root: IConstruct): BaselineEntry[] {
  return baselineEntries(root.node.findAll());
}

/** {@link collectOptOuts} of constructs already listed (synth walks the tree once). */
export function baselineEntries(constructs: readonly IConstruct[]): BaselineEntry[] {
  const out: BaselineEntry[] = [];
  for (const c of constructs) {
    for (const o of optOutsOf(c)) out.push({ ...o, reason: o.reason && o.reason.trim() ? o.reason : NO_REASON });
  }
  return out.sort((a, b) => cmp(a.path, b.path) || cmp(a.setting, b.setting));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The secure-baseline report as a compact table (empty string when there is nothing to report):
 *
 * ```
 * secure-baseline opt-outs (1):
 *   CONSTRUCT           SETTING                       VALUE  REASON
 *   platform/data/logs  storage.allowSharedKeyAccess  true   legacy backup tool
 * ```
 */
export function formatBaselineReport(entries: readonly BaselineEntry[]): string {
  if (entries.length === 0) return '';
  const rows = [['CONSTRUCT', 'SETTING', 'VALUE', 'REASON'], ...entries.map((e) => [e.path, e.setting, e.value, e.reason])];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) => `  ${r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell)).join('  ')}`.trimEnd());
  return `secure-baseline opt-outs (${entries.length}):\n${lines.join('\n')}\n`;
}

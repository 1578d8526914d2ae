import type { CheckResult, CheckStatus } from './check.ts';

// How the doctor reports: one line per check (its fix indented below), a summary, and the same as
// JSON for machines.
const LABEL: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skip: 'skip' };
const TITLE_WIDTH = 28;

export function resultLine(result: CheckResult): string {
  const head = `${LABEL[result.status]}  ${result.title.padEnd(TITLE_WIDTH)} ${result.detail}\n`;
  return result.fix ? `${head}      fix: ${result.fix}\n` : head;
}

export interface Summary {
  ok: number;
  warn: number;
  fail: number;
  skip: number;
}

export function summarise(results: readonly CheckResult[]): Summary {
  const summary: Summary = { ok: 0, warn: 0, fail: 0, skip: 0 };
  for (const r of results) summary[r.status]++;
  return summary;
}

export function summaryLine(summary: Summary): string {
  const verdict =
    summary.fail > 0 ? 'problems found' : summary.warn > 0 ? 'works, with warnings' : 'all good';
  return `\n${verdict}: ${summary.ok} ok, ${summary.warn} warning(s), ${summary.fail} failed, ${summary.skip} skipped\n`;
}

export function jsonReport(results: readonly CheckResult[]): string {
  const summary = summarise(results);
  return `${JSON.stringify({ ok: summary.fail === 0, summary, checks: results }, null, 2)}\n`;
}

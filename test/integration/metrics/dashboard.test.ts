import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BASE, type Harness, startHarness } from '../api/harness.ts';
import { parseScrape } from './scrape.ts';

// The shipped dashboard and alert rules may only ask for series a companion really exports: a
// renamed metric would otherwise leave an empty panel or an alert that can never fire. The
// companion runs on PostgreSQL, where it exports everything (the listen-connection metrics too).

const deploy = (file: string) =>
  readFileSync(path.resolve(import.meta.dirname, '../../../deploy', file), 'utf8');

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: Array<{ expr: string; refId: string }>;
}

const dashboard = JSON.parse(deploy('grafana/api-token-auth-dashboard.json')) as {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; definition?: string }> };
};
const alerts = parse(deploy('prometheus/api-token-auth-alerts.yml')) as {
  groups: Array<{ name: string; rules: Array<Record<string, unknown>> }>;
};

// Series Prometheus makes itself rather than scrapes.
const PROMETHEUS_SERIES = new Set(['up']);
const PROMQL_WORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring']);

/**
 * The metric names a PromQL expression reads: what is left once label matchers, ranges,
 * grouping clauses and function calls are taken out. Not a PromQL parser, but the shipped
 * expressions use nothing else.
 */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  return [...bare.matchAll(/(?<![\w.:$])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)]
    .filter((m) => m[2] === undefined && !PROMQL_WORDS.has(m[1] as string))
    .map((m) => m[1] as string);
}

const panelsWithQueries = dashboard.panels.filter((p) => p.type !== 'row');
const dashboardExprs = panelsWithQueries.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
const variableExprs = dashboard.templating.list.flatMap((v) => (v.definition ? [v.definition] : []));
const alertRules = alerts.groups.flatMap((g) => g.rules);

describe('the shipped Grafana dashboard and Prometheus alerts', () => {
  let h: Harness;
  let exported: Set<string>;
  beforeAll(async () => {
    h = await startHarness({ db: 'postgres' });
    exported = parseScrape((await h.http.get(`${BASE}/metrics`).expect(200)).text).names;
  });
  afterAll(() => h?.close());

  it('reads the names out of PromQL as intended', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (le, mode) (rate(a_bucket{job=~"$job", x="y"}[5m]))) > 0.25 and b offset 1h / 1e9',
      ),
    ).toEqual(['a_bucket', 'b']);
    expect(metricNames('sum(up{job=~"$job"}) / count (up) unless on (instance) c_total')).toEqual([
      'up',
      'up',
      'c_total',
    ]);
  });

  it('queries only metrics a running companion exports', () => {
    const used = [
      ...dashboardExprs.flatMap(metricNames),
      ...variableExprs.map((v) => /label_values\(([a-zA-Z_:][\w:]*)/.exec(v)?.[1] ?? v),
      ...alertRules.flatMap((rule) => metricNames(String(rule.expr))),
    ];
    expect(used.length).toBeGreaterThan(30);
    const unknown = [...new Set(used)].filter((name) => !exported.has(name) && !PROMETHEUS_SERIES.has(name));
    expect(unknown).toEqual([]);
  });

  it('shows every metric family of the companion somewhere on the dashboard', () => {
    const shown = new Set(dashboardExprs.flatMap(metricNames));
    const families = [...exported].filter((n) => n.startsWith('api_token_auth_') && !/_(sum|count)$/.test(n));
    expect(families.length).toBeGreaterThanOrEqual(15);
    expect(families.filter((family) => !shown.has(family))).toEqual([]);
  });

  it('is a Grafana dashboard: a uid, a Prometheus data source variable, panels with queries on a grid', () => {
    expect(dashboard).toMatchObject({ uid: 'api-token-auth', title: 'api-token-auth' });
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.templating.list.map((v) => [v.name, v.type])).toEqual([
      ['datasource', 'datasource'],
      ['job', 'query'],
      ['instance', 'query'],
    ]);
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panelsWithQueries) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not JavaScript's
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
    }
    for (const expr of dashboardExprs) {
      expect(expr.split('(').length, expr).toBe(expr.split(')').length);
    }
  });

  it('has alert rules in groups, each with an expression, a duration, a severity and what to do', () => {
    expect(alerts.groups.map((g) => g.name)).toEqual(['api-token-auth']);
    expect(alertRules.map((r) => r.alert)).toEqual([
      'ApiTokenAuthCompanionDown',
      'ApiTokenAuthStoreUnavailable',
      'ApiTokenAuthSiteUnavailable',
      'ApiTokenAuthInternalErrors',
      'ApiTokenAuthSlowDecisions',
      'ApiTokenAuthAuditRecordsDropped',
      'ApiTokenAuthListenConnectionDown',
      'ApiTokenAuthCacheHitRatioCollapsed',
    ]);
    for (const rule of alertRules) {
      expect(Object.keys(rule).sort(), String(rule.alert)).toEqual([
        'alert',
        'annotations',
        'expr',
        'for',
        'labels',
      ]);
      expect(typeof rule.expr).toBe('string');
      expect(String(rule.expr).split('(').length).toBe(String(rule.expr).split(')').length);
      expect(rule.for).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning']).toContain((rule.labels as { severity?: string }).severity);
      const annotations = rule.annotations as Record<string, string>;
      expect(Object.keys(annotations).sort()).toEqual(['description', 'summary']);
      expect(annotations.description?.length).toBeGreaterThan(40);
    }
    // The refusal alerts name the reasons the companion really gives.
    expect(String(alertRules[1]?.expr)).toContain('reason="store-unavailable"');
    expect(String(alertRules[2]?.expr)).toContain('reason="site-unavailable"');
  });
});

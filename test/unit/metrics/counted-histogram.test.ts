import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CountedHistogram } from '../../../server/metrics/counted-histogram.ts';

// The histogram that counts in plain arrays must look to Prometheus exactly like prom-client's
// own: the same observations give the same text and the same JSON.

const BUCKETS = [0.00005, 0.001, 0.25, 1];
const OBSERVED: Array<[mode: string, outcome: string, seconds: number]> = [
  ['token', 'allow', 0.00003],
  ['token', 'allow', 0.00005],
  ['token', 'allow', 0.0009],
  ['token', 'deny', 0.3],
  ['token', 'deny', 7],
  ['session', 'allow', 0.001],
];

function both() {
  const own = new Registry();
  const reference = new Registry();
  const config = { name: 'x_duration_seconds', help: 'How long.', labelNames: ['mode', 'outcome'] as const };
  const counted = new CountedHistogram({ ...config, buckets: BUCKETS, registry: own });
  const histogram = new Histogram({
    ...config,
    labelNames: [...config.labelNames],
    buckets: BUCKETS,
    registers: [reference],
  });
  const series = new Map<string, ReturnType<typeof counted.series>>();
  for (const [mode, outcome, seconds] of OBSERVED) {
    const key = `${mode} ${outcome}`;
    if (!series.has(key)) series.set(key, counted.series({ mode, outcome }));
    counted.observeInto(series.get(key) as ReturnType<typeof counted.series>, seconds);
    histogram.observe({ mode, outcome }, seconds);
  }
  return { own, reference };
}

describe('a histogram counted in plain arrays', () => {
  it('writes the same Prometheus text as prom-client’s Histogram', async () => {
    const { own, reference } = both();
    const text = await own.metrics();
    expect(text).toBe(await reference.metrics());
    expect(text).toContain('x_duration_seconds_bucket{le="0.00005",mode="token",outcome="allow"} 2');
    expect(text).toContain('x_duration_seconds_bucket{le="+Inf",mode="token",outcome="deny"} 2');
    expect(text).toContain('x_duration_seconds_count{mode="session",outcome="allow"} 1');
  });

  it('gives the same JSON, for tools that read the registry that way', async () => {
    const { own, reference } = both();
    // Exemplars are not used: prom-client's own JSON carries them as null.
    const withoutExemplars = (await reference.getMetricsAsJSON()).map((metric) => ({
      ...metric,
      values: metric.values.map((value) => {
        const { exemplar: _, ...rest } = value as typeof value & { exemplar?: unknown };
        return rest;
      }),
    }));
    expect(await own.getMetricsAsJSON()).toEqual(withoutExemplars);
  });

  it('says nothing about a series until it is made, and 0 for one without observations', async () => {
    const registry = new Registry();
    const counted = new CountedHistogram({
      name: 'y_seconds',
      help: 'How long.',
      labelNames: ['mode'],
      buckets: BUCKETS,
      registry,
    });
    expect(await registry.metrics()).not.toContain('y_seconds_bucket');
    counted.series({ mode: 'token' });
    expect(await registry.metrics()).toContain('y_seconds_count{mode="token"} 0');
  });
});

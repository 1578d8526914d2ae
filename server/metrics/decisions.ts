import { Counter, type Registry } from 'prom-client';
import { CountedHistogram, type HistogramSeries } from './counted-histogram.ts';
import type { DecisionLabels } from './observers.ts';

/**
 * From a cached token (tens of µs) to a token whose owner the site is asked about (up to the
 * site's timeout): fine below a millisecond, coarse above a second.
 */
export const DECISION_BUCKETS = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];

interface Slot {
  readonly labels: { mode: string; outcome: string; reason: string };
  count: number;
  reported: number;
  /** Shared by every reason of the same mode and outcome. */
  readonly latency: HistogramSeries<'mode' | 'outcome'>;
}

/**
 * Decisions by mode, outcome and reason, and their latency. This runs on every REST request of
 * the site: a prom-client counter child hashes its labels on every inc() (some 0.5–0.9 µs here),
 * and a histogram child's observe() costs more, so a decision is counted in plain numbers of a
 * slot found by two map lookups; prom-client reads them when Prometheus scrapes.
 */
export class DecisionMetrics {
  readonly #slots = new Map<string, Map<string | null, Slot>>();
  readonly #counter: Counter<'mode' | 'outcome' | 'reason'>;
  readonly #latency: CountedHistogram<'mode' | 'outcome'>;
  readonly #series = new Map<string, HistogramSeries<'mode' | 'outcome'>>();

  constructor(registry: Registry, preset: readonly DecisionLabels[] = []) {
    const slots = this.#slots;
    this.#counter = new Counter({
      name: 'api_token_auth_decisions_total',
      help: 'Decisions of the validation plane, by mode (session, token, password, passthrough, none), outcome (allow, deny) and reason.',
      labelNames: ['mode', 'outcome', 'reason'],
      registers: [registry],
      collect() {
        for (const byMode of slots.values()) {
          for (const slot of byMode.values()) {
            if (slot.count === slot.reported) continue;
            this.inc(slot.labels, slot.count - slot.reported);
            slot.reported = slot.count;
          }
        }
      },
    });
    this.#latency = new CountedHistogram({
      name: 'api_token_auth_decision_duration_seconds',
      help: 'Time from a validation request reaching the companion to its decision, by mode and outcome.',
      labelNames: ['mode', 'outcome'],
      buckets: DECISION_BUCKETS,
      registry,
    });
    for (const decision of preset) this.#slot(decision);
  }

  // Keyed by reason and mode only: the reason decides the outcome ('ok' is the one allowing reason).
  decided(decision: DecisionLabels, seconds: number): void {
    const slot = this.#slots.get(decision.reason)?.get(decision.mode) ?? this.#slot(decision);
    slot.count++;
    this.#latency.observeInto(slot.latency, seconds);
  }

  /** The first decision of its kind: its labels and latency series are made once. */
  #slot(decision: DecisionLabels): Slot {
    let byMode = this.#slots.get(decision.reason);
    if (byMode === undefined) {
      byMode = new Map();
      this.#slots.set(decision.reason, byMode);
    }
    const mode = decision.mode ?? 'none';
    const key = `${mode} ${decision.decision}`;
    let latency = this.#series.get(key);
    if (latency === undefined) {
      latency = this.#latency.series({ mode, outcome: decision.decision });
      this.#series.set(key, latency);
    }
    const slot: Slot = {
      labels: { mode, outcome: decision.decision, reason: decision.reason },
      count: 0,
      reported: 0,
      latency,
    };
    // Exported from the start at 0, so a rate sees the first decision of this kind too.
    this.#counter.inc(slot.labels, 0);
    byMode.set(decision.mode, slot);
    return slot;
  }
}

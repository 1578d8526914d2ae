// What the property suite is made of, shared by the vitest file (10,000 cases) and
// scripts/fuzz.ts (a million): a generator and a check that sorts every case into one outcome.
import fc from 'fast-check';

/**
 * `wrong-allow`: the implementation lets through what the model refuses (a token handled as a
 * password, a forged address used as the client, an address matched that the range excludes).
 * `disagreement`: any other difference from the model, refusals included.
 */
export type Outcome = 'ok' | 'crash' | 'wrong-allow' | 'disagreement';
export interface Verdict {
  outcome: Outcome;
  detail?: string;
}

export interface PropertyDefinition<T> {
  name: string;
  arbitrary: fc.Arbitrary<T>;
  check(input: T): Verdict;
}

export const ok: Verdict = { outcome: 'ok' };
export const verdict = (outcome: Outcome, detail: string): Verdict => ({ outcome, detail });

/** JSON that also writes BigInts, shows undefined and shortens long strings (the padded headers). */
export const show = (value: unknown): string =>
  JSON.stringify(value, (_key, v) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v === undefined) return '<undefined>';
    if (typeof v === 'string' && v.length > 240)
      return `${v.slice(0, 160)}…(${v.length} characters)…${v.slice(-40)}`;
    return v;
  });

/** Runs one case; an exception anywhere (implementation or model) is a crash. */
export function judge<T>(property: PropertyDefinition<T>, input: T): Verdict {
  try {
    return property.check(input);
  } catch (error) {
    return verdict('crash', error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
}

/** The property as fast-check runs it: a case fails with the verdict as its message. */
export function asProperty<T>(property: PropertyDefinition<T>) {
  return fc.property(property.arbitrary, (input) => {
    const result = judge(property, input);
    if (result.outcome !== 'ok') throw new Error(`${result.outcome}: ${result.detail}`);
  });
}

/** The seed every run starts from unless PROPERTY_SEED says otherwise, so a failure replays. */
export const seedFromEnv = (): number => {
  const raw = process.env.PROPERTY_SEED;
  return raw && /^-?\d+$/.test(raw) ? Number(raw) : 20261201;
};

/** Erases the input type so properties of different inputs fit one list. */
export const erase = <T>(property: PropertyDefinition<T>) =>
  property as unknown as PropertyDefinition<unknown>;

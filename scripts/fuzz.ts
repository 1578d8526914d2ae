// `npm run fuzz [cases]`: the property suite of test/property with many more cases (a million
// each unless told otherwise, or FUZZ_CASES). Every case is run and counted, not stopped at the
// first failure, then the first failure is shrunk to a small example. Exits 1 on any failure.
import fc from 'fast-check';
import { properties } from '../test/property/properties.ts';
import { asProperty, judge, type Outcome, seedFromEnv } from '../test/property/property-kit.ts';

const cases = Number(process.argv[2] ?? process.env.FUZZ_CASES ?? 1_000_000);
if (!Number.isSafeInteger(cases) || cases < 1) {
  console.error(`cases must be a positive integer, not ${process.argv[2] ?? process.env.FUZZ_CASES}`);
  process.exit(2);
}
const seed = seedFromEnv();
const PROGRESS_EVERY = Math.max(Math.floor(cases / 10), 1);
const FAILURES: Outcome[] = ['crash', 'wrong-allow', 'disagreement'];

let failed = false;
console.log(`fuzz: ${properties.length} properties, ${cases} cases each, seed ${seed}`);
for (const property of properties) {
  const counts: Record<Outcome, number> = { ok: 0, crash: 0, 'wrong-allow': 0, disagreement: 0 };
  const firstDetail: Partial<Record<Outcome, string>> = {};
  const started = performance.now();
  let run = 0;
  fc.assert(
    fc.property(property.arbitrary, (input) => {
      const result = judge(property, input);
      counts[result.outcome]++;
      if (result.outcome !== 'ok') firstDetail[result.outcome] ??= result.detail;
      run++;
      if (run % PROGRESS_EVERY === 0) {
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        process.stdout.write(`  ${property.name}: ${run}/${cases} in ${seconds} s\n`);
      }
    }),
    { numRuns: cases, seed },
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `${counts.ok === cases ? 'PASS' : 'FAIL'} ${property.name}\n` +
      `  cases ${run}, crashes ${counts.crash}, wrong allows ${counts['wrong-allow']}, ` +
      `other disagreements ${counts.disagreement}, ${seconds} s`,
  );
  for (const outcome of FAILURES) {
    if (firstDetail[outcome]) console.log(`  first ${outcome}: ${firstDetail[outcome]}`);
  }
  if (counts.ok !== cases) {
    failed = true;
    const shrunk = fc.check(asProperty(property), { numRuns: cases, seed });
    if (shrunk.failed) {
      console.log(`  shrunk: ${fc.stringify(shrunk.counterexample)}`);
      console.log(`  replay: PROPERTY_SEED=${seed}, fast-check path ${shrunk.counterexamplePath}`);
    }
  }
}
process.exit(failed ? 1 : 0);

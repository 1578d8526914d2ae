// What one check of `api-token-auth doctor` finds: a status, what it saw, and for a warning or a
// failure the line that fixes it.
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckOutcome {
  status: CheckStatus;
  /** What was checked and seen, in plain words. */
  detail: string;
  /** The line that fixes it (a variable to set, a command to run), for warn and fail. */
  fix?: string;
}

export interface CheckResult extends CheckOutcome {
  id: string;
  title: string;
}

export const ok = (detail: string): CheckOutcome => ({ status: 'ok', detail });
export const warn = (detail: string, fix: string): CheckOutcome => ({ status: 'warn', detail, fix });
export const fail = (detail: string, fix: string): CheckOutcome => ({ status: 'fail', detail, fix });
export const skip = (detail: string): CheckOutcome => ({ status: 'skip', detail });

/** Thrown by a check to end it as a failure with its fix: a refusal of the site, an unreachable proxy. */
export class CheckFailed extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

export interface Check<Facts> {
  id: string;
  title: string;
  run(facts: Facts): Promise<CheckOutcome>;
}

/**
 * Runs the checks in order, reporting each as it ends. A check that throws CheckFailed fails with
 * its fix; one that throws anything else fails with its message.
 */
export async function runChecks<Facts>(
  checks: ReadonlyArray<Check<Facts>>,
  facts: Facts,
  onResult: (result: CheckResult) => void,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    let outcome: CheckOutcome;
    try {
      outcome = await check.run(facts);
    } catch (err) {
      outcome =
        err instanceof CheckFailed
          ? fail(err.message, err.fix)
          : fail(
              `the check itself failed: ${(err as Error).message}`,
              'run again with ATA_LOG_LEVEL=debug and report the message',
            );
    }
    const result = { id: check.id, title: check.title, ...outcome };
    results.push(result);
    onResult(result);
  }
  return results;
}

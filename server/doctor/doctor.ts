import { parseArgs } from 'node:util';
import { type Config, loadConfig } from '../config.ts';
import { createSiteClient } from '../directory/site-client.ts';
import { runChecks } from './check.ts';
import type { DoctorFacts } from './facts.ts';
import { localChecks } from './local-checks.ts';
import { permissionChecks } from './permission-checks.ts';
import { proxyChecks } from './proxy-checks.ts';
import { jsonReport, resultLine, summarise, summaryLine } from './report.ts';
import { siteChecks } from './site-checks.ts';

// `api-token-auth doctor [--json] [--proxy-url URL]`: checks the set-up the way the companion
// uses it and says, for each problem, the line that fixes it. Exit 0 when nothing failed, 1 when
// something did, 2 for bad usage or configuration.

export interface DoctorIo {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface DoctorOptions {
  json?: boolean;
  proxyUrl?: string;
  fetch?: typeof fetch;
  now?: () => Date;
  /** How long one request to the site or the proxy may take (the site may be slow). */
  timeoutMs?: number;
  uid?: number;
}

export const DOCTOR_USAGE = 'doctor [--json] [--proxy-url URL]';

/** Runs every check against `config`; returns the exit code. */
export async function runDoctor(
  config: Config,
  options: DoctorOptions,
  io: Omit<DoctorIo, 'env'>,
): Promise<number> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const facts: DoctorFacts = {
    config,
    site: createSiteClient({ siteUrl: config.siteUrl, fetch: options.fetch, timeoutMs }),
    fetch: options.fetch ?? fetch,
    now: options.now ?? (() => new Date()),
    timeoutMs,
    proxyUrl: options.proxyUrl?.replace(/\/+$/, ''),
    uid: options.uid ?? process.getuid?.(),
  };
  // Results appear as each check ends; with --json they are progress on stderr.
  const progress = options.json ? io.stderr : io.stdout;
  progress(
    `api-token-auth doctor: checking ${config.siteUrl}${facts.proxyUrl ? ` through ${facts.proxyUrl}` : ''}\n\n`,
  );
  const checks = [...siteChecks, ...permissionChecks, ...localChecks, ...proxyChecks(facts)];
  const results = await runChecks(checks, facts, (result) => progress(resultLine(result)));
  const summary = summarise(results);
  progress(summaryLine(summary));
  if (options.json) io.stdout(jsonReport(results));
  return summary.fail > 0 ? 1 : 0;
}

class UsageError extends Error {}

function proxyUrlOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const url = URL.canParse(value) ? new URL(value) : null;
  if (!url || !/^https?:$/.test(url.protocol) || url.search || url.hash)
    throw new UsageError('--proxy-url must be the http(s) URL clients use, e.g. https://jira.example.com');
  return value;
}

/** The CLI command: parses its options and the ATA_* configuration, then runs the checks. */
export async function doctorCommand(
  args: string[],
  io: DoctorIo,
  options: DoctorOptions = {},
): Promise<number> {
  let json: boolean;
  let proxyUrl: string | undefined;
  try {
    const { values } = parseArgs({
      args,
      options: { json: { type: 'boolean' }, 'proxy-url': { type: 'string' } },
      strict: true,
      allowPositionals: false,
    });
    json = values.json ?? false;
    proxyUrl = proxyUrlOf(values['proxy-url']);
  } catch (err) {
    io.stderr(`api-token-auth: ${(err as Error).message}\nUsage: api-token-auth ${DOCTOR_USAGE}\n`);
    return 2;
  }
  const config = loadConfig(io.env, { requireSite: true });
  return runDoctor(config, { ...options, json, proxyUrl }, io);
}

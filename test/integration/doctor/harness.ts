// A companion's set-up as an operator leaves it (a simulated site, a migrated SQLite database, a
// generated key file beside it, the ATA_* environment), and `api-token-auth doctor` run against it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../server/config.ts';
import { type DoctorOptions, doctorCommand } from '../../../server/doctor/doctor.ts';
import { loadSecretKey } from '../../../server/services/secret-key.ts';
import { createStore } from '../../../server/store/index.ts';
import {
  type FlavourName,
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from '../../atlassian-sim/index.ts';

export interface DoctorRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface JsonCheck {
  id: string;
  title: string;
  status: 'ok' | 'warn' | 'fail' | 'skip';
  detail: string;
  fix?: string;
}

export interface SetUp {
  sim: Simulator;
  dir: string;
  databaseFile: string;
  keyFile: string;
  env: Record<string, string>;
  doctor(args?: string[], options?: DoctorOptions, env?: Record<string, string>): Promise<DoctorRun>;
  /** --json, parsed: the checks by id. */
  checks(
    args?: string[],
    env?: Record<string, string>,
  ): Promise<{ code: number; byId: Record<string, JsonCheck> }>;
  close(): Promise<void>;
}

export interface SetUpOptions {
  flavour?: FlavourName;
  sim?: Omit<SimulatorOptions, 'flavour'>;
  /** The service user whose PAT is ATA_SERVICE_AUTH (default admin). */
  serviceUser?: string;
  /** Run the migrations (default true). */
  migrate?: boolean;
  env?: Record<string, string>;
}

export async function setUp(options: SetUpOptions = {}): Promise<SetUp> {
  const sim = await startSimulator({ flavour: options.flavour ?? 'jira9', ...options.sim });
  const dir = await mkdtemp(path.join(tmpdir(), 'ata-doctor-'));
  const databaseFile = path.join(dir, 'companion.sqlite');
  const env: Record<string, string> = {
    ATA_SITE_URL: sim.baseUrl,
    ATA_DATABASE_URL: `sqlite://${databaseFile}`,
    ATA_SERVICE_AUTH: `Bearer ${sim.state.createPersonalAccessToken(options.serviceUser ?? 'admin')}`,
    ATA_BASE_PATH: '/api-token-auth',
    ...options.env,
  };
  const config = loadConfig(env);
  if (options.migrate !== false) {
    const store = createStore(config.database);
    await store.migrate();
    await store.close();
  }
  // What serve does on its first start: generate the key file (mode 0600) beside the database.
  loadSecretKey(config.secret);
  const doctor = async (args: string[] = [], doctorOptions: DoctorOptions = {}, extraEnv = {}) => {
    let stdout = '';
    let stderr = '';
    const code = await doctorCommand(
      args,
      {
        env: { ...env, ...extraEnv },
        stdout: (t) => {
          stdout += t;
        },
        stderr: (t) => {
          stderr += t;
        },
      },
      { timeoutMs: 2000, ...doctorOptions },
    );
    return { code, stdout, stderr };
  };
  return {
    sim,
    dir,
    databaseFile,
    keyFile: path.join(dir, 'api-token-auth.key'),
    env,
    doctor,
    async checks(args = [], extraEnv = {}) {
      const run = await doctor(['--json', ...args], {}, extraEnv);
      const report = JSON.parse(run.stdout) as { checks: JsonCheck[] };
      return { code: run.code, byId: Object.fromEntries(report.checks.map((c) => [c.id, c])) };
    },
    async close() {
      await sim.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// A companion (or any CLI run of it) as a real child process: its output kept, its exit awaited.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export const BIN = path.resolve('server/bin/api-token-auth.js');

export interface CompanionProcess {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  /** The exit code, or the signal's name when a signal ended it. */
  exited: Promise<number | string | null>;
}

/** Runs `node <bin> ...args` with only PATH and `env`, so no ATA_* leaks in from the shell. */
export function runBin(args: string[], env: Record<string, string>, bin = BIN): CompanionProcess {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: CompanionProcess = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal))),
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    run.stdout += chunk;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    run.stderr += chunk;
  });
  return run;
}

/** Resolves with the URL the companion logs once it listens; rejects if it exits first. */
export function listeningUrl(run: CompanionProcess): Promise<string> {
  const pattern = /listening on (http:\/\/[^\s"]+)/;
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = pattern.exec(run.stdout);
      if (m?.[1]) resolve(m[1]);
    };
    run.child.stdout?.on('data', check);
    run.exited.then((code) =>
      reject(new Error(`exited ${code} before listening:\n${run.stderr}${run.stdout}`)),
    );
    check();
  });
}

/** Stops a child that may still run (test clean-up), waiting for it to go. */
export async function stop(run: CompanionProcess | undefined): Promise<void> {
  if (!run || run.child.exitCode !== null || run.child.signalCode !== null) return;
  run.child.kill('SIGKILL');
  await run.exited;
}

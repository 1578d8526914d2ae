// The Containerfile cannot be built here (no container engine), so its rules are checked on the
// text: the stages, who the runtime runs as, what it copies, how dependencies are installed.
// The runtime stage's layout itself (build, bin, production dependencies, no tsx) runs in
// build.test.ts.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}
interface Stage {
  name: string;
  base: string;
  instructions: Instruction[];
}

/** Instructions grouped by stage: comments dropped, `\` continuations joined. */
function parseStages(text: string): Stage[] {
  const stages: Stage[] = [];
  let pending = '';
  let startLine = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) return;
    if (pending === '') startLine = index + 1;
    if (line.startsWith('#')) return;
    pending += `${line.replace(/\\$/, '')} `;
    if (line.endsWith('\\')) return;
    const [keyword = '', ...rest] = pending.trim().split(/\s+/);
    pending = '';
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' '), line: startLine };
    if (instruction.keyword === 'FROM') {
      const m = /^(\S+)\s+AS\s+(\S+)$/i.exec(instruction.args);
      if (!m?.[1] || !m[2])
        throw new Error(`FROM on line ${startLine} must name its stage (FROM image AS name)`);
      stages.push({ base: m[1], name: m[2], instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  });
  return stages;
}

const stages = parseStages(readFileSync(path.resolve('Containerfile'), 'utf8'));
const stage = (name: string) => {
  const found = stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
};
const of = (s: Stage, keyword: string) => s.instructions.filter((i) => i.keyword === keyword);
const runtime = stages.at(-1) as Stage;

/** [from stage or undefined for the build context, sources..., destination] of a COPY. */
function copyParts(copy: Instruction): { from: string | undefined; sources: string[] } {
  const words = copy.args.split(/\s+/);
  const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
  const paths = words.filter((w) => !w.startsWith('--'));
  return { from, sources: paths.slice(0, -1) };
}

describe('Containerfile', () => {
  it('has a dependencies, a build and a runtime stage, the runtime last', () => {
    expect(stages.map((s) => s.name)).toEqual(['deps', 'build', 'runtime']);
    expect(of(stage('build'), 'RUN').map((r) => r.args)).toContain('npm run build:server');
  });

  it('runs the runtime as a user that is not root', () => {
    const users = of(runtime, 'USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1)?.args.split(':')[0];
    expect(['root', '0', '']).not.toContain(user);
    // The instructions after USER run unprivileged, so anything needing root comes before it.
    const userLine = users.at(-1)?.line ?? 0;
    expect(runtime.instructions.filter((i) => i.keyword === 'RUN' && i.line > userLine)).toEqual([]);
  });

  it('installs dependencies only with npm ci from the copied lock file, never npm install', () => {
    for (const s of stages) {
      for (const run of of(s, 'RUN')) {
        expect(run.args, `line ${run.line}`).not.toMatch(/\bnpm\s+(install|i|add)\b/);
        expect(run.args, `line ${run.line}`).not.toMatch(/\b(yarn|pnpm|npx)\b/);
        if (/\bnpm\s+ci\b/.test(run.args)) {
          const lockCopied = of(s, 'COPY').some(
            (c) => c.line < run.line && copyParts(c).sources.includes('package-lock.json'),
          );
          expect(lockCopied, `package-lock.json copied before line ${run.line}`).toBe(true);
        }
      }
    }
    expect(of(stage('deps'), 'RUN').some((r) => /npm ci\b.*--omit=dev/.test(r.args))).toBe(true);
  });

  it('copies into the runtime only the build, the bin, package.json and the production dependencies', () => {
    const copies = of(runtime, 'COPY').map(copyParts);
    expect(copies).toEqual(
      expect.arrayContaining([
        { from: 'deps', sources: ['/src/node_modules'] },
        { from: 'build', sources: ['/src/dist/server'] },
      ]),
    );
    for (const { from, sources } of copies) {
      if (from === undefined) {
        for (const source of sources) expect(['package.json', 'server/bin']).toContain(source);
      } else {
        expect(['deps', 'build']).toContain(from);
        expect(['/src/node_modules', '/src/dist/server']).toContain(sources.join(' '));
      }
    }
    expect(of(runtime, 'ADD')).toEqual([]);
    // Nothing is compiled, installed or transformed at run time.
    expect(runtime.instructions.map((i) => i.args).join('\n')).not.toMatch(/\btsx\b|\bnpm\b/);
  });

  it('copies only files that exist from the build context', () => {
    for (const s of stages) {
      for (const copy of of(s, 'COPY').map(copyParts)) {
        if (copy.from === undefined) {
          for (const source of copy.sources) expect(existsSync(path.resolve(source)), source).toBe(true);
        }
      }
    }
  });

  it('keeps every write in the volume, so the root filesystem can be read-only', () => {
    const volumes = of(runtime, 'VOLUME').map((v) => v.args);
    expect(volumes).toEqual(['/var/lib/api-token-auth']);
    const env = of(runtime, 'ENV')
      .map((e) => e.args)
      .join(' ');
    expect(env).toContain('ATA_DATABASE_URL=sqlite:///var/lib/api-token-auth/');
  });

  it('checks its health on /healthz with Node, and starts the bin', () => {
    const [check] = of(runtime, 'HEALTHCHECK');
    expect(check?.args).toMatch(/CMD \["node", "\/opt\/api-token-auth\/server\/bin\/healthcheck\.js"\]$/);
    expect(readFileSync(path.resolve('server/bin/healthcheck.js'), 'utf8')).toContain('/healthz');
    expect(of(runtime, 'WORKDIR').at(-1)?.args).toBe('/opt/api-token-auth');
    expect(of(runtime, 'ENTRYPOINT').at(-1)?.args).toBe(
      '["node", "/opt/api-token-auth/server/bin/api-token-auth.js"]',
    );
    expect(of(runtime, 'CMD').at(-1)?.args).toBe('["serve"]');
  });
});

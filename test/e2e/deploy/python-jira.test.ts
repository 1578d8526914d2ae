import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '../../../shared/token.ts';
import { PROXIES, type ProxyUnderTest } from './harness.ts';
import {
  createTokenWithSession,
  type StockSiteStage,
  siteSession,
  startStockSiteStage,
} from './stock-site.ts';

// A REST client people really use: Debian's python3-jira (pycontribs/jira), which speaks Basic
// only with a user name and password, through the shipped nginx file in front of a stock Jira.
// Debian's own python: the PATH one (pyenv) lacks Debian's packages.

const run = promisify(execFile);
const NGINX = PROXIES.find((p) => p.name === 'nginx') as ProxyUnderTest;

// The server, user and secret come in the environment, never on a command line.
const SCRIPT = `
import json, os
from jira import JIRA, JIRAError
try:
    jira = JIRA(server=os.environ['JIRA_URL'], basic_auth=(os.environ['JIRA_USER'], os.environ['JIRA_TOKEN']), max_retries=0)
    me = jira.myself()
    issue = jira.issue('DEMO-1')
    print(json.dumps({'name': me['name'], 'issue': issue.key}))
except JIRAError as err:
    print(json.dumps({'error': err.status_code}))
`;

async function pythonJira(url: string, user: string, token: string): Promise<Record<string, unknown>> {
  const { stdout } = await run('/usr/bin/python3', ['-c', SCRIPT], {
    env: { PATH: '/usr/bin:/bin', JIRA_URL: url, JIRA_USER: user, JIRA_TOKEN: token },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
}

describe('the Python jira library through the shipped nginx config, on a stock Jira', () => {
  let stage: StockSiteStage;
  let url: string;
  let secret: string;

  beforeAll(async () => {
    stage = await startStockSiteStage(NGINX);
    url = `http://127.0.0.1:${stage.proxy.port}`;
    secret = await createTokenWithSession(stage.proxy, await siteSession(stage.proxy, 'alice'), 'python');
  });
  afterAll(() => stage?.close());

  it("JIRA(basic_auth=('alice', token)).myself() is alice, served by her own PAT", async () => {
    expect(await pythonJira(url, 'alice', secret)).toEqual({ name: 'alice', issue: 'DEMO-1' });
    const reached = stage.sim.state.requests.filter((r) => r.path === '/rest/api/2/issue/DEMO-1').at(-1);
    expect(reached).toMatchObject({ user: 'alice', authMethod: 'bearer', authorization: 'bearer' });
    expect(stage.sim.state.failedLoginCount('alice')).toBe(0);
  });

  it('a wrong token raises JIRAError 401 and counts no failed login', async () => {
    expect(await pythonJira(url, 'alice', generateToken())).toEqual({ error: 401 });
    expect(stage.sim.state.failedLoginCount('alice')).toBe(0);
  });
});

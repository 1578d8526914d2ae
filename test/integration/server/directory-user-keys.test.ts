// The directory names every user by the site's immutable key as well as by name, and finds them by
// that key through renames; a newcomer given an old name is someone else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectory, createSiteClient, type Directory } from '../../../server/directory/index.ts';
import { FLAVOURS, type Flavour, type Simulator, startSimulator } from '../../atlassian-sim/index.ts';

const basic = (u: string) => `Basic ${Buffer.from(`${u}:${u}`).toString('base64')}`;

describe.each(Object.keys(FLAVOURS) as Flavour[])('user keys on %s', (flavour) => {
  const product = FLAVOURS[flavour].product;
  let sim: Simulator;
  let now = Date.parse('2026-01-01T00:00:00Z');
  beforeAll(async () => {
    sim = await startSimulator({ flavour, contextPath: product === 'jira' ? '/jira' : '' });
  });
  afterAll(async () => {
    await sim?.close();
  });

  const directoryFor = (): Directory =>
    createDirectory({
      site: createSiteClient({ siteUrl: sim.baseUrl }),
      product,
      serviceAuth: basic('admin'),
      adminGroups: [product === 'jira' ? 'jira-administrators' : 'confluence-administrators'],
      clock: () => new Date(now),
    });
  const keyOf = (name: string) => {
    const user = sim.state.directory.require(name);
    return product === 'jira' ? user.jiraKey : user.confluenceKey;
  };
  const asked = (path: string) =>
    sim.state.requests.filter((r) => r.path === path && r.user === 'admin').length;

  it('gives the key with who the caller is and with a lookup by name', async () => {
    const directory = directoryFor();
    const key = keyOf('alice');
    expect(key).toMatch(product === 'jira' ? /^JIRAUSER\d+$/ : /^[0-9a-f]{32}$/);
    expect(await directory.whoAmI({ authorization: basic('alice') })).toMatchObject({
      username: 'alice',
      key,
    });
    expect(await directory.lookupUser('alice')).toMatchObject({ username: 'alice', key });
    // Jira users from before 8.x have their first name as key.
    if (product === 'jira') expect((await directory.lookupUser('admin'))?.key).toBe('admin');
  });

  it('looks a user up by key with their groups and admin status, and null for an unknown key', async () => {
    const directory = directoryFor();
    expect(await directory.lookupUserByKey(keyOf('admin'))).toMatchObject({
      username: 'admin',
      key: keyOf('admin'),
      isAdmin: true,
      active: true,
    });
    expect(await directory.lookupUserByKey(keyOf('dave'))).toMatchObject({ username: 'dave', active: false });
    const carol = await directory.lookupUserByKey(keyOf('carol'));
    expect(carol).toMatchObject({ username: 'carol', isAdmin: false });
    expect(carol?.groups).toContain('contractors');
    expect(await directory.lookupUserByKey('JIRAUSER99999')).toBeNull();
    expect(await directory.lookupUserByKey('0'.repeat(32))).toBeNull();
    expect(await directory.lookupUserByKey('alice&username=admin')).toBeNull();
  });

  it('finds a renamed user by their key, and gives a newcomer with the old name a new key', async () => {
    const directory = directoryFor();
    sim.state.directory.add('erin', { displayName: 'Erin Old', groups: ['developers'] });
    const oldKey = keyOf('erin');
    sim.state.directory.rename('erin', 'erin.renamed');
    sim.state.directory.add('erin', { displayName: 'Erin New' });
    const newKey = keyOf('erin');
    expect(newKey).not.toBe(oldKey);

    expect(await directory.lookupUserByKey(oldKey)).toMatchObject({
      username: 'erin.renamed',
      displayName: 'Erin Old',
    });
    expect(await directory.lookupUser('erin')).toMatchObject({ key: newKey, displayName: 'Erin New' });
    expect(await directory.lookupUserByKey(newKey)).toMatchObject({ username: 'erin' });
    // The renamed user signs in with the new name and is still the same key.
    expect((await directory.whoAmI({ authorization: `Basic ${btoa('erin.renamed:erin')}` }))?.key).toBe(
      oldKey,
    );

    sim.state.deleteUser('erin.renamed');
    now += 30_001;
    expect(await directory.lookupUserByKey(oldKey)).toBeNull();
  });

  it('caches a lookup by key for at most 30 s, exactly by key, and never a miss', async () => {
    const directory = directoryFor();
    const path = product === 'jira' ? '/rest/api/2/user' : '/rest/api/user';
    const key = keyOf('bob');
    const before = asked(path);
    expect((await directory.lookupUserByKey(key))?.username).toBe('bob');
    expect((await directory.lookupUserByKey(key))?.username).toBe('bob');
    expect(asked(path)).toBe(before + 1);
    now += 30_001;
    await directory.lookupUserByKey(key);
    expect(asked(path)).toBe(before + 2);

    const missing = product === 'jira' ? 'JIRAUSER99998' : 'f'.repeat(32);
    await directory.lookupUserByKey(missing);
    await directory.lookupUserByKey(missing);
    expect(asked(path)).toBe(before + 4);
  });
});

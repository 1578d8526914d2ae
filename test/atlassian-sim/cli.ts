import { parseArgs } from 'node:util';
import { isFlavourName } from './flavours.ts';
import { startSimulator } from './server.ts';

// `npm run sim -- --flavour jira9 --port 2990 --context-path /jira [--header-authenticator 127.0.0.2]`
// Stock by default: X-Forwarded-User means nothing unless a header authenticator trusts the peer it comes from.
// `--trusted-proxy` is the older name of the same option.
const { values } = parseArgs({
  options: {
    flavour: { type: 'string', default: 'jira9' },
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'context-path': { type: 'string', default: '' },
    'header-authenticator': { type: 'string', multiple: true, default: [] },
    'trusted-proxy': { type: 'string', multiple: true, default: [] },
    'no-websudo': { type: 'boolean', default: false },
  },
});

if (!isFlavourName(values.flavour)) {
  console.error(`--flavour must be one of jira9, jira8, confluence8, confluence7 (got ${values.flavour})`);
  process.exit(2);
}
const sim = await startSimulator({
  flavour: values.flavour,
  port: Number(values.port),
  host: values.host,
  contextPath: values['context-path'],
  trustedProxies: [...values['header-authenticator'], ...values['trusted-proxy']],
  webSudo: !values['no-websudo'],
});
console.log(
  `${values.flavour} simulator: ${sim.baseUrl}/  (users admin, alice, bob, carol; password = user name)`,
);
const stop = () => {
  sim.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

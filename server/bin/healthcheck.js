#!/usr/bin/env node
// A container's health check: exit 0 when the companion's <ATA_BASE_PATH>/healthz answers 200 on
// the address ATA_LISTEN gives, 1 otherwise. Node alone (slim images have no curl), read from the
// same variables as the companion, so a changed port or base path needs no second setting.
import { request } from 'node:http';

const TIMEOUT_MS = 3000;
const listen = process.env.ATA_LISTEN || '127.0.0.1:8787';
const path = `${process.env.ATA_BASE_PATH || ''}/healthz`;

// The companion has already refused a malformed ATA_LISTEN at start; here it is only split at its
// last colon. A wildcard address is asked on the loopback of its family.
const colon = listen.lastIndexOf(':');
const host = listen.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
const to = {
  host: { '0.0.0.0': '127.0.0.1', '::': '::1' }[host] ?? host,
  port: Number(listen.slice(colon + 1)),
};
const req = request({ ...to, path, timeout: TIMEOUT_MS }, (res) => {
  res.resume();
  if (res.statusCode === 200) process.exit(0);
  process.stderr.write(`healthcheck: http://${listen}${path} answered ${res.statusCode}\n`);
  process.exit(1);
});
req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
req.on('error', (err) => {
  process.stderr.write(`healthcheck: http://${listen}${path}: ${err.message}\n`);
  process.exit(1);
});
req.end();

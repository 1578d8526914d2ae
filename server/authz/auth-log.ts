import pino, { type Logger } from 'pino';
import type { AuthzRequest, Decision } from './decision-engine.ts';

/** Writes the two INFO lines of one token or password authentication. */
export type AuthLog = (request: AuthzRequest, decision: Decision, reqId: string | undefined) => void;

const MAX_LOGGED_PATH = 300;

/** The REST path for logs: no query string (it may carry search terms or secrets), bounded length. */
export function loggablePath(path: string): string {
  const query = path.indexOf('?');
  const bare = query < 0 ? path : path.slice(0, query);
  return bare.length > MAX_LOGGED_PATH ? `${bare.slice(0, MAX_LOGGED_PATH)}…` : bare;
}

const json = (value: string | number | null | undefined): string =>
  value === null || value === undefined ? 'null' : JSON.stringify(value);

/**
 * The fields of both lines after pino's level, time and bindings, each ending its line. Built
 * from known, secret-free values only: no header, no query string, never the credential.
 */
function encodeLines(request: AuthzRequest, decision: Decision, reqId: string | undefined): [string, string] {
  const common = `${reqId === undefined ? '' : `,"reqId":${json(reqId)}`},"user":${json(decision.user)}`;
  const mode = json(decision.mode);
  const attempt = `,"event":"auth.attempt"${common},"method":${json(request.method)},"path":${json(loggablePath(request.path))},"clientIp":${json(decision.clientIp)},"mode":${mode},"msg":"authentication attempt"}\n`;
  const outcome =
    decision.decision === 'allow'
      ? `,"event":"auth.succeeded"${common},"mode":${mode},"tokenId":${json(decision.token?.id)},"msg":"authentication succeeded"}\n`
      : `,"event":"auth.failed"${common},"mode":${mode},"reason":${json(decision.reason)},"status":${decision.status},"msg":"authentication refused"}\n`;
  return [attempt, outcome];
}

const symbols = pino.symbols as unknown as Record<string, symbol>;
const INFO = 30;

/** pino's internals, read through the symbols pino exports for this kind of use. */
function internal<T>(logger: Logger, name: string): T {
  return (logger as unknown as Record<symbol, T>)[symbols[name] as symbol] as T;
}

/**
 * The writer of the two INFO lines of every token or password authentication (the attempt, then
 * the outcome). They are thousands a second on a busy site, and pino's general serialiser cost
 * several times deciding the request, so they are encoded here into exactly the lines pino would
 * write — pino's level, time and bindings first, the fields, then `msg` — and handed to the
 * logger's own stream in one write. A logger configured in ways this does not reproduce (mixin,
 * log formatter, stream hook, other message key, message prefix, multistream) gets the same
 * fields through `logger.info`.
 */
export function authLogFor(logger: Logger): AuthLog {
  const stream = internal<{ write(line: string): unknown } & Record<symbol, unknown>>(logger, 'streamSym');
  const levelPrefix = internal<Record<number, string>>(logger, 'lsCacheSym')[INFO];
  const reproducible =
    !internal(logger, 'mixinSym') &&
    !internal<{ log?: unknown }>(logger, 'formattersSym').log &&
    !internal<{ streamWrite?: unknown }>(logger, 'hooksSym').streamWrite &&
    !internal(logger, 'msgPrefixSym') &&
    internal(logger, 'messageKeySym') === 'msg' &&
    stream[symbols.needsMetadataGsym as symbol] !== true &&
    typeof levelPrefix === 'string';
  if (!reproducible) {
    return (request, decision, reqId) => {
      for (const line of encodeLines(request, decision, reqId)) {
        const { msg, ...fields } = JSON.parse(`{${line.slice(1)}`);
        logger.info(fields, msg);
      }
    };
  }
  const time = internal<() => string>(logger, 'timeSym');
  const bindings = internal<string>(logger, 'chindingsSym');
  return (request, decision, reqId) => {
    if (!logger.isLevelEnabled('info')) return;
    const [attempt, outcome] = encodeLines(request, decision, reqId);
    const head = `${levelPrefix}${time()}${bindings}`;
    stream.write(`${head}${attempt}${head}${outcome}`);
  };
}

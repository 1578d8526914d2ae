import path from 'node:path';
import { z } from 'zod';

// Configuration comes only from ATA_* environment variables, parsed once at start. A missing or
// invalid variable is a ConfigError naming it; the CLI turns that into exit code 2.

export type Product = 'jira' | 'confluence';

export type DatabaseConfig =
  | { client: 'sqlite'; filename: string; url: string }
  | { client: 'pg'; connectionString: string; url: string };

// Where the token-hash key comes from. Never a default value: either given, read from a file,
// or (SQLite only) generated once into a mode-0600 file beside the database.
export type SecretSource =
  | { kind: 'value'; value: string }
  | { kind: 'file'; path: string }
  | { kind: 'generated'; path: string };

export interface Config {
  siteUrl: string;
  product: Product | undefined;
  database: DatabaseConfig;
  listen: ListenAddress;
  // ATA_METRICS_LISTEN: <base>/metrics on a listener of its own (then not on the main one).
  metricsListen?: { host: string; port: number };
  basePath: string;
  serviceAuth: string | undefined;
  secret: SecretSource;
  logLevel: string;
  identityHeader: string;
  adminGroups: string[] | undefined;
  // Origins whose pages may call the management API: the site's own, plus ATA_ALLOWED_ORIGINS
  // when the browser reaches the site under another origin than ATA_SITE_URL (e.g. a front proxy).
  allowedOrigins: string[];
  // ATA_VALIDATE_SECRET: switches on POST /api/v1/validate for a plugin inside the site.
  validateSecret: string | undefined;
  // ATA_REDIS_URL (PostgreSQL only): the companions count failed token attempts in Redis rather
  // than in the database; ATA_REDIS_KEY_PREFIX keeps deployments sharing a Redis apart.
  redis?: RedisConfig;
  // ATA_AUDIT_MIRROR=on: audit records are also sent to the site's own audit log (server/audit-mirror/).
  auditMirror: boolean;
}

export interface RedisConfig {
  url: string;
  keyPrefix: string;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

const nonEmpty = (s: string | undefined) => (s === undefined || s.trim() === '' ? undefined : s.trim());

// zod runs every refinement even after .url() failed, so URLs are parsed without throwing.
const urlOf = (u: string) => (URL.canParse(u) ? new URL(u) : null);

const siteUrl = z
  .string()
  .url()
  .refine((u) => /^https?:$/.test(urlOf(u)?.protocol ?? ''), 'must be an http(s) URL')
  .refine((u) => !urlOf(u)?.search && !urlOf(u)?.hash, 'must not carry a query or fragment')
  .transform((u) => u.replace(/\/+$/, ''));

// Browser-extension origins (the extension's background calling a companion on another origin)
// have no URL origin in WHATWG terms, so they are matched literally.
const extensionOrigin = /^(chrome|moz)-extension:\/\/[A-Za-z0-9-]{1,64}$/;

const origin = z
  .string()
  .refine(
    (u) => extensionOrigin.test(u) || urlOf(u)?.origin === u.replace(/\/$/, ''),
    'must be an origin like https://jira.example.com or chrome-extension://<id>',
  )
  .transform((u) => (extensionOrigin.test(u) ? u : (urlOf(u)?.origin ?? u)));

const splitList = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const onOff = z.enum(['on', 'off'], { error: 'must be on or off' });

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

// An HTTP header name (RFC 9110 token characters).
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name');

const basePath = z
  .string()
  .regex(/^(\/[A-Za-z0-9._~-]+)*\/?$/, 'must be empty or a path like /api-token-auth')
  .transform((p) => p.replace(/\/+$/, ''));

const serviceAuth = z
  .string()
  .regex(/^(Bearer|Basic) \S+$/, 'must be "Bearer <personal access token>" or "Basic <base64>"');

export function parseListen(value: string, variable = 'ATA_LISTEN'): { host: string; port: number } {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65535)
    throw new ConfigError(variable, 'must be host:port, e.g. 127.0.0.1:8787 or [::1]:8787');
  return { host: (m[1] ?? m[2]) as string, port };
}

// ATA_LISTEN: a TCP address, or a Unix domain socket for a proxy on the same host (no TCP handshake
// or loopback port per connection; measured in bench/proxy.ts).
export type ListenAddress = { host: string; port: number } | { socket: string };

// sun_path holds 108 bytes, the terminating NUL included.
const MAX_SOCKET_PATH_BYTES = 107;

/** ATA_LISTEN: host:port, or unix:/absolute/path for a Unix domain socket. */
export function parseListenAddress(value: string): ListenAddress {
  if (!value.startsWith('unix:')) return parseListen(value);
  const socket = value.slice('unix:'.length);
  if (!path.isAbsolute(socket) || socket.endsWith('/') || Buffer.byteLength(socket) > MAX_SOCKET_PATH_BYTES) {
    throw new ConfigError(
      'ATA_LISTEN',
      `a Unix socket must be unix:/absolute/path of at most ${MAX_SOCKET_PATH_BYTES} bytes, e.g. unix:/run/api-token-auth/companion.sock`,
    );
  }
  return { socket: path.normalize(socket) };
}

export function parseDatabaseUrl(value: string, cwd = process.cwd()): DatabaseConfig {
  if (/^postgres(ql)?:\/\/./.test(value)) return { client: 'pg', connectionString: value, url: value };
  const m = /^sqlite:(.+)$/.exec(value);
  if (!m?.[1]) {
    throw new ConfigError(
      'ATA_DATABASE_URL',
      'must be sqlite:relative/path.sqlite, sqlite:///abs/path.sqlite or postgres://…',
    );
  }
  // sqlite:///abs → /abs ; sqlite:rel → cwd/rel
  const raw = m[1].startsWith('//') ? m[1].slice(2) : m[1];
  return { client: 'sqlite', filename: path.resolve(cwd, raw), url: value };
}

function parseWith<T>(variable: string, schema: z.ZodType<T>, value: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ConfigError(variable, result.error.issues[0]?.message ?? 'invalid value');
  return result.data;
}

/** Shared secrets (ATA_SECRET, ATA_SECRET_FILE's content, ATA_VALIDATE_SECRET) are at least this long. */
export const MIN_SECRET_LENGTH = 32;

/** A shared secret given in a variable: at least 32 characters, or the start stops naming it. */
function longEnough(variable: string, value: string): string {
  if (value.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(variable, `must be at least ${MIN_SECRET_LENGTH} characters of random data`);
  }
  return value;
}

const redisUrl = z
  .string()
  .refine((u) => /^rediss?:$/.test(urlOf(u)?.protocol ?? ''), 'must be a redis:// or rediss:// URL');
const redisKeyPrefix = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1 to 64 letters, digits, ".", "_", ":" or "-"');

function parseRedis(env: NodeJS.ProcessEnv, database: DatabaseConfig): RedisConfig | undefined {
  const url = nonEmpty(env.ATA_REDIS_URL);
  if (url === undefined) return undefined;
  parseWith('ATA_REDIS_URL', redisUrl, url);
  if (database.client !== 'pg') {
    throw new ConfigError(
      'ATA_REDIS_URL',
      'needs PostgreSQL (ATA_DATABASE_URL=postgres://…): on SQLite a single companion counts on its own',
    );
  }
  const keyPrefix = nonEmpty(env.ATA_REDIS_KEY_PREFIX) ?? 'api-token-auth:';
  return { url, keyPrefix: parseWith('ATA_REDIS_KEY_PREFIX', redisKeyPrefix, keyPrefix) };
}

function parseValidateSecret(env: NodeJS.ProcessEnv): string | undefined {
  const value = nonEmpty(env.ATA_VALIDATE_SECRET);
  return value === undefined ? undefined : longEnough('ATA_VALIDATE_SECRET', value);
}

function parseSecret(env: NodeJS.ProcessEnv, database: DatabaseConfig, cwd: string): SecretSource {
  const value = nonEmpty(env.ATA_SECRET);
  const file = nonEmpty(env.ATA_SECRET_FILE);
  if (value && file)
    throw new ConfigError('ATA_SECRET', 'set either ATA_SECRET or ATA_SECRET_FILE, not both');
  if (value) return { kind: 'value', value: longEnough('ATA_SECRET', value) };
  if (file) return { kind: 'file', path: path.resolve(cwd, file) };
  if (database.client === 'sqlite') {
    return { kind: 'generated', path: path.join(path.dirname(database.filename), 'api-token-auth.key') };
  }
  throw new ConfigError('ATA_SECRET', 'required with PostgreSQL (or set ATA_SECRET_FILE)');
}

export interface LoadOptions {
  // `migrate` needs only the database (loadDatabaseConfig); `serve` needs the site too.
  requireSite?: boolean;
  cwd?: string;
}

/** What `migrate` needs: the database and the log level; neither the site nor the token key. */
export function loadDatabaseConfig(
  env: NodeJS.ProcessEnv = process.env,
  options: Pick<LoadOptions, 'cwd'> = {},
): Pick<Config, 'database' | 'logLevel'> {
  return {
    database: parseDatabaseUrl(
      nonEmpty(env.ATA_DATABASE_URL) ?? 'sqlite:data/api-token-auth.sqlite',
      options.cwd ?? process.cwd(),
    ),
    logLevel: parseWith('ATA_LOG_LEVEL', logLevel, nonEmpty(env.ATA_LOG_LEVEL) ?? 'info'),
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const rawSite = nonEmpty(env.ATA_SITE_URL);
  if (!rawSite && options.requireSite !== false) throw new ConfigError('ATA_SITE_URL', 'is required');
  const { database, logLevel: level } = loadDatabaseConfig(env, { cwd });
  const rawProduct = nonEmpty(env.ATA_PRODUCT);
  const rawAdminGroups = nonEmpty(env.ATA_ADMIN_GROUPS);
  const rawServiceAuth = nonEmpty(env.ATA_SERVICE_AUTH);
  const rawMetricsListen = nonEmpty(env.ATA_METRICS_LISTEN);
  const site = rawSite ? parseWith('ATA_SITE_URL', siteUrl, rawSite) : '';
  const redis = parseRedis(env, database);
  const extraOrigins = splitList(env.ATA_ALLOWED_ORIGINS).map((o) =>
    parseWith('ATA_ALLOWED_ORIGINS', origin, o),
  );
  return {
    siteUrl: site,
    product: rawProduct ? parseWith('ATA_PRODUCT', z.enum(['jira', 'confluence']), rawProduct) : undefined,
    database,
    listen: parseListenAddress(nonEmpty(env.ATA_LISTEN) ?? '127.0.0.1:8787'),
    ...(rawMetricsListen ? { metricsListen: parseListen(rawMetricsListen, 'ATA_METRICS_LISTEN') } : {}),
    basePath: parseWith('ATA_BASE_PATH', basePath, nonEmpty(env.ATA_BASE_PATH) ?? ''),
    serviceAuth: rawServiceAuth ? parseWith('ATA_SERVICE_AUTH', serviceAuth, rawServiceAuth) : undefined,
    secret: parseSecret(env, database, cwd),
    logLevel: level,
    identityHeader: parseWith(
      'ATA_IDENTITY_HEADER',
      headerName,
      nonEmpty(env.ATA_IDENTITY_HEADER) ?? 'X-Forwarded-User',
    ),
    adminGroups: rawAdminGroups ? splitList(rawAdminGroups) : undefined,
    allowedOrigins: [...(site ? [new URL(site).origin] : []), ...extraOrigins],
    validateSecret: parseValidateSecret(env),
    ...(redis ? { redis } : {}),
    auditMirror: parseWith('ATA_AUDIT_MIRROR', onOff, nonEmpty(env.ATA_AUDIT_MIRROR) ?? 'off') === 'on',
  };
}

// Admin groups used for users other than the caller, whose admin status the site's REST API cannot report.
export function adminGroupsFor(config: Pick<Config, 'adminGroups'>, product: Product): string[] {
  if (config.adminGroups) return config.adminGroups;
  return product === 'jira'
    ? ['jira-administrators', 'jira-system-administrators']
    : ['confluence-administrators'];
}

import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

// A small HTTP client for the simulator tests: node:http rather than fetch, because the identity-header tests
// must choose the client socket's local address (127.0.0.2 vs 127.0.0.1).
export interface SimResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests assert on the shapes field by field
  json: any;
  /** `name=value` of every Set-Cookie, for sending back as a Cookie header. */
  cookies: Record<string, string>;
}

export interface SimRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  form?: Record<string, string>;
  localAddress?: string;
  basic?: [string, string];
  cookie?: string;
}

export function call(url: string, options: SimRequest = {}): Promise<SimResponse> {
  const headers: Record<string, string> = { ...options.headers };
  let payload: string | undefined;
  if (options.form) {
    payload = new URLSearchParams(options.form).toString();
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
  } else if (options.body !== undefined) {
    payload = JSON.stringify(options.body);
    headers['Content-Type'] = 'application/json';
  }
  // An explicit length: Node's client would otherwise send a DELETE body chunked, which the server refuses.
  if (payload !== undefined) headers['Content-Length'] = String(Buffer.byteLength(payload));
  if (options.basic)
    headers.Authorization = `Basic ${Buffer.from(options.basic.join(':')).toString('base64')}`;
  if (options.cookie) headers.Cookie = options.cookie;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: options.method ?? (payload ? 'POST' : 'GET'), headers, localAddress: options.localAddress },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const cookies = Object.fromEntries(
            (res.headers['set-cookie'] ?? []).map((c) => {
              const [pair = ''] = c.split(';');
              const eq = pair.indexOf('=');
              return [pair.slice(0, eq), pair.slice(eq + 1)];
            }),
          );
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, cookies });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Logs in through a product's own login form and returns the session cookie header. */
export async function formLogin(
  baseUrl: string,
  product: 'jira' | 'confluence',
  user: string,
  password = user,
) {
  const path = product === 'jira' ? '/login.jsp' : '/dologin.action';
  const res = await call(`${baseUrl}${path}`, { form: { os_username: user, os_password: password } });
  const session = res.cookies.JSESSIONID;
  return { res, cookie: session ? `JSESSIONID=${session}` : undefined };
}

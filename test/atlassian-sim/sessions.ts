import { createHash, randomBytes } from 'node:crypto';

// Server-side HTTP sessions behind the JSESSIONID cookie, as a servlet container keeps them.
export const WEB_SUDO_MS = 10 * 60 * 1000;

export interface Session {
  id: string;
  username: string;
  createdAt: Date;
  /** WebSudo elevation end, if the admin re-entered the password recently. */
  webSudoUntil: number;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  create(username: string): Session {
    // Tomcat session ids are 32 upper-case hex characters.
    const session = {
      id: randomBytes(16).toString('hex').toUpperCase(),
      username,
      createdAt: new Date(),
      webSudoUntil: 0,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string | undefined): Session | undefined {
    return id ? this.sessions.get(id) : undefined;
  }

  destroy(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  /** Deactivating a user ends their sessions, as the products do on the next request. */
  destroyFor(username: string): void {
    for (const [id, s] of this.sessions) if (s.username === username) this.sessions.delete(id);
  }

  elevate(session: Session, now = Date.now()): void {
    session.webSudoUntil = now + WEB_SUDO_MS;
  }

  isElevated(session: Session | undefined, now = Date.now()): boolean {
    return session !== undefined && session.webSudoUntil > now;
  }
}

/** The XSRF token pages carry: Jira's `XXXX-XXXX-XXXX-XXXX_<40 hex>_lin|_lout` or Confluence's 40 hex. */
export function xsrfHex(seed: string, sessionId: string | undefined): string {
  return createHash('sha1')
    .update(`${seed}:${sessionId ?? 'anonymous'}`)
    .digest('hex');
}

export function jiraAtlToken(seed: string, sessionId: string | undefined): string {
  const hex = xsrfHex(seed, sessionId);
  const id = hex.slice(0, 16).toUpperCase().match(/.{4}/g)?.join('-') ?? '';
  return `${id}_${hex}_${sessionId ? 'lin' : 'lout'}`;
}

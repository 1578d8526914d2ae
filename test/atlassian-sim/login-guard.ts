import { randomInt } from 'node:crypto';

// Seraph's elevated security check: after MAX_FAILURES consecutive failed password logins a user must answer a
// CAPTCHA; until then even the right password is denied. A successful login resets the counter.
export const MAX_FAILURES = 3;

export type PasswordCheck = 'ok' | 'failed' | 'denied';

interface Challenge {
  question: string;
  answer: string;
}

export class LoginGuard {
  private readonly failures = new Map<string, number>();
  private readonly challenges = new Map<string, Challenge>();

  count(user: string): number {
    return this.failures.get(user.toLowerCase()) ?? 0;
  }

  captchaRequired(user: string): boolean {
    return this.count(user) >= MAX_FAILURES;
  }

  /** Checks a password attempt; `captchaAnswer` is only given by the login form. */
  attempt(user: string, passwordMatches: boolean, captchaAnswer?: string): PasswordCheck {
    const key = user.toLowerCase();
    if (this.captchaRequired(key)) {
      const challenge = this.challenges.get(key);
      const solved = challenge !== undefined && captchaAnswer?.trim() === challenge.answer;
      this.challenges.delete(key);
      if (!solved) return 'denied';
    }
    if (!passwordMatches) {
      this.failures.set(key, this.count(key) + 1);
      return 'failed';
    }
    this.failures.delete(key);
    return 'ok';
  }

  /** A fresh arithmetic challenge shown on the login form (image-free CAPTCHA). */
  challenge(user: string): string {
    const a = randomInt(2, 10);
    const b = randomInt(2, 10);
    const challenge = { question: `${a} + ${b}`, answer: String(a + b) };
    this.challenges.set(user.toLowerCase(), challenge);
    return challenge.question;
  }

  reset(user?: string): void {
    if (user === undefined) {
      this.failures.clear();
      this.challenges.clear();
      return;
    }
    this.failures.delete(user.toLowerCase());
    this.challenges.delete(user.toLowerCase());
  }
}

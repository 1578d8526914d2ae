import type { Middleware } from 'koa';
import type { SimState } from './state.ts';

// The site's clock as its `Date` header tells it: the `now` option when given (the same clock as the PAT
// plugin's), so tests can put the site's clock ahead of or behind the companion's.
const clocks = new WeakMap<SimState, () => Date>();

export function setSiteClock(state: SimState, now: () => Date): void {
  clocks.set(state, now);
}

export function siteDateHeader(state: SimState): Middleware {
  return async (ctx, next) => {
    ctx.set('Date', (clocks.get(state)?.() ?? new Date()).toUTCString());
    await next();
  };
}

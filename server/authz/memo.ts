/**
 * `compute` remembered for up to `max` recent inputs; the memory is emptied when full, which
 * costs less than least-recently-used bookkeeping on the path of every request and is enough for
 * what it serves: the same few addresses and lists (proxies, busy clients) again and again.
 * `compute` must never return undefined.
 */
export function boundedMemo<V>(compute: (input: string) => V, max: number): (input: string) => V {
  const known = new Map<string, V>();
  return (input) => {
    let result = known.get(input);
    if (result === undefined) {
      result = compute(input);
      if (known.size >= max) known.clear();
      known.set(input, result);
    }
    return result;
  };
}

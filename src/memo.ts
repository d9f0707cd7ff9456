/**
 * A function's results remembered by argument, all forgotten at once when `max` are held. For
 * the bulk paths that ask the same few keys millions of times (stems, day numbers, time-zone
 * offsets): on such skewed keys the frequent ones are back at once after a clear, and clearing
 * costs nothing per call, unlike an LRU's bookkeeping.
 */
export function memoize<K, V>(fn: (key: K) => V, max: number): (key: K) => V {
  let memo = new Map<K, V>();
  return (key: K): V => {
    let value = memo.get(key);
    if (value === undefined) {
      value = fn(key);
      if (memo.size >= max) memo = new Map();
      memo.set(key, value);
    }
    return value;
  };
}

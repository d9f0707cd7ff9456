/**
 * The rankers the evaluation knows, by name. To evaluate a new search implementation, wrap it in
 * the Ranker interface (./types.ts) and add one line here:
 *
 *   'hybrid-rrf': () => new HybridRanker({ ... }),
 *
 * then `npm run eval:search -- --ranker hybrid-rrf` reports it next to the baselines, and an
 * entry in eval/floors.json makes test/search/eval.test.ts guard its scores. A factory is called
 * once per index the runner builds (one without titles, one with), so a ranker never has to
 * support being built twice. Factories that need setup (a model download, a server) can be
 * async, and should throw a clear error when what they need is missing.
 */
import type { Ranker } from './types.js';
import { Fts5Bm25Ranker, RandomRanker } from './baselines.js';
import { ProductRanker } from './product.js';

export type RankerFactory = () => Ranker | Promise<Ranker>;

export const RANKERS: Record<string, RankerFactory> = {
  'fts5-bm25': () => new Fts5Bm25Ranker(),
  random: () => new RandomRanker(42),
  // The product's search (./product.ts): runSearch in each mode, with the product's defaults.
  lexical: () => new ProductRanker({ mode: 'lexical' }),
  semantic: () => new ProductRanker({ mode: 'semantic' }),
  hybrid: () => new ProductRanker({ mode: 'hybrid' }),
};

/** The baselines, always run by the floor test. */
export const BASELINES = ['fts5-bm25', 'random'] as const;

/** The product's search modes, run by the floor test with the baselines. */
export const PRODUCT = ['lexical', 'semantic', 'hybrid'] as const;

/** Adds a ranker at run time (tests, experiments); throws on a name already taken. */
export function registerRanker(name: string, factory: RankerFactory): void {
  if (Object.hasOwn(RANKERS, name)) throw new Error(`a ranker named ${name} is already registered`);
  RANKERS[name] = factory;
}

/** The factory of a registered ranker; throws listing the known names otherwise. */
export function rankerFactory(name: string): RankerFactory {
  const f = Object.hasOwn(RANKERS, name) ? RANKERS[name] : undefined;
  if (!f) throw new Error(`unknown ranker "${name}"; known: ${Object.keys(RANKERS).join(', ')}`);
  return f;
}

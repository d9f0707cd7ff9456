/**
 * The two baseline rankers every real one is compared with:
 * - fts5-bm25: the lexical search the product had before its BM25F engine (src/search/simple.ts,
 *   since replaced by src/search/engine.ts), reduced to its core: SQLite FTS5 with the porter
 *   tokenizer, BM25 with its column weights (title 10, authors 5, abstract 1, categories 1), the
 *   query's words quoted and OR-ed.
 * - random: a seeded random ranking, the chance level (what a metric gives for no skill).
 */
import BetterSqlite3 from 'better-sqlite3';
import type { EvalDoc, Ranker } from './types.js';
import { hash32 } from './random.js';
import { mulberry32 } from '../../random.js';

/** The words of a query as the old simple.ts read them: letters and digits, lowercased, at most 32. */
export function queryWords(q: string): string[] {
  return (q.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 32);
}

/** An FTS5 MATCH expression: every word quoted (no query syntax reaches FTS5), OR-ed. */
export function orQuery(q: string): string | null {
  const words = [...new Set(queryWords(q))];
  return words.length === 0 ? null : words.map((w) => `"${w.replace(/"/g, '""')}"`).join(' OR ');
}

/** BM25 over an FTS5 table in a temporary in-memory SQLite database. */
export class Fts5Bm25Ranker implements Ranker {
  readonly name = 'fts5-bm25';
  private db: BetterSqlite3.Database | null = null;
  private ids: string[] = [];
  private stmt: BetterSqlite3.Statement | null = null;

  async build(docs: EvalDoc[], _opts?: { withTitles: boolean }): Promise<void> {
    await this.close();
    const db = new BetterSqlite3(':memory:');
    db.exec(`CREATE VIRTUAL TABLE docs USING fts5(title, authors, abstract, categories, tokenize = 'porter unicode61 remove_diacritics 2')`);
    const insert = db.prepare('INSERT INTO docs (rowid, title, authors, abstract, categories) VALUES (?, ?, ?, ?, ?)');
    this.ids = docs.map((d) => d.id);
    db.transaction(() => {
      docs.forEach((d, i) => insert.run(i + 1, d.title, d.authors.join(', '), d.abstract, d.categories.join(' ')));
    })();
    // Ties (equal scores) in index order, so runs are reproducible.
    this.stmt = db.prepare('SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 10.0, 5.0, 1.0, 1.0), rowid LIMIT ?').pluck();
    this.db = db;
  }

  async search(query: string, k: number): Promise<string[]> {
    if (!this.stmt) throw new Error('fts5-bm25: search before build');
    const expr = orQuery(query);
    if (!expr) return [];
    return (this.stmt.all(expr, k) as number[]).map((rowid) => this.ids[rowid - 1]!);
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = null;
    this.stmt = null;
  }
}

/**
 * k papers drawn at random without replacement. The draw depends only on the seed and the query
 * text, so every run, and every order of running the queries, gives the same lists.
 */
export class RandomRanker implements Ranker {
  readonly name = 'random';
  private ids: string[] = [];

  constructor(private readonly seed = 42) {}

  async build(docs: EvalDoc[], _opts?: { withTitles: boolean }): Promise<void> {
    this.ids = docs.map((d) => d.id);
  }

  async search(query: string, k: number): Promise<string[]> {
    const rnd = mulberry32(hash32(`${this.seed}\u0000${query}`));
    const pool = this.ids.slice();
    const n = Math.min(k, pool.length);
    // Partial Fisher–Yates: the first n slots end up a uniform sample.
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(rnd() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    return pool.slice(0, n);
  }
}

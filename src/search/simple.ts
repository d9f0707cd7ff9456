/**
 * Simple lexical search: the papers whose title, authors or abstract contain the query's words,
 * best first (BM25 on SQLite's FTS5, ts_rank on PostgreSQL). Words are passed as quoted strings,
 * so nothing a user types reaches an engine's query syntax. The search issue replaces this with
 * hybrid ranking; its callers (the API and the search page) keep their shape.
 */
import { sql } from 'kysely';
import type { Store } from '../db/connect.js';
import { getPapersBySeq } from '../papers/repository.js';
import type { Paper } from '../papers/repository.js';
import { ftsSeqs } from './sync.js';

/** The words of a query, lowercased, at most 32 of them. */
export function queryWords(q: string): string[] {
  return (q.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 32);
}

/** Papers matching all the words of `q`, best first; falls back to any word when all of them match nothing. */
export async function simpleSearch(store: Store, q: string, limit: number): Promise<Paper[]> {
  const words = queryWords(q);
  if (words.length === 0) return [];
  let seqs = await matchSeqs(store, words, 'all', limit);
  if (seqs.length === 0 && words.length > 1) seqs = await matchSeqs(store, words, 'any', limit);
  return getPapersBySeq(store, seqs);
}

async function matchSeqs(store: Store, words: string[], mode: 'all' | 'any', limit: number): Promise<number[]> {
  if (store.dialect === 'sqlite') {
    const expr = words.map((w) => `"${w.replace(/"/g, '""')}"`).join(mode === 'all' ? ' AND ' : ' OR ');
    // Title above authors above abstract.
    return ftsSeqs(store, 'SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY bm25(papers_fts, 10.0, 5.0, 1.0) LIMIT ?', [expr, limit]);
  }
  const tsquery = words.map((w) => w.replace(/[^\p{L}\p{N}]/gu, '')).filter(Boolean).join(mode === 'all' ? ' & ' : ' | ');
  if (!tsquery) return [];
  const r = await sql<{ seq: number }>`SELECT seq FROM papers, to_tsquery('english', ${tsquery}) q WHERE search_vector @@ q ORDER BY ts_rank(search_vector, q) DESC, seq DESC LIMIT ${limit}`.execute(store.db);
  return r.rows.map((x) => Number(x.seq));
}

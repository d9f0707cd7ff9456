/**
 * Where an instance keeps its search indexes: one directory per database (SEARCH_DIR to choose
 * it), holding `lexical/` (the BM25F segments) and `vectors/` (the vector index). They are
 * derived data: deleting the directory loses nothing, the next start (or `dailypapers search
 * rebuild`) builds them again from the catalog's change log.
 *
 * SQLite: beside the database file (`./data/dailypapers.db` → `./data/dailypapers.db.search/`).
 * PostgreSQL: `./data/search-<host>-<database>-<hash>/` on the machine the instance runs on; each
 * app instance keeps its own copy (or shares one directory: a second process finding it locked
 * loads it read-only and tails the change log in memory), and all converge on the same catalog.
 */
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { parseDatabaseUrl } from '../db/connect.js';

export function searchRoot(databaseUrl: string, env: Record<string, string | undefined> = process.env): string {
  const chosen = env.SEARCH_DIR?.trim();
  if (chosen) return resolve(chosen);
  const target = parseDatabaseUrl(databaseUrl);
  if (target.dialect === 'sqlite') return `${resolve(target.file)}.search`;
  const u = new URL(target.url);
  const db = u.pathname.replace(/^\//, '') || 'postgres';
  const hash = createHash('sha256').update(`${u.hostname}:${u.port}/${db}${u.search}`).digest('hex').slice(0, 8);
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 40);
  return resolve('data', `search-${safe(u.hostname)}-${safe(db)}-${hash}`);
}

export const lexicalDir = (root: string): string => join(root, 'lexical');
export const vectorsDir = (root: string): string => join(root, 'vectors');

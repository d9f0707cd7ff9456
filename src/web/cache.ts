/**
 * Hot answers kept in memory until the data changes. Each entry carries the store's change
 * token read before the data: SQLite's data_version (other connections' commits) with
 * total_changes() (this connection's writes), PostgreSQL's WAL position. Reading the token
 * first makes an entry at least as new as its token, so an unchanged token means a current
 * entry. Entries also expire after a few seconds, and the oldest go first when full.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import type { Store } from '../db/connect.js';

interface Entry<T> {
  token: string | null;
  expires: number;
  value: Promise<T>;
}

const sqliteProbes = new WeakMap<BetterSqlite3.Database, () => string>();

function sqliteToken(db: BetterSqlite3.Database): string {
  let probe = sqliteProbes.get(db);
  if (!probe) {
    const version = db.prepare('PRAGMA data_version').pluck();
    const changes = db.prepare('SELECT total_changes()').pluck();
    probe = () => `${version.get()}:${changes.get()}`;
    sqliteProbes.set(db, probe);
  }
  return probe();
}

const pgRefused = new WeakSet<Store>();

/**
 * A token that changes whenever the store's data may have changed; null when the store cannot
 * tell (PostgreSQL refusing the WAL query), in which case callers rely on expiry alone.
 */
export async function changeToken(store: Store): Promise<string | null> {
  if (store.sqlite) return sqliteToken(store.sqlite);
  if (pgRefused.has(store)) return null;
  try {
    const r = await sql<{ lsn: string }>`SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_insert_lsn() END)::text AS lsn`.execute(store.db);
    return r.rows[0]?.lsn ?? null;
  } catch {
    pgRefused.add(store);
    return null;
  }
}

/** Memoizes computed values by key for as long as the store's data is unchanged. */
export class ChangeCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly store: Store,
    private readonly maxEntries = 256,
    private readonly maxAgeMs = 10_000,
  ) {}

  /** The cached value for `key`, or `compute()` stored under the current change token. */
  async get(key: string, compute: () => Promise<T>): Promise<T> {
    const token = await changeToken(this.store);
    const now = performance.now();
    const hit = this.entries.get(key);
    if (hit && hit.token === token && hit.expires > now) return hit.value;
    const value = compute();
    const entry: Entry<T> = { token, expires: now + this.maxAgeMs, value };
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }
}

/**
 * Leases: with several app instances on one PostgreSQL, a scheduled job runs on one of them.
 * A lease is a row (name, holder, expires_at); taking it succeeds when it is free, expired, or
 * already ours. Works the same on SQLite, where there is one instance.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Store } from '../db/connect.js';

/** This process, as a lease holder. */
export const HOLDER = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/** Takes or renews the lease; true when this holder now has it. */
export async function acquireLease(store: Store, name: string, ttlMs: number, now: Date, holder = HOLDER): Promise<boolean> {
  const at = now.toISOString();
  const expires = new Date(now.getTime() + ttlMs).toISOString();
  await store.db
    .insertInto('job_leases')
    .values({ name, holder, expires_at: expires })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ holder, expires_at: expires })
        .where((eb) => eb.or([eb('job_leases.expires_at', '<', at), eb('job_leases.holder', '=', holder)])),
    )
    .execute();
  const row = await store.db.selectFrom('job_leases').select('holder').where('name', '=', name).executeTakeFirst();
  return row?.holder === holder;
}

/** Gives the lease up early (the job finished). */
export async function releaseLease(store: Store, name: string, holder = HOLDER): Promise<void> {
  await store.db.deleteFrom('job_leases').where('name', '=', name).where('holder', '=', holder).execute();
}

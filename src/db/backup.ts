/**
 * `db backup`: a consistent copy of a live SQLite database through SQLite's online backup API,
 * safe while the server keeps writing. The copy is written next to the target and renamed into
 * place, so an interrupted backup never leaves a half file under the target's name.
 */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { parseDatabaseUrl } from './connect.js';
import { UserError, errorMessage } from '../errors.js';

export async function backupSqlite(databaseUrl: string, target: string): Promise<{ file: string; pages: number }> {
  const source = parseDatabaseUrl(databaseUrl);
  if (source.dialect !== 'sqlite') {
    throw new UserError('backup_not_sqlite', 'db backup copies the embedded SQLite database; for PostgreSQL use pg_dump.');
  }
  const from = resolve(source.file);
  if (!existsSync(from)) throw new UserError('no_database', `There is no database at ${from} to back up.`);
  const file = resolve(target);
  if (file === from) throw new UserError('backup_onto_itself', 'The backup file must not be the database itself.');
  if (!existsSync(dirname(file)) || !statSync(dirname(file)).isDirectory()) {
    throw new UserError('backup_target', `The directory ${dirname(file)} does not exist.`);
  }
  const partial = `${file}.partial`;
  const db = new BetterSqlite3(from, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    const result = await db.backup(partial);
    renameSync(partial, file);
    return { file, pages: result.totalPages };
  } catch (err) {
    rmSync(partial, { force: true });
    throw new UserError('backup_failed', `Backup to ${file} failed: ${errorMessage(err)}`);
  } finally {
    db.close();
  }
}

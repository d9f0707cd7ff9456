/**
 * The whole catalog newest first, a keyset page at a time: by arXiv announcement day (the listing
 * day of the first version), newest first, then most recently added first; papers with no known
 * day last. That is the order of the home page (recentPapers) and of the index on
 * (announce_day, seq), so a page costs an index range scan however deep it is. The cursor is
 * opaque to clients: base64url of the JSON [announceDay | null, seq] of the previous page's last paper.
 */
import type { Store } from '../../db/connect.js';
import { UserError } from '../../errors.js';
import { paperQuery, rowToPaper, type Paper } from '../../papers/repository.js';
import { clip } from '../params.js';

/** Where a page starts: just after this paper in the order. */
export interface CatalogCursor {
  day: string | null;
  seq: number;
}

/** The cursor that continues after a paper. */
export function encodeCursor(p: Paper): string {
  return Buffer.from(JSON.stringify([p.announceDay, p.seq])).toString('base64url');
}

/** Reads a cursor; anything this API did not hand out is a 400. */
export function decodeCursor(text: string): CatalogCursor {
  const bad = () => new UserError('bad_cursor', `cursor: "${clip(text)}" is not a cursor from this API. Use the one in the previous page's Link header, or leave it out for the first page.`);
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(text)) throw bad();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(value) || value.length !== 2) throw bad();
  const [day, seq] = value as unknown[];
  if (!(day === null || (typeof day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(day)))) throw bad();
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) throw bad();
  return { day, seq };
}

/** A page of papers after `after` (from the newest when null), and whether more follow. */
export async function newestPapers(store: Store, after: CatalogCursor | null, limit: number): Promise<{ papers: Paper[]; more: boolean }> {
  const want = limit + 1;
  let rows: Paper[] = [];
  // Papers with a day first, then those without.
  if (!after || after.day !== null) {
    let q = paperQuery(store).where('papers.announce_day', 'is not', null);
    if (after) q = q.where((eb) => eb(eb.refTuple('papers.announce_day', 'papers.seq'), '<', eb.tuple(after.day!, after.seq)));
    rows = (await q.orderBy('papers.announce_day', 'desc').orderBy('papers.seq', 'desc').limit(want).execute()).map(rowToPaper);
  }
  if (rows.length < want) {
    let q = paperQuery(store).where('papers.announce_day', 'is', null);
    if (after && after.day === null) q = q.where('papers.seq', '<', after.seq);
    const rest = await q.orderBy('papers.seq', 'desc').limit(want - rows.length).execute();
    rows = rows.concat(rest.map(rowToPaper));
  }
  return { papers: rows.slice(0, limit), more: rows.length > limit };
}

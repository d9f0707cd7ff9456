/**
 * An author's papers, newest first. The lexical search index finds candidates (every word of
 * the name in the authors field); an exact comparison of normalized names then keeps only papers
 * by exactly this author, so "Wei Wang" does not match "Wei Wang-Li" or a title about Wang.
 */
import type { Store } from '../db/connect.js';
import { getPapersBySeq, type Paper } from '../papers/repository.js';
import type { PaperAuthor } from '../papers/model.js';
import { authorKey } from '../papers/names.js';
import type { SearchService } from '../search/service.js';

export { authorKey };

/** Candidates can be many for a common name; this bounds the work per request. */
const MAX_CANDIDATES = 20_000;

/** The author's papers (page) and how many there are. */
export async function papersByAuthor(store: Store, search: SearchService, name: string, page: { limit: number; offset: number }): Promise<{ papers: Paper[]; total: number }> {
  const key = authorKey(name);
  if (!key) return { papers: [], total: 0 };
  const candidates = await search.authorCandidates(key, MAX_CANDIDATES);
  if (candidates.length === 0) return { papers: [], total: 0 };
  // Exact match on the stored author list, then newest first.
  const rows: Array<{ seq: number; authors: string; submitted_at: string | null }> = [];
  for (let i = 0; i < candidates.length; i += 5000) {
    const chunk = candidates.slice(i, i + 5000);
    rows.push(...(await store.db.selectFrom('papers').select(['seq', 'authors', 'submitted_at']).where('seq', 'in', chunk).execute()));
  }
  const matching = rows
    .filter((r) => (JSON.parse(r.authors) as PaperAuthor[]).some((a) => authorKey(a.name) === key))
    .sort((a, b) => (b.submitted_at ?? '').localeCompare(a.submitted_at ?? '') || Number(b.seq) - Number(a.seq));
  const pageSeqs = matching.slice(page.offset, page.offset + page.limit).map((r) => Number(r.seq));
  return { papers: await getPapersBySeq(store, pageSeqs), total: matching.length };
}

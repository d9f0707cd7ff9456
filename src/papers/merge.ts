/**
 * How a paper record from a source combines with what the store already has. Pure: the store
 * reads the current row, asks `mergePaper` for the new values, and writes them.
 *
 * Rules, in words:
 * - A field the source does not carry (undefined) keeps its stored value.
 * - A record of a newer version wins for the paper's text (title, abstract, authors, comments,
 *   categories…); a record of an older version only fills fields the store lacks.
 * - At the same version, a value wins over an absence (a DOI added later without a new
 *   version), and the richer author list (with affiliations) wins.
 * - Journal references and DOIs are publication facts: a newer version without one does not
 *   erase them.
 * - Versions are the union of both lists, keeping every known date and size.
 * - The announcement day is the one a source states (an RSS listing), else the one arXiv's
 *   calendar gives for the first version's submission time.
 */
import type { NormalizedPaper, PaperAuthor, PaperVersion } from './model.js';
import { latestVersion } from './model.js';
import { announcementDay, type Calendar } from './calendar.js';

/** The stored paper fields that merging reads and writes. */
export interface PaperValues {
  id: string;
  version: number;
  title: string;
  abstract: string;
  authors: PaperAuthor[];
  categories: string[];
  versions: PaperVersion[];
  comments: string | null;
  journalRef: string | null;
  doi: string | null;
  reportNo: string | null;
  license: string | null;
  submitter: string | null;
  submittedAt: string | null;
  updatedAt: string | null;
  announceDay: string | null;
}

type Nullable = 'comments' | 'journalRef' | 'doi' | 'reportNo' | 'license' | 'submitter';
const NULLABLE: Nullable[] = ['comments', 'journalRef', 'doi', 'reportNo', 'license', 'submitter'];
const PERSISTENT: ReadonlySet<Nullable> = new Set(['journalRef', 'doi']);

/** Combines a stored paper (or null) with an incoming record; returns the values to store. */
export function mergePaper(existing: PaperValues | null, incoming: NormalizedPaper, calendar: Calendar): PaperValues {
  const inV = latestVersion(incoming);
  if (!existing) return fromIncoming(incoming, inV, calendar);

  const exV = existing.version;
  const order = inV > exV ? 'newer' : inV === exV ? 'same' : 'older';
  const merged: PaperValues = { ...existing, version: Math.max(inV, exV) };

  const text = (cur: string, next: string | undefined): string => {
    if (!next) return cur;
    if (order === 'older') return cur || next;
    return next;
  };
  merged.title = text(existing.title, incoming.title);
  merged.abstract = text(existing.abstract, incoming.abstract);

  if (incoming.authors.length > 0) {
    if (existing.authors.length === 0 || order === 'newer') merged.authors = incoming.authors;
    else if (order === 'same' && affiliationCount(incoming.authors) >= affiliationCount(existing.authors)) {
      merged.authors = incoming.authors;
    }
  }

  for (const f of NULLABLE) {
    const next = incoming[f];
    if (next === undefined) continue;
    const cur = existing[f];
    if (order === 'older' || (order === 'same' && next === null) || (PERSISTENT.has(f) && next === null)) {
      merged[f] = cur ?? next;
    } else {
      merged[f] = next;
    }
  }

  if (incoming.categories.length > 0) {
    merged.categories =
      order === 'newer' || existing.categories.length === 0
        ? incoming.categories
        : unique([...existing.categories, ...incoming.categories]);
  }

  merged.versions = mergeVersions(existing.versions, incoming.versions);
  merged.submittedAt = firstSubmitted(merged.versions) ?? existing.submittedAt ?? incoming.submittedAt ?? null;
  merged.updatedAt = lastUpdated(merged.versions) ?? maxIso(existing.updatedAt, incoming.updatedAt ?? null);
  merged.announceDay = incoming.announceDay ?? (merged.submittedAt ? announcementDay(merged.submittedAt, calendar) : existing.announceDay);
  return merged;
}

function fromIncoming(p: NormalizedPaper, version: number, calendar: Calendar): PaperValues {
  const versions = mergeVersions([], p.versions);
  const submittedAt = firstSubmitted(versions) ?? p.submittedAt ?? null;
  return {
    id: p.id,
    version,
    title: p.title,
    abstract: p.abstract,
    authors: p.authors,
    categories: unique(p.categories),
    versions,
    comments: p.comments ?? null,
    journalRef: p.journalRef ?? null,
    doi: p.doi ?? null,
    reportNo: p.reportNo ?? null,
    license: p.license ?? null,
    submitter: p.submitter ?? null,
    submittedAt,
    updatedAt: lastUpdated(versions) ?? p.updatedAt ?? submittedAt,
    announceDay: p.announceDay ?? (submittedAt ? announcementDay(submittedAt, calendar) : null),
  };
}

/** Union of two version lists by number, ascending, keeping known dates and sizes. */
export function mergeVersions(a: PaperVersion[], b: PaperVersion[]): PaperVersion[] {
  if (b.length === 0) return a;
  const byNumber = new Map<number, PaperVersion>();
  for (const v of a) byNumber.set(v.version, v);
  for (const v of b) {
    const cur = byNumber.get(v.version);
    if (!cur) byNumber.set(v.version, v);
    else {
      const merged: PaperVersion = { version: v.version, submittedAt: v.submittedAt ?? cur.submittedAt };
      const size = v.size ?? cur.size;
      if (size) merged.size = size;
      byNumber.set(v.version, merged);
    }
  }
  return [...byNumber.values()].sort((x, y) => x.version - y.version);
}

/** True when two value sets would store the same row. */
export function sameValues(a: PaperValues, b: PaperValues): boolean {
  return (
    a.version === b.version &&
    a.title === b.title &&
    a.abstract === b.abstract &&
    a.comments === b.comments &&
    a.journalRef === b.journalRef &&
    a.doi === b.doi &&
    a.reportNo === b.reportNo &&
    a.license === b.license &&
    a.submitter === b.submitter &&
    a.submittedAt === b.submittedAt &&
    a.updatedAt === b.updatedAt &&
    a.announceDay === b.announceDay &&
    a.categories.join(' ') === b.categories.join(' ') &&
    JSON.stringify(a.authors) === JSON.stringify(b.authors) &&
    JSON.stringify(a.versions) === JSON.stringify(b.versions)
  );
}

function firstSubmitted(versions: PaperVersion[]): string | null {
  const v1 = versions.find((v) => v.version === 1);
  return v1?.submittedAt ?? null;
}

function lastUpdated(versions: PaperVersion[]): string | null {
  for (let i = versions.length - 1; i >= 0; i--) {
    const at = versions[i]!.submittedAt;
    if (at) return at;
  }
  return null;
}

function maxIso(a: string | null, b: string | null): string | null {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}

function affiliationCount(authors: PaperAuthor[]): number {
  let n = 0;
  for (const a of authors) n += a.affiliations?.length ?? 0;
  return n;
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

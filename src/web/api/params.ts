/**
 * API query parameters, parsed strictly: a malformed value is a 400 whose message names the
 * parameter and says what a good value looks like. Empty values count as absent.
 */
import { UserError } from '../../errors.js';
import { parsePeriod, type Period, type PeriodKind } from '../../feed/periods.js';
import type { FeaturedSort } from '../../feed/featured.js';
import { clip } from '../params.js';

/** Query values as Hono gives them (c.req.query()). */
export type Query = Record<string, string | undefined>;

/** The value of a parameter, undefined when absent or empty. */
export function given(q: Query, name: string): string | undefined {
  const v = q[name];
  return v === undefined || v === '' ? undefined : v;
}

/** A whole number in [min, max] written in plain digits (`meaning` says what it counts); `fallback` when absent. */
function intParam(q: Query, name: string, min: number, max: number, fallback: number, meaning: string): number {
  const v = given(q, name);
  if (v === undefined) return fallback;
  if (!/^\d{1,9}$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new UserError(`bad_${name}`, `${name}: "${clip(v)}" is not allowed. Use ${meaning} from ${min} to ${max}.`);
  }
  return Number(v);
}

/** `limit`: page size, 1 to `max`. */
export function limitParam(q: Query, max: number, fallback: number): number {
  return intParam(q, 'limit', 1, max, fallback, 'a whole number of results');
}

/** The highest `p` accepted. */
export const MAX_PAGE = 100_000;

/** `p`: 0-based page number. */
export function pageParam(q: Query): number {
  return intParam(q, 'p', 0, MAX_PAGE, 0, 'a 0-based page number');
}

/** Sort orders of /api/daily_papers besides the default (upvotes). */
export const DAILY_SORTS = ['publishedAt', 'trending'] as const;

/** `sort`: publishedAt or trending; absent means upvotes. */
export function sortParam(q: Query): FeaturedSort {
  const v = given(q, 'sort');
  if (v === undefined) return 'upvotes';
  if ((DAILY_SORTS as readonly string[]).includes(v)) return v as FeaturedSort;
  throw new UserError('bad_sort', `sort: "${clip(v)}" is not a sort order. Use publishedAt or trending, or leave it out to rank by upvotes.`);
}

const PERIOD_PARAMS: Array<[string, PeriodKind]> = [
  ['date', 'day'],
  ['week', 'week'],
  ['month', 'month'],
];

/** At most one of `date` (YYYY-MM-DD), `week` (YYYY-Www) and `month` (YYYY-MM); null when none. */
export function periodParam(q: Query): Period | null {
  const present = PERIOD_PARAMS.filter(([name]) => given(q, name) !== undefined);
  if (present.length > 1) {
    throw new UserError('conflicting_period', `Use only one of date, week and month (got ${present.map(([n]) => n).join(' and ')}).`);
  }
  const [name, kind] = present[0] ?? [];
  if (!name || !kind) return null;
  try {
    return parsePeriod(kind, given(q, name)!);
  } catch (err) {
    if (err instanceof UserError) throw new UserError(err.code, `${name}: ${err.message}`);
    throw err;
  }
}

/** `submitter`: a Hugging Face user name (letters, digits, '-', '_', '.'). */
export function submitterParam(q: Query): string | undefined {
  const v = given(q, 'submitter');
  if (v === undefined || /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/.test(v)) return v;
  throw new UserError('bad_submitter', `submitter: "${clip(v)}" is not a user name. User names are letters, digits, "-", "_" and ".", for example taesiri.`);
}

/** `q`: the search text, required. */
export function searchParam(q: Query): string {
  const v = given(q, 'q')?.trim();
  if (!v) throw new UserError('missing_query', 'q: give the words to search for, for example ?q=language+models.');
  if (v.length > 500) throw new UserError('bad_query', 'q: the search text is too long (at most 500 characters).');
  return v;
}

/**
 * Feed parameters, parsed strictly: anything malformed is a UserError (400) whose message says
 * what a good value looks like, without repeating the value. Unknown parameters are ignored.
 */
import { isUserError, UserError } from '../../errors.js';
import { parsePeriod, type Period } from '../../feed/periods.js';

/** Items in a feed unless ?limit= says otherwise. */
const DEFAULT_LIMIT = 50;
/** The most ?limit= may ask for. */
const MAX_LIMIT = 100;

/** ?limit=: a whole number from 1 to MAX_LIMIT; absent or empty means DEFAULT_LIMIT. */
export function limitParam(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_LIMIT;
  const n = Number(value);
  if (!/^\d{1,3}$/.test(value) || n < 1 || n > MAX_LIMIT) {
    throw new UserError('bad_limit', `limit must be a whole number from 1 to ${MAX_LIMIT}.`);
  }
  return n;
}

type PeriodParam = 'date' | 'week' | 'month';

const PERIOD_FORMATS: Record<PeriodParam, string> = {
  date: 'a day, YYYY-MM-DD (for example 2026-06-01)',
  week: 'an ISO week, YYYY-Www (for example 2026-W23)',
  month: 'a month, YYYY-MM (for example 2026-06)',
};

/** At most one of ?date=, ?week= and ?month= (empty ones ignored); null when none is given. */
export function periodParam(query: Partial<Record<PeriodParam, string>>): Period | null {
  const given = (['date', 'week', 'month'] as const).filter((k) => query[k]);
  if (given.length > 1) throw new UserError('bad_period', 'Give at most one of date, week and month.');
  const key = given[0];
  return key === undefined ? null : period(key, query[key]!);
}

/** A day from ?date= (YYYY-MM-DD); null when absent or empty. */
export function dayParam(value: string | undefined): string | null {
  return value ? period('date', value).start : null;
}

/** parsePeriod with a message that does not repeat the value: error messages never echo input. */
function period(param: PeriodParam, value: string): Period {
  try {
    return parsePeriod(param === 'date' ? 'day' : param, value);
  } catch (err) {
    if (!isUserError(err)) throw err;
    throw new UserError(err.code, `${param} must be ${PERIOD_FORMATS[param]}.`);
  }
}

/** arXiv category ids: an archive (hep-th, q-fin, cond-mat) with an optional subject class (cs.LG, physics.acc-ph). */
const CATEGORY = /^[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z]+(?:-[a-z]+)?)?$/;

/** An arXiv category id, well formed (whether it has papers is not checked). */
export function categoryParam(value: string): string {
  if (value.length > 40 || !CATEGORY.test(value)) {
    throw new UserError('bad_category', 'category must be an arXiv category id such as cs.LG, math.CO or hep-th.');
  }
  return value;
}

/** The optional ?category= filter; absent or empty means every category. */
export function categoryFilter(value: string | undefined): string | undefined {
  return value ? categoryParam(value) : undefined;
}

/** An author's name from the path: some letters or digits, at most 200 characters. */
export function authorParam(value: string): string {
  const name = value.trim();
  if (name.length > 200 || !/[\p{L}\p{N}]/u.test(name)) {
    throw new UserError('bad_author', 'The author must be a name of at most 200 characters, for example /feeds/authors/Yoshua%20Bengio.rss.');
  }
  return name;
}

/** ?q=: the search words, required, at most 500 characters. */
export function queryParam(value: string | undefined): string {
  const q = (value ?? '').trim();
  if (q === '') throw new UserError('bad_query', 'q is required: /feeds/search.rss?q=diffusion+models.');
  if (q.length > 500) throw new UserError('bad_query', 'q must be at most 500 characters.');
  return q;
}

/** Query and path parameters: parsed strictly; a bad value is a 400 with a message saying what is expected. */
import { UserError } from '../errors.js';

/** A 1-based page number from ?page=; absent means 1. */
export function pageParam(value: string | undefined, maxPage = 100_000): number {
  if (value === undefined || value === '') return 1;
  if (!/^\d{1,7}$/.test(value) || Number(value) < 1 || Number(value) > maxPage) {
    throw new UserError('bad_page', `"${clip(value)}" is not a page number: use a whole number from 1 to ${maxPage}.`);
  }
  return Number(value);
}

/** A YYYY-MM-DD day that exists in the calendar. */
export function dayParam(value: string, name = 'date'): string {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : null;
  if (!t || Number.isNaN(t.getTime()) || t.toISOString().slice(0, 10) !== value) {
    throw new UserError('bad_date', `"${clip(value)}" is not a valid ${name}: use YYYY-MM-DD, for example 2025-08-20.`);
  }
  return value;
}

/** arXiv category ids: an archive (hep-th, cond-mat) with an optional subject class (cs.LG, physics.acc-ph). */
const CATEGORY = /^[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z]+(?:-[a-z]+)?)?$/;

/** An arXiv category id, well formed (whether it has papers is the caller's question). */
export function categoryParam(value: string): string {
  if (value.length > 40 || !CATEGORY.test(value)) {
    throw new UserError('bad_category', `"${clip(value)}" is not an arXiv category: use an id such as cs.LG, math.CO or hep-th.`);
  }
  return value;
}

/** The optional ?category= filter of the feeds; absent or empty means every category. */
export function categoryFilter(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : categoryParam(value);
}

/** A search query from ?q=, trimmed; absent means empty. */
export function queryParam(value: string | undefined, maxLength = 500): string {
  const q = (value ?? '').trim();
  if (q.length > maxLength) throw new UserError('bad_query', `The search is too long: use at most ${maxLength} characters.`);
  return q;
}

/** Text of a user's value fit for an error message (the page escapes it). */
export function clip(value: string, max = 60): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}

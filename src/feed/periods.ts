/**
 * Feed periods: a day (2026-06-01), an ISO week (2026-W23) or a month (2026-06), each a
 * half-open range of days [start, end). Parsing is strict; a malformed period is a UserError
 * that says what a good one looks like.
 */
import { UserError } from '../errors.js';
import { addDays, isoWeekday } from '../papers/calendar.js';

export type PeriodKind = 'day' | 'week' | 'month';

export interface Period {
  kind: PeriodKind;
  /** 2026-06-01, 2026-W23 or 2026-06 */
  key: string;
  /** first day, YYYY-MM-DD */
  start: string;
  /** first day after the period, YYYY-MM-DD */
  end: string;
}

const EXAMPLES: Record<PeriodKind, string> = { day: '2026-06-01', week: '2026-W23', month: '2026-06' };

function bad(kind: PeriodKind, value: string): UserError {
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  const what = kind === 'day' ? 'date (YYYY-MM-DD)' : kind === 'week' ? 'ISO week (YYYY-Www)' : 'month (YYYY-MM)';
  return new UserError(`bad_${kind === 'day' ? 'date' : kind}`, `"${shown}" is not a valid ${what}, for example ${EXAMPLES[kind]}.`);
}

function validDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const t = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === value;
}

/** Parses a period of the given kind; throws UserError on anything malformed. */
export function parsePeriod(kind: PeriodKind, value: string): Period {
  if (kind === 'day') {
    if (!validDay(value)) throw bad('day', value);
    return { kind, key: value, start: value, end: addDays(value, 1) };
  }
  if (kind === 'week') {
    const m = /^(\d{4})-W(\d{2})$/.exec(value);
    if (!m) throw bad('week', value);
    const year = Number(m[1]);
    const week = Number(m[2]);
    if (week < 1 || week > isoWeeksInYear(year)) throw bad('week', value);
    const start = addDays(isoWeekOneMonday(year), (week - 1) * 7);
    return { kind, key: value, start, end: addDays(start, 7) };
  }
  const m = /^(\d{4})-(\d{2})$/.exec(value);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw bad('month', value);
  const start = `${value}-01`;
  const next = Number(m[2]) === 12 ? `${Number(m[1]) + 1}-01-01` : `${m[1]}-${String(Number(m[2]) + 1).padStart(2, '0')}-01`;
  return { kind, key: value, start, end: next };
}

/** The period of a kind that contains a day. */
export function periodOf(kind: PeriodKind, day: string): Period {
  if (kind === 'day') return parsePeriod('day', day);
  if (kind === 'month') return parsePeriod('month', day.slice(0, 7));
  return parsePeriod('week', isoWeekKey(day));
}

/** "2026-W23" for a day. */
export function isoWeekKey(day: string): string {
  // The ISO year of a day is the year of the Thursday of its week.
  const thursday = addDays(day, 4 - isoWeekday(day));
  const year = Number(thursday.slice(0, 4));
  const week = Math.floor(daysBetween(isoWeekOneMonday(year), thursday) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** A heading for a period: "Mon, 1 Jun 2026", "Week 23 of 2026 (1–7 Jun)", "June 2026". */
export function periodTitle(p: Period): string {
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  const short = (d: string) => `${Number(d.slice(8, 10))} ${months[Number(d.slice(5, 7)) - 1]!.slice(0, 3)}`;
  if (p.kind === 'month') return `${months[Number(p.key.slice(5, 7)) - 1]} ${p.key.slice(0, 4)}`;
  if (p.kind === 'week') return `Week ${Number(p.key.slice(6))} of ${p.key.slice(0, 4)} (${short(p.start)} – ${short(addDays(p.end, -1))})`;
  const d = new Date(`${p.start}T00:00:00Z`);
  return `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()]}, ${short(p.start)} ${p.start.slice(0, 4)}`;
}

function isoWeekOneMonday(year: number): string {
  // Week 1 contains January 4th.
  const jan4 = `${year}-01-04`;
  return addDays(jan4, 1 - isoWeekday(jan4));
}

function isoWeeksInYear(year: number): number {
  return isoWeekKey(`${year}-12-28`) === `${year}-W53` ? 53 : 52;
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

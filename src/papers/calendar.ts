/**
 * arXiv's announcement calendar.
 *
 * arXiv takes submissions until 14:00 US Eastern on weekdays and announces them at 20:00
 * Eastern, Sunday to Thursday; nothing is announced on Friday or Saturday evenings:
 *
 *   submitted Mon 14:00 – Tue 14:00  → announced Tue 20:00 → listing of Wednesday
 *   submitted Thu 14:00 – Fri 14:00  → announced Sun 20:00 → listing of Monday
 *   submitted Fri 14:00 – Mon 14:00  → announced Mon 20:00 → listing of Tuesday
 *
 * A paper's "announcement day" is the date of the listing it first appears in, as arXiv names
 * its listings and RSS feeds ("new submissions for Wed, 20 Aug 2025", published
 * 2025-08-20T00:00-04:00): the Eastern date after the 20:00 announcement. Listing days are
 * therefore Monday to Friday. Holidays are listing days arXiv skips; their papers move to the
 * next listing.
 */
import { memoize } from '../memo.js';

export const ARXIV_TIME_ZONE = 'America/New_York';
const CUTOFF_HOUR = 14;
const ANNOUNCE_HOUR = 20;

export interface Calendar {
  /** listing days (YYYY-MM-DD) on which arXiv makes no announcement */
  holidays: ReadonlySet<string>;
}

export const DEFAULT_CALENDAR: Calendar = { holidays: new Set() };

/**
 * The listing day (YYYY-MM-DD, arXiv's date) on which a paper submitted at `submittedAt` appears.
 *
 * Computed on day numbers (days since 1970-01-01) rather than date texts: a bulk import asks this
 * for every paper, and the text arithmetic (a Date parsed and formatted per step) cost ~5 µs a
 * paper, a sixth of parsing a snapshot record. The Eastern offset comes from offsetAt (Intl,
 * cached per UTC day); days are formatted once each (dayText).
 */
export function announcementDay(submittedAt: Date | string, cal: Calendar = DEFAULT_CALENDAR): string {
  const ms = typeof submittedAt === 'string' ? Date.parse(submittedAt) : submittedAt.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`Invalid time value: ${String(submittedAt)}`);
  const local = ms + offsetAt(ms) * 60_000;
  let day = Math.floor(local / DAY_MS);
  const hour = Math.floor((local - day * DAY_MS) / 3_600_000);
  // The cutoff that takes this submission: today's at 14:00 if it is a weekday and not past it.
  if (!(isWeekdayNumber(day) && hour < CUTOFF_HOUR)) day = nextWeekdayNumber(day);
  // Announced the evening of the cutoff day (Friday's on Sunday): listed the next weekday.
  let listing = nextWeekdayNumber(day);
  if (cal.holidays.size > 0) while (cal.holidays.has(dayText(listing))) listing = nextWeekdayNumber(listing);
  return dayText(listing);
}

const DAY_MS = 86_400_000;

/** Monday to Friday, for a day number (1970-01-01, day 0, was a Thursday). */
function isWeekdayNumber(day: number): boolean {
  const w = (((day + 4) % 7) + 7) % 7; // 0 Sunday … 6 Saturday
  return w !== 0 && w !== 6;
}

function nextWeekdayNumber(day: number): number {
  let d = day + 1;
  while (!isWeekdayNumber(d)) d++;
  return d;
}

/** YYYY-MM-DD of a day number, formatted once per day. */
const dayText = memoize((day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10), 100_000);

/** The instant (UTC) of the announcement that produces a listing day: 20:00 Eastern the evening before (Sunday for Monday). */
export function announcementTime(listingDay: string): Date {
  return easternToUtc(addDays(listingDay, -1), ANNOUNCE_HOUR, 0);
}

/** The next listing day whose announcement happens strictly after `now`. */
export function nextListingDay(now: Date, cal: Calendar = DEFAULT_CALENDAR): string {
  let day = easternParts(now).date;
  for (let i = 0; i < 30; i++) {
    if (isWeekday(day) && !cal.holidays.has(day) && announcementTime(day).getTime() > now.getTime()) return day;
    day = addDays(day, 1);
  }
  throw new Error('no listing day within 30 days: check the holiday list');
}

/** The most recent listing day whose announcement has already happened at `now`. */
export function latestListingDay(now: Date, cal: Calendar = DEFAULT_CALENDAR): string {
  let day = addDays(easternParts(now).date, 1);
  for (let i = 0; i < 30; i++) {
    if (isWeekday(day) && !cal.holidays.has(day) && announcementTime(day).getTime() <= now.getTime()) return day;
    day = addDays(day, -1);
  }
  throw new Error('no listing day within 30 days: check the holiday list');
}

// ---- calendar arithmetic on YYYY-MM-DD strings (UTC-based, so no DST surprises) ----

export function addDays(day: string, n: number): string {
  const t = Date.parse(`${day}T00:00:00Z`) + n * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** ISO weekday: Monday 1 … Sunday 7. */
export function isoWeekday(day: string): number {
  const d = new Date(`${day}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

function isWeekday(day: string): boolean {
  return isoWeekday(day) <= 5;
}

// ---- US Eastern time without a dependency: Intl knows the DST rules ----

const easternFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: ARXIV_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

interface LocalParts {
  date: string;
  hour: number;
  minute: number;
}

/**
 * Eastern wall-clock parts of an instant. Intl is slow and bulk imports call this millions of
 * times, so offsets are cached per UTC day: a day whose first and last hour have the same
 * offset has it throughout; the two days a year with a DST switch fall back to per-hour lookups
 * (switches happen on the hour).
 */
export function easternParts(t: Date): LocalParts {
  const ms = t.getTime();
  const local = new Date(ms + offsetAt(ms) * 60_000);
  return {
    date: local.toISOString().slice(0, 10),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
  };
}

/** The Eastern offset of a whole UTC day, or null for a day with a DST switch. */
const dayOffset = memoize((day: number): number | null => {
  const first = intlOffsetMinutes(new Date(day * 86_400_000));
  const last = intlOffsetMinutes(new Date(day * 86_400_000 + 23 * 3_600_000));
  return first === last ? first : null;
}, 100_000);

function offsetAt(ms: number): number {
  return dayOffset(Math.floor(ms / 86_400_000)) ?? intlOffsetMinutes(new Date(Math.floor(ms / 3_600_000) * 3_600_000));
}

/** Minutes to add to UTC to get Eastern wall-clock time (-240 or -300). */
function intlOffsetMinutes(t: Date): number {
  const parts: Record<string, string> = {};
  for (const p of easternFormat.formatToParts(t)) parts[p.type] = p.value;
  const wall = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return Math.round((wall - Math.floor(t.getTime() / 1000) * 1000) / 60_000);
}

/** The UTC instant of a wall-clock time in US Eastern. */
export function easternToUtc(day: string, hour: number, minute: number): Date {
  const asUtc = Date.parse(`${day}T${pad(hour)}:${pad(minute)}:00Z`);
  // Eastern is UTC-5 or UTC-4; try both and keep the one that reads back as the asked time.
  for (const offsetHours of [4, 5]) {
    const guess = new Date(asUtc + offsetHours * 3_600_000);
    const back = easternParts(guess);
    if (back.date === day && back.hour === hour && back.minute === minute) return guess;
  }
  return new Date(asUtc + 5 * 3_600_000);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

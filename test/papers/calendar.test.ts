import { test } from 'node:test';
import assert from 'node:assert/strict';
import { announcementDay, announcementTime, nextListingDay, latestListingDay, easternToUtc } from '../../src/papers/calendar.js';

test('weekday submissions before the 14:00 Eastern cutoff are listed the next day', () => {
  // Tue 2025-08-19 13:59 EDT = 17:59Z → announced Tue 20:00 → listing Wed 2025-08-20
  assert.equal(announcementDay('2025-08-19T17:59:00Z'), '2025-08-20');
  // Tue 14:00 EDT exactly is past the cutoff → Wed's cutoff → listing Thu
  assert.equal(announcementDay('2025-08-19T18:00:00Z'), '2025-08-21');
  // Mon 2025-08-18 10:00 EDT → listing Tue 2025-08-19
  assert.equal(announcementDay('2025-08-18T14:00:00Z'), '2025-08-19');
});

test('Thursday-afternoon to Friday-cutoff papers are announced Sunday and listed Monday', () => {
  assert.equal(announcementDay('2025-08-21T19:00:00Z'), '2025-08-25'); // Thu 15:00 EDT
  assert.equal(announcementDay('2025-08-22T17:00:00Z'), '2025-08-25'); // Fri 13:00 EDT
});

test('Friday-afternoon and weekend papers are announced Monday and listed Tuesday', () => {
  assert.equal(announcementDay('2025-08-22T18:30:00Z'), '2025-08-26'); // Fri 14:30 EDT
  assert.equal(announcementDay('2025-08-23T12:00:00Z'), '2025-08-26'); // Sat
  assert.equal(announcementDay('2025-08-25T17:59:59Z'), '2025-08-26'); // Mon 13:59 EDT
});

test('daylight saving time: the cutoff follows Eastern wall-clock time', () => {
  // Winter (EST, UTC-5): Tue 2025-01-14 13:30 EST = 18:30Z, before the cutoff
  assert.equal(announcementDay('2025-01-14T18:30:00Z'), '2025-01-15');
  // Summer (EDT, UTC-4): 18:30Z is 14:30 EDT, after the cutoff
  assert.equal(announcementDay('2025-07-15T18:30:00Z'), '2025-07-17');
  // Late UTC evening is still the same Eastern day
  assert.equal(announcementDay('2025-01-15T03:00:00Z'), '2025-01-16'); // Tue 22:00 EST
});

test('holidays move papers to the next listing', () => {
  const cal = { holidays: new Set(['2025-11-27']) };
  // Tue 2025-11-25 15:00 EST → would be listed Thu 2025-11-27 (Thanksgiving) → Fri
  assert.equal(announcementDay('2025-11-25T20:00:00Z', cal), '2025-11-28');
  assert.equal(announcementDay('2025-11-25T20:00:00Z'), '2025-11-27');
});

test('announcement instants and the next and latest listing day', () => {
  assert.equal(announcementTime('2025-08-20').toISOString(), '2025-08-20T00:00:00.000Z');
  assert.equal(announcementTime('2025-01-13').toISOString(), '2025-01-13T01:00:00.000Z'); // Sun 20:00 EST
  assert.equal(easternToUtc('2025-03-09', 12, 0).toISOString(), '2025-03-09T16:00:00.000Z'); // DST starts that day
  const friNoon = new Date('2025-08-22T16:00:00Z');
  assert.equal(nextListingDay(friNoon), '2025-08-25');
  assert.equal(latestListingDay(friNoon), '2025-08-22');
  assert.equal(latestListingDay(new Date('2025-08-20T00:30:00Z')), '2025-08-20');
  assert.equal(latestListingDay(new Date('2025-08-19T23:30:00Z')), '2025-08-19');
});

test('Eastern time on the days daylight saving time starts and ends', async () => {
  const { easternParts } = await import('../../src/papers/calendar.js');
  // 2025-03-09: 02:00 EST jumps to 03:00 EDT (07:00Z)
  assert.deepEqual(easternParts(new Date('2025-03-09T06:30:00Z')), { date: '2025-03-09', hour: 1, minute: 30 });
  assert.deepEqual(easternParts(new Date('2025-03-09T07:30:00Z')), { date: '2025-03-09', hour: 3, minute: 30 });
  // 2025-11-02: 02:00 EDT falls back to 01:00 EST (06:00Z)
  assert.deepEqual(easternParts(new Date('2025-11-02T05:30:00Z')), { date: '2025-11-02', hour: 1, minute: 30 });
  assert.deepEqual(easternParts(new Date('2025-11-02T06:30:00Z')), { date: '2025-11-02', hour: 1, minute: 30 });
  // Mon 2025-03-10 13:30 EDT is before the cutoff; 14:30 EDT is after
  assert.equal(announcementDay('2025-03-10T17:30:00Z'), '2025-03-11');
  assert.equal(announcementDay('2025-03-10T18:30:00Z'), '2025-03-12');
});

test('announcement days agree with the calendar rules worked on date texts, hour by hour over years and DST switches', async () => {
  const { easternParts, addDays, isoWeekday } = await import('../../src/papers/calendar.js');
  // the rules as written in calendar.ts's header, on YYYY-MM-DD texts (the former implementation)
  const nextWeekday = (day: string) => {
    let d = addDays(day, 1);
    while (isoWeekday(d) > 5) d = addDays(d, 1);
    return d;
  };
  const cal = { holidays: new Set(['2024-12-25', '2025-01-01', '2025-11-27', '2025-11-28']) };
  const reference = (t: Date, c: { holidays: ReadonlySet<string> }) => {
    const local = easternParts(t);
    let day = local.date;
    if (!(isoWeekday(day) <= 5 && local.hour < 14)) day = nextWeekday(day);
    let listing = nextWeekday(day);
    while (c.holidays.has(listing)) listing = nextWeekday(listing);
    return listing;
  };
  let checked = 0;
  // every 37 minutes from 2023 to 2026 (both DST switches of each year), as stored texts and as Dates
  for (let ms = Date.UTC(2023, 0, 1); ms < Date.UTC(2026, 0, 1); ms += 37 * 60_000) {
    const t = new Date(ms);
    const iso = t.toISOString();
    assert.equal(announcementDay(iso), reference(t, { holidays: new Set() }), iso);
    assert.equal(announcementDay(t, cal), reference(t, cal), `${iso} with holidays`);
    checked++;
  }
  assert.ok(checked > 40_000);
  // before 1970 (negative day numbers): Thu 1969-12-25 10:00 EST → listed Fri 1969-12-26
  assert.equal(announcementDay('1969-12-25T15:00:00.000Z'), '1969-12-26');
  assert.throws(() => announcementDay('not a time'), RangeError);
  assert.throws(() => announcementDay('2025-08-19T17:61:00.000Z'), RangeError);
});

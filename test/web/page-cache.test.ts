/** The page cache: fresh nonces on cached pages, invalidation on writes, errors never cached. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, freshDb, skipPostgres, type TestDb } from '../engines.js';
import { loadSampleIfEmpty } from '../../src/sample.js';
import { loadConfig } from '../../src/config.js';
import { createApp } from '../../src/web/app.js';
import { upsertItems } from '../../src/papers/upsert.js';
import { DEFAULT_CALENDAR } from '../../src/papers/calendar.js';
import { setLogLevel } from '../../src/log.js';

const nonceOf = (res: Response) => /'nonce-([^']+)'/.exec(res.headers.get('content-security-policy') ?? '')?.[1];

for (const engine of ENGINES) {
  describe(`page cache on ${engine}`, async () => {
    const skip = engine === 'postgres' ? await skipPostgres() : false;
    let t: TestDb;
    let app: ReturnType<typeof createApp>;
    before(async () => {
      if (skip) return;
      setLogLevel('error');
      t = await freshDb(engine);
      await loadSampleIfEmpty(t.store, DEFAULT_CALENDAR);
      app = createApp({ store: t.store, search: await t.search(), config: loadConfig({ BASE_URL: 'https://papers.example' }), now: () => new Date('2026-10-04T00:00:00Z') });
    });
    after(async () => t?.cleanup());

    test('every response of a cached page carries its own nonce, matching its CSP', { skip }, async () => {
      const a = await app.request('/papers/date/2026-06-01');
      const b = await app.request('/papers/date/2026-06-01');
      const [ha, hb] = [await a.text(), await b.text()];
      const [na, nb] = [nonceOf(a), nonceOf(b)];
      assert.ok(na && nb && na !== nb);
      assert.ok(ha.includes(`nonce="${na}"`) && !ha.includes(`nonce="${nb}"`));
      assert.ok(hb.includes(`nonce="${nb}"`) && !hb.includes('~nonce-slot~'));
      assert.equal(ha.replaceAll(na, 'N'), hb.replaceAll(nb, 'N'), 'the same page otherwise');
    });

    test('a write shows on the next request', { skip }, async () => {
      const before = await (await app.request('/papers/date/2026-10-03')).text();
      assert.ok(!before.includes('A freshly featured paper'));
      await upsertItems(
        t.store,
        [
          {
            paper: { id: '2610.99999', title: 'A freshly featured paper', abstract: 'Fresh.', authors: [{ name: 'Ada Lovelace' }], versions: [{ version: 1, submittedAt: '2026-10-02T10:00:00.000Z' }], categories: ['cs.LG'] },
            featured: { paperId: '2610.99999', featuredAt: '2026-10-03T08:00:00.000Z', upvotes: 99 },
          },
        ],
        { calendar: DEFAULT_CALENDAR },
      );
      const after = await (await app.request('/papers/date/2026-10-03')).text();
      assert.ok(after.includes('A freshly featured paper'));
    });

    test('bad requests answer the same from the cache; POSTs are never served from it', { skip }, async () => {
      const r1 = await app.request('/papers/date/2026-13-01');
      const r2 = await app.request('/papers/date/2026-13-01');
      assert.equal(r1.status, 400);
      assert.equal(r2.status, 400);
      const post = await app.request('/papers/date/2026-06-01', { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, body: 'x=1' });
      assert.equal(post.status, 403);
    });
  });
}

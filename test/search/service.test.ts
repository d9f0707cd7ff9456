/**
 * The search service on both engines: the lexical index follows the catalog's change log
 * (inserts, new versions, deletes) and keeps its position across restarts; a second process
 * finding the directory locked follows the log in memory and answers the same; the built-in
 * model is trained from the catalog, stored in the database and shared; similar papers exclude
 * the paper itself; once caught up, the embedding threads stop; phrases are checked on the text.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, freshDb, skipPostgres, type TestDb } from '../engines.js';
import { upsertItems } from '../../src/papers/upsert.js';
import { deletePapers, getPaper } from '../../src/papers/repository.js';
import { DEFAULT_CALENDAR } from '../../src/papers/calendar.js';
import type { NormalizedPaper } from '../../src/papers/model.js';
import { SearchService } from '../../src/search/service.js';
import { parseQuery } from '../../src/search/query.js';
import { loadSampleIfEmpty } from '../../src/sample.js';
import { readEmbeddingConfig } from '../../src/search/embed/index.js';
import { latestGeneration } from '../../src/search/models.js';
import { setLogLevel } from '../../src/log.js';

const calendar = DEFAULT_CALENDAR;
const paper = (id: string, title: string, version = 1, abstract = `Abstract of ${id}.`): NormalizedPaper => ({
  id,
  title,
  abstract,
  authors: [{ name: 'Grace Hopper' }, { name: 'An Wang' }],
  versions: [{ version, submittedAt: '2025-01-06T10:00:00.000Z' }],
  categories: ['cs.LG', 'stat.ML'],
});
const ids = async (s: SearchService, q: string, mode: 'lexical' | 'hybrid' | 'semantic' = 'lexical') => {
  const r = await s.findPapers(q, { offset: 0, limit: 20, mode });
  return r.papers.map((p) => p.id);
};

setLogLevel('error');

for (const engine of ENGINES) {
  describe(`search service on ${engine}`, async () => {
    const skip = engine === 'postgres' ? await skipPostgres() : false;
    let t: TestDb;
    before(async () => {
      if (!skip) t = await freshDb(engine);
    });
    after(async () => t?.cleanup());

    test('follows inserts, new versions and deletes; resumes from its committed position', { skip }, async () => {
      let s = await SearchService.open(t.store, { root: t.searchRoot, embeddings: false });
      await upsertItems(t.store, [{ paper: paper('2501.00001', 'Quantum walks') }, { paper: paper('2501.00002', 'Quantum error correction') }], { calendar });
      assert.deepEqual((await ids(s, 'quantum')).sort(), ['2501.00001', '2501.00002'], 'found at once, no commit needed');
      assert.equal((await ids(s, 'author:"Grace Hopper"')).length, 2);
      assert.equal((await ids(s, 'author:"An Wang"')).length, 2, 'a name that is a stopword');
      assert.deepEqual(await ids(s, 'walks cat:stat'), ['2501.00001']);
      await upsertItems(t.store, [{ paper: paper('2501.00001', 'Classical walks', 2) }], { calendar });
      await deletePapers(t.store, ['2501.00002']);
      assert.deepEqual(await ids(s, 'quantum'), [], 'the old title is gone, the deleted paper too');
      assert.deepEqual(await ids(s, 'classical'), ['2501.00001']);
      const position = s.lexical.changeSeq;
      await s.close();

      await upsertItems(t.store, [{ paper: paper('2501.00003', 'Topological insulators') }], { calendar });
      s = await SearchService.open(t.store, { root: t.searchRoot, embeddings: false });
      assert.ok(s.lexical.committedChangeSeq > position, 'caught up on open and committed');
      assert.deepEqual(await ids(s, 'topological'), ['2501.00003']);
      assert.deepEqual(await s.check(), { papers: 2, indexed: 2, ok: true });
      await s.close();
    });

    test('a second process finding the index locked reads it and follows the log in memory', { skip }, async () => {
      const a = await SearchService.open(t.store, { root: t.searchRoot, embeddings: false });
      const b = await openAsOtherProcess(t);
      try {
        assert.equal(a.writer, true);
        assert.equal(b.writer, false);
        await upsertItems(t.store, [{ paper: paper('2501.00004', 'Spin glasses') }], { calendar });
        assert.deepEqual(await ids(a, 'spin glasses'), ['2501.00004']);
        assert.deepEqual(await ids(b, 'spin glasses'), ['2501.00004'], 'both instances answer the same');
      } finally {
        await b.close();
        await a.close();
      }
    });

    test('two app instances (two connections, two index directories) answer the same', { skip }, async () => {
      const { openStore } = await import('../../src/db/connect.js');
      const { mkdtempSync, rmSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const otherStore = await openStore(t.url);
      const otherRoot = mkdtempSync(join(tmpdir(), 'dp-instance-'));
      const a = await SearchService.open(t.store, { root: t.searchRoot, embeddings: false });
      const b = await SearchService.open(otherStore, { root: otherRoot, embeddings: false });
      try {
        assert.equal(b.writer, true, 'its own directory');
        await upsertItems(otherStore, [{ paper: paper('2501.00005', 'Anyonic braiding statistics') }], { calendar });
        await deletePapers(t.store, ['2501.00004']);
        for (const s of [a, b]) {
          assert.deepEqual(await ids(s, 'anyonic braiding'), ['2501.00005']);
          assert.deepEqual(await ids(s, 'spin glasses'), []);
        }
      } finally {
        await a.close();
        await b.close();
        await otherStore.close();
        rmSync(otherRoot, { recursive: true, force: true });
      }
    });

    test('phrases are checked on the text; exclusions and filters apply', { skip }, async () => {
      const s = await SearchService.open(t.store, { root: t.searchRoot, embeddings: false });
      try {
        await upsertItems(
          t.store,
          [
            { paper: paper('2501.00010', 'Graph attention networks', 1, 'We study attention over graph neighbourhoods.') },
            { paper: paper('2501.00011', 'Attention on graphs', 1, 'Networks with graph attention, not graph networks attention.') },
          ],
          { calendar },
        );
        assert.deepEqual(await ids(s, '"graph attention networks"'), ['2501.00010']);
        assert.deepEqual((await ids(s, '"graph attention"')).sort(), ['2501.00010', '2501.00011']);
        assert.deepEqual(await ids(s, 'attention -"graph attention networks"'), ['2501.00011']);
        assert.deepEqual(await ids(s, 'attention -neighbourhoods'), ['2501.00011']);
        assert.deepEqual(await ids(s, 'attention until:2020'), []);
        const newest = await s.findPapers('attention', { offset: 0, limit: 5, sort: 'newest' });
        assert.equal(newest.outcome.sort, 'newest');
        assert.equal(newest.outcome.total, 2);
        for (const q of ['"', '-', 'author:', '()[]{}', '\u0000\u0000', 'x'.repeat(10_000), '🙂 ∑ 数学', 'cat:not.a.category', 'since:2099 until:1999']) {
          const r = await s.findPapers(q, { offset: 0, limit: 5 });
          assert.ok(Array.isArray(r.papers), q.slice(0, 20));
        }
      } finally {
        await s.close();
      }
    });

    test('semantic search on the sample: model trained from the catalog and stored; similar papers exclude the paper', { skip, timeout: 180_000 }, async () => {
      const u = await freshDb(engine);
      try {
        await loadSampleIfEmpty(u.store, calendar);
        const s = await u.search({ embeddings: readEmbeddingConfig({ EMBEDDINGS_THREADS: '1' }) });
        await s.ready();
        const provider = (s as unknown as { semantic: { provider: { threadsRunning: number } } }).semantic.provider;
        assert.equal(provider.threadsRunning, 1, 'the catalog was embedded on a worker thread');
        assert.equal(s.hasSemantic, true);
        assert.equal(await latestGeneration(u.store), 1);
        const status = s.status() as { papers: number; semantic: { vectors: number } };
        assert.equal(status.semantic.vectors, status.papers);
        const target = (await getPaper(u.store, '2509.04664'))!;
        const similar = await s.similarPapers(target.seq, 5);
        assert.equal(similar.length, 5);
        assert.ok(!similar.some((p) => p.id === target.id));
        // words the paper does not use, found by meaning
        const hybrid = await s.findPapers('chatbots inventing facts', { offset: 0, limit: 10 });
        assert.equal(hybrid.outcome.used.semantic, true);
        assert.ok(hybrid.papers.length > 0);
        const lexicalOnly = await s.query({ query: parseQuery('zzzqqq'), offset: 0, limit: 5 });
        assert.equal(lexicalOnly.hits.length, 0, 'unknown words: no semantic noise');
        // serving and caught up: the embedding thread stops (queries embed on the calling thread)
        s.start(20);
        for (let i = 0; i < 400 && provider.threadsRunning > 0; i++) await new Promise((r) => setTimeout(r, 25));
        assert.equal(provider.threadsRunning, 0);
        assert.equal((await s.findPapers('chatbots inventing facts', { offset: 0, limit: 10 })).outcome.used.semantic, true);
      } finally {
        await u.cleanup();
      }
    });
  });
}

/** A second service on the same directory: the writer lock is taken, so it opens read-only (as another process would). */
async function openAsOtherProcess(t: TestDb): Promise<SearchService> {
  return SearchService.open(t.store, { root: t.searchRoot, embeddings: false });
}

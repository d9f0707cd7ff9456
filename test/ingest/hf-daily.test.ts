import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFixture } from '../helpers.js';
import { parseHfDailyPapers } from '../../src/ingest/hf-daily.js';
import { FormatError } from '../../src/ingest/types.js';

const hf = (name: string): string => readFixture(`hf/${name}`);

test('the three daily files: 50, 66 and 50 items', () => {
  const counts = ['daily_papers-2026-06-01.json', 'daily_papers-2026-06-02.json', 'daily_papers-2026-10-03.json'].map((name) => {
    const { items, errors } = parseHfDailyPapers(hf(name));
    assert.deepEqual(errors, [], name);
    return items.length;
  });
  assert.deepEqual(counts, [50, 66, 50]);
});

test('a list item with submittedOnDailyAt and submittedBy {name} (2026-06-01)', () => {
  const { items } = parseHfDailyPapers(hf('daily_papers-2026-06-01.json'));
  const { paper, featured } = items[0]!;
  const { abstract, ...rest } = paper;
  assert.deepEqual(rest, {
    id: '2605.23458',
    title: 'One-Forcing: Towards Stable One-Step Autoregressive Video Generation',
    authors: [{ name: 'Jiaqi Feng' }, { name: 'Justin Cui' }, { name: 'Yuanhao Ban' }, { name: 'Cho-Jui Hsieh' }],
    versions: [],
    categories: [],
    submittedAt: '2026-05-22T00:00:00.000Z',
  });
  assert.ok(abstract.startsWith('Recent advances have substantially improved real-time interactive video generation'));
  assert.equal(abstract.length, 1305);
  assert.deepEqual(featured, {
    paperId: '2605.23458',
    featuredAt: '2026-06-01T00:00:00.000Z',
    upvotes: 0,
    submittedBy: 'cuijiaxing',
    githubRepo: 'https://github.com/Aurora-edu/One-Forcing',
  });
});

test('every item of a day is featured that day; absent fields stay absent', () => {
  const { items } = parseHfDailyPapers(hf('daily_papers-2026-06-02.json'));
  assert.ok(items.every((i) => i.featured?.featuredAt === '2026-06-02T00:00:00.000Z'));
  assert.equal(items.filter((i) => i.featured?.githubRepo).length, 36);
  assert.ok(items.every((i) => typeof i.featured?.submittedBy === 'string'));
  assert.ok(items.every((i) => !('discussionId' in i.featured!) && !('numComments' in i.featured!) && !('aiSummary' in i.featured!)));
  assert.deepEqual(items[0]!.paper.authors[0], { name: 'Olaf Dünkel' });
});

test('without submittedOnDailyAt the item publishedAt is the featured time (2026-10-03)', () => {
  const { items } = parseHfDailyPapers(hf('daily_papers-2026-10-03.json'));
  assert.deepEqual(items[0]!.featured, {
    paperId: '2609.22753',
    featuredAt: '2026-10-03T00:00:00.000Z',
    upvotes: 0,
    githubRepo: 'https://github.com/OniReimu/Edge-Computing-JEV',
  });
  assert.equal(items[0]!.paper.submittedAt, '2026-09-26T00:00:00.000Z');
  assert.ok(items.every((i) => i.featured!.featuredAt === '2026-10-03T00:00:00.000Z' && !('submittedBy' in i.featured!)));
  assert.equal(items.filter((i) => i.featured!.githubRepo).length, 32);
});

test('the full HF record (2509.04664)', () => {
  const { items, errors } = parseHfDailyPapers(JSON.parse(hf('paper-item-2509.04664.json')));
  assert.deepEqual(errors, []);
  assert.equal(items.length, 1);
  const { paper, featured } = items[0]!;
  assert.equal(paper.id, '2509.04664');
  assert.equal(paper.title, 'Why Language Models Hallucinate');
  assert.deepEqual(paper.authors, [{ name: 'Adam Tauman Kalai' }, { name: 'Ofir Nachum' }, { name: 'Santosh S. Vempala' }, { name: 'Edwin Zhang' }]);
  assert.equal(paper.submittedAt, '2025-09-04T21:26:31.000Z');
  assert.ok(paper.abstract.startsWith('Like students facing hard exam questions, large language models sometimes guess when uncertain,'));
  assert.ok(!paper.abstract.includes('\n'));
  assert.deepEqual(featured, {
    paperId: '2509.04664',
    featuredAt: '2025-09-08T02:44:20.973Z',
    upvotes: 26,
    submittedBy: 'taesiri',
    submittedByFullname: 'taesiri',
    submittedByAvatarUrl: 'https://cdn-avatars.huggingface.co/v1/production/uploads/6039478ab3ecf716b1a5fd4d/_Thy4E7taiSYBLKxEKJbT.jpeg',
    aiSummary:
      'Language models produce incorrect statements due to training and evaluation procedures that reward guessing over acknowledging uncertainty, leading to a need for socio-technical changes in benchmark scoring.',
    aiKeywords: ['hallucinations', 'binary classification', 'uncertain responses', 'trustworthy AI systems'],
    discussionId: '68be5810c123124955ef60b0',
  });
});

test('a single item, the API user object, nulls kept as nulls', () => {
  const { items } = parseHfDailyPapers({
    paper: { id: '2509.04664', title: 'T', summary: ' S\n ', upvotes: 3, githubRepo: null, projectPage: 'https://example.org' },
    publishedAt: '2025-09-08T02:44:20.973Z',
    numComments: 4,
    thumbnail: 'https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2509.04664.png',
    submittedBy: { name: 'taesiri', fullname: 'Mohammad Reza Taesiri', avatarUrl: 'https://a/x.png' },
  });
  assert.deepEqual(items, [
    {
      paper: { id: '2509.04664', title: 'T', abstract: 'S', authors: [], versions: [], categories: [] },
      featured: {
        paperId: '2509.04664',
        featuredAt: '2025-09-08T02:44:20.973Z',
        upvotes: 3,
        submittedBy: 'taesiri',
        submittedByFullname: 'Mohammad Reza Taesiri',
        submittedByAvatarUrl: 'https://a/x.png',
        numComments: 4,
        githubRepo: null,
        projectPage: 'https://example.org',
        thumbnail: 'https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2509.04664.png',
      },
    },
  ]);
});

test('bad items are RecordErrors with their number; the rest are kept', () => {
  const { items, errors } = parseHfDailyPapers([
    { paper: { title: 'No id' }, publishedAt: '2025-09-08T00:00:00.000Z' },
    { paper: { id: '2509.04664', title: 'Good' }, publishedAt: '2025-09-08T00:00:00.000Z' },
    42,
    { title: 'no paper' },
    { paper: { id: 'abc', title: 'Bad id' } },
    { paper: { id: '2509.04665' } },
    { paper: { id: 'https://huggingface.co/papers/2509.04666', title: 'Not featured' } },
  ]);
  assert.deepEqual(errors, [
    { record: 1, reason: 'missing paper.id' },
    { record: 3, reason: 'not an object' },
    { record: 4, reason: 'missing paper' },
    { record: 5, reason: 'invalid arXiv id "abc"' },
    { record: 6, id: '2509.04665', reason: 'missing title' },
  ]);
  assert.deepEqual(
    items.map((i) => [i.paper.id, i.featured?.featuredAt]),
    [
      ['2509.04664', '2025-09-08T00:00:00.000Z'],
      ['2509.04666', undefined],
    ],
  );
});

test('input that is not daily papers', () => {
  const code = (input: unknown): string => {
    try {
      parseHfDailyPapers(input);
      return 'no error';
    } catch (err) {
      assert.ok(err instanceof FormatError);
      return err.code;
    }
  };
  assert.equal(code('[{"paper": '), 'malformed_json');
  assert.equal(code('{"id": "0704.0001"}'), 'not_hf_daily_papers');
  assert.equal(code(null), 'not_hf_daily_papers');
  assert.equal(code('[]'), 'no error');
});

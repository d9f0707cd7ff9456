/**
 * Builds the evaluation corpus (eval/corpus.jsonl) from the recorded real data in test/fixtures:
 * every distinct paper once, one JSON object per line, sorted by arXiv id.
 *
 * Records of the same paper from several sources (an HF featured paper that is also in the API
 * answer, the three API pages of the same search) are combined exactly as the catalog combines
 * them (src/papers/merge.ts: the newest version's text wins, an older or versionless record only
 * fills what is missing, categories and versions are united), in the order the bundled sample is
 * loaded: arXiv sources first, Hugging Face on top. So each paper keeps its richest record and
 * the corpus is what a fresh instance holds after loading its sample.
 *
 * Deterministic: same fixtures, same bytes. Regenerate with
 *   npm run build --silent && node dist/src/search/eval/build-corpus.js
 * (test/search/eval.test.ts fails when the committed file differs from what this produces).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSnapshotLine } from '../../ingest/snapshot.js';
import { parseDocument } from '../../ingest/runner.js';
import type { InputFormat } from '../../ingest/types.js';
import { mergePaper, type PaperValues } from '../../papers/merge.js';
import { DEFAULT_CALENDAR } from '../../papers/calendar.js';
import type { EvalDoc } from './types.js';
import { CORPUS_PATH, FIXTURES_DIR } from './paths.js';

/**
 * The fixture files with papers, in load order (the sample's, src/sample.ts). Left out: the API
 * answers without papers (an unknown id, an empty result, arXiv's error entry).
 */
export const CORPUS_SOURCES: ReadonlyArray<{ file: string; format: InputFormat }> = [
  { file: 'arxiv/snapshot/arxiv-metadata-oai-snapshot.first200.jsonl', format: 'snapshot' },
  { file: 'arxiv/oai-pmh/ListRecords-arXivRaw-page.xml', format: 'oai' },
  { file: 'arxiv/api/q_testing_s0_m100.xml', format: 'arxiv-api' },
  { file: 'arxiv/api/q_testing_s0_m10.xml', format: 'arxiv-api' },
  { file: 'arxiv/api/q_testing_s10_m10.xml', format: 'arxiv-api' },
  { file: 'arxiv/api/id_1605.08386_s0_m100.xml', format: 'arxiv-api' },
  { file: 'arxiv/api/id_1707.08567_s0_m100.xml', format: 'arxiv-api' },
  { file: 'arxiv/api/id_0808.05394_1707.08567_s0_m100.xml', format: 'arxiv-api' },
  { file: 'arxiv/api/id_astro-ph_0601001_s0_m100.xml', format: 'arxiv-api' },
  { file: 'arxiv/api/id_quant-ph_0201082v1_s0_m100.xml', format: 'arxiv-api' },
  { file: 'arxiv/api/id_2104.12255v1_s0_m100.xml', format: 'arxiv-api' },
  { file: 'arxiv/rss/cs.AI.atom.xml', format: 'rss' },
  { file: 'hf/daily_papers-2026-06-01.json', format: 'hf' },
  { file: 'hf/daily_papers-2026-06-02.json', format: 'hf' },
  { file: 'hf/daily_papers-2026-10-03.json', format: 'hf' },
  { file: 'hf/paper-item-2509.04664.json', format: 'hf' },
];

/** Every distinct paper of the fixtures under `fixturesDir`, merged per id, sorted by id. */
export function buildCorpus(fixturesDir: string = FIXTURES_DIR): EvalDoc[] {
  const merged = new Map<string, PaperValues>();
  const deleted = new Set<string>();
  for (const { file, format } of CORPUS_SOURCES) {
    const text = readFileSync(join(fixturesDir, file), 'utf8');
    let papers;
    if (format === 'snapshot') {
      papers = text.split('\n').filter((line) => line.trim() !== '').map(parseSnapshotLine);
    } else {
      const doc = parseDocument(format, text);
      papers = doc.items.map((item) => item.paper);
      for (const id of doc.deleted) deleted.add(id);
    }
    for (const p of papers) merged.set(p.id, mergePaper(merged.get(p.id) ?? null, p, DEFAULT_CALENDAR));
  }
  for (const id of deleted) merged.delete(id);
  return [...merged.values()]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((p) => ({
      id: p.id,
      title: p.title,
      abstract: p.abstract,
      authors: p.authors.map((a) => a.name),
      categories: p.categories,
      day: p.announceDay,
    }));
}

/** The corpus as JSON Lines text: one object per line with keys in a fixed order, a final newline. */
export function corpusToJsonl(docs: EvalDoc[]): string {
  return docs
    .map((d) => JSON.stringify({ id: d.id, title: d.title, abstract: d.abstract, authors: d.authors, categories: d.categories, day: d.day }) + '\n')
    .join('');
}

/** Reads eval/corpus.jsonl (or another file in its format). */
export function loadCorpus(path: string = CORPUS_PATH): EvalDoc[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as EvalDoc);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const docs = buildCorpus();
  const out = process.argv[2] ?? CORPUS_PATH;
  writeFileSync(out, corpusToJsonl(docs));
  console.log(`wrote ${docs.length} papers to ${out}`);
}

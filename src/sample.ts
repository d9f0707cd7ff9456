/** The bundled sample: real recorded papers loaded into an empty database on first start. */
import { fileURLToPath } from 'node:url';
import type { Store } from './db/connect.js';
import type { Calendar } from './papers/calendar.js';
import { countPapers } from './papers/repository.js';
import { importInput } from './ingest/runner.js';
import { logger } from './log.js';

const log = logger('sample');
const SAMPLE_DIR = fileURLToPath(new URL('../../sample/', import.meta.url));

/** Loaded in this order: arXiv records first, then Hugging Face's featured days on top. */
export const SAMPLE_FILES = [
  'snapshot-first200.jsonl',
  'oai-arXivRaw-page.xml',
  'api-q_testing_s0_m100.xml',
  'api-id_1605.08386_s0_m100.xml',
  'api-id_1707.08567_s0_m100.xml',
  'api-id_astro-ph_0601001_s0_m100.xml',
  'api-id_quant-ph_0201082v1_s0_m100.xml',
  'api-id_2104.12255v1_s0_m100.xml',
  'rss-cs.AI.atom.xml',
  'hf-daily_papers-2026-06-01.json',
  'hf-daily_papers-2026-06-02.json',
  'hf-daily_papers-2026-10-03.json',
  'hf-paper-item-2509.04664.json',
];

/** Loads the sample when the catalog is empty. Returns the number of papers loaded (0 when it was not empty). */
export async function loadSampleIfEmpty(store: Store, calendar: Calendar): Promise<number> {
  if ((await countPapers(store)) > 0) return 0;
  let featured = 0;
  for (const file of SAMPLE_FILES) {
    // Not resumable state for the sample: it is small, and a half-loaded sample reloads idempotently.
    const report = await importInput(store, `${SAMPLE_DIR}${file}`, { calendar, restart: true });
    featured += report.featured;
  }
  const n = await countPapers(store);
  log.info(`loaded the bundled sample: ${n} papers, ${featured} featured`);
  return n;
}

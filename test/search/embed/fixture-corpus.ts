/** The distinct papers of the recorded fixtures (arXiv API, OAI-PMH, RSS, snapshot, Hugging Face), for embedding tests and measurements. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArxivApiFeed } from '../../../src/ingest/arxiv-api.js';
import { parseHfDailyPapers } from '../../../src/ingest/hf-daily.js';
import { parseOaiListRecords } from '../../../src/ingest/oai-pmh.js';
import { parseArxivRss } from '../../../src/ingest/rss.js';
import { parseSnapshotLine } from '../../../src/ingest/snapshot.js';
import type { NormalizedPaper } from '../../../src/papers/model.js';
import { fixturePath } from '../../helpers.js';

export interface FixturePaper {
  id: string;
  title: string;
  abstract: string;
}

/** Every fixture paper with a non-empty abstract, once per id (first seen wins), in a stable order. */
export function fixturePapers(): FixturePaper[] {
  const out = new Map<string, FixturePaper>();
  const add = (p: NormalizedPaper): void => {
    if (p.abstract.trim() === '' || out.has(p.id)) return;
    out.set(p.id, { id: p.id, title: p.title, abstract: p.abstract });
  };
  const dir = (rel: string): string[] => readdirSync(fixturePath(rel)).filter((f) => !f.startsWith('.')).sort();
  for (const f of dir('arxiv/snapshot')) {
    for (const line of readFileSync(join(fixturePath('arxiv/snapshot'), f), 'utf8').split('\n')) {
      if (line.trim() !== '') add(parseSnapshotLine(line));
    }
  }
  for (const f of dir('arxiv/oai-pmh')) parseOaiListRecords(readFileSync(join(fixturePath('arxiv/oai-pmh'), f), 'utf8')).papers.forEach(add);
  for (const f of dir('arxiv/api')) {
    try {
      parseArxivApiFeed(readFileSync(join(fixturePath('arxiv/api'), f), 'utf8')).papers.forEach(add);
    } catch {
      // the recorded arXiv error entry (id_abc) has no papers
    }
  }
  for (const f of dir('arxiv/rss')) parseArxivRss(readFileSync(join(fixturePath('arxiv/rss'), f), 'utf8')).entries.forEach((e) => add(e.paper));
  for (const f of dir('hf')) parseHfDailyPapers(readFileSync(join(fixturePath('hf'), f), 'utf8')).items.forEach((i) => add(i.paper));
  return [...out.values()];
}

/** Where the evaluation's files live. Modules run compiled from dist/src/search/eval/, four levels below the repository. */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** eval/: corpus.jsonl, queries.json, floors.json */
export const EVAL_DIR = join(REPO_ROOT, 'eval');
export const CORPUS_PATH = join(EVAL_DIR, 'corpus.jsonl');
export const QUERIES_PATH = join(EVAL_DIR, 'queries.json');
export const FLOORS_PATH = join(EVAL_DIR, 'floors.json');
/** the recorded real data the corpus is built from */
export const FIXTURES_DIR = join(REPO_ROOT, 'test', 'fixtures');

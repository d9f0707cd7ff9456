/**
 * The built-in embedding model of an instance, kept in the database (search_models) so that
 * every app instance of a deployment embeds with the same model and answers the same.
 *
 * The model is trained from the catalog itself: on first start (the bundled sample gives a small
 * one), and again when the catalog has grown well past what the model was trained on
 * (shouldRetrain: a full import). Training runs on a worker thread; the newest generation wins.
 * Two instances training at once both try to insert the next generation: one insert fails on the
 * primary key, and that instance adopts the winner's model.
 */
import { sql } from 'kysely';
import type { Store } from '../db/connect.js';
import { logger } from '../log.js';
import { errorMessage } from '../errors.js';
import { builtinProviderId, decodeModel, encodeModel, shouldRetrain, trainBuiltinInWorker, trainingStep, type BuiltinModel, type TrainDoc } from './embed/builtin.js';

const log = logger('search');

/** Most papers a training reads, spread over the catalog. */
export const TRAIN_MAX_DOCS = 200_000;

export interface StoredModel {
  generation: number;
  model: BuiltinModel;
}

/** The newest stored built-in model, or null. */
export async function latestModel(store: Store): Promise<StoredModel | null> {
  const row = await store.db.selectFrom('search_models').select(['generation', 'bytes']).where('kind', '=', 'builtin').orderBy('generation', 'desc').limit(1).executeTakeFirst();
  if (!row) return null;
  return { generation: Number(row.generation), model: decodeModel(Buffer.from(row.bytes), `search model generation ${row.generation}`) };
}

/** The generation of the newest stored model (0: none), without loading it. */
export async function latestGeneration(store: Store): Promise<number> {
  const row = await store.db.selectFrom('search_models').select((eb) => eb.fn.max('generation').as('g')).where('kind', '=', 'builtin').executeTakeFirst();
  return Number(row?.g ?? 0);
}

/** Up to `max` papers spread evenly over the catalog (every n-th seq), as training documents. */
export async function* trainingDocs(store: Store, max = TRAIN_MAX_DOCS): AsyncGenerator<TrainDoc> {
  const r = await sql<{ n: number; lo: number | null; hi: number | null }>`SELECT count(*) AS n, min(seq) AS lo, max(seq) AS hi FROM papers`.execute(store.db);
  const n = Number(r.rows[0]?.n ?? 0);
  if (n === 0) return;
  const step = trainingStep(n, max);
  let after = -1;
  for (;;) {
    const rows = await store.db
      .selectFrom('papers')
      .select(['seq', 'title', 'abstract'])
      .where('seq', '>', after)
      .where(sql<boolean>`seq % ${step} = 0`)
      .orderBy('seq')
      .limit(2000)
      .execute();
    if (rows.length === 0) return;
    for (const row of rows) yield { title: row.title, abstract: row.abstract };
    after = Number(rows[rows.length - 1]!.seq);
  }
}

/**
 * The model to use: the stored one, unless there is none or the catalog has outgrown it, in
 * which case a new one is trained, stored and returned (or another instance's, if it stored one
 * first). `papers` is the catalog's size.
 */
export async function ensureModel(store: Store, papers: number, opts: { dims?: number; signal?: AbortSignal } = {}): Promise<StoredModel | null> {
  let current: StoredModel | null = null;
  let newest = 0;
  try {
    current = await latestModel(store);
  } catch (err) {
    // a model this version cannot read (an older format): train a new generation
    newest = await latestGeneration(store);
    log.warn(`the stored embedding model cannot be used (${errorMessage(err)}): training a new one`);
  }
  if (current && !shouldRetrain(current.model, papers, TRAIN_MAX_DOCS)) return current;
  if (papers === 0) return current;
  const started = Date.now();
  log.info(current ? 'retraining the built-in embedding model: the catalog has grown' : 'training the built-in embedding model from the catalog', { papers });
  const model = await trainBuiltinInWorker(trainingDocs(store), { dims: opts.dims ?? 256 });
  if (opts.signal?.aborted) return current;
  const generation = Math.max(current?.generation ?? 0, newest) + 1;
  const { bytes } = encodeModel(model);
  try {
    await store.db
      .insertInto('search_models')
      .values({ generation, kind: 'builtin', provider_id: builtinProviderId(model), docs: model.stats.docs, bytes, created_at: new Date().toISOString() })
      .execute();
    log.info('built-in embedding model ready', { generation, docs: model.stats.docs, terms: model.stats.terms, mb: +(bytes.length / 1e6).toFixed(1), seconds: +((Date.now() - started) / 1000).toFixed(1) });
    return { generation, model };
  } catch (err) {
    // another instance stored this generation first: use its model
    log.info('another instance stored a model first; using it', { reason: errorMessage(err) });
    return latestModel(store);
  }
}

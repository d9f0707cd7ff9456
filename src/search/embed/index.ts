/**
 * Embedding providers, chosen by configuration (config.ts):
 * - builtin: LSA + WordNet trained from the instance's own papers (builtin.ts); offline, fast;
 * - onnx: a local sentence-embedding model through @huggingface/transformers (onnx.ts);
 * - openai: an OpenAI-compatible embeddings service (openai.ts).
 *
 * Every provider returns unit-length vectors (the zero vector for a text with nothing to embed)
 * and an `id` naming the model and settings: a vector index whose id differs must be rebuilt.
 */
import { logger } from '../../log.js';
import type { EmbeddingProvider } from '../types.js';
import { BuiltinProvider, loadModel, saveModel, type TrainDoc, type TrainOptions } from './builtin.js';
import { trainBuiltinInWorker } from './train-worker.js';
import { describeEmbeddingConfig, type EmbeddingConfig } from './config.js';
import type { BuiltinModel } from './model.js';
import { OnnxProvider } from './onnx.js';
import { OpenAiProvider } from './openai.js';
import { UserError } from '../../errors.js';

export { BuiltinProvider, builtinProviderId, shouldRetrain, isZeroVector, loadModel, saveModel, trainBuiltin, type BuiltinModel, type TrainDoc, type TrainOptions } from './builtin.js';
export { trainBuiltinInWorker } from './train-worker.js';
export { readEmbeddingConfig, describeEmbeddingConfig, DEFAULT_ONNX_MODEL, type EmbeddingConfig, type EmbeddingsKind } from './config.js';
export { OnnxProvider, type OnnxOptions } from './onnx.js';
export { OpenAiProvider, EmbeddingServiceError, type OpenAiOptions } from './openai.js';

const log = logger('embeddings');

/** A provider that may hold threads or native sessions: close it when done. */
export type ClosableProvider = EmbeddingProvider & { close(): Promise<void> };

export interface CreateProviderOptions {
  /**
   * builtin only: the papers to train a model from when the model file does not exist yet
   * (a spread sample is best: up to `maxDocs` are read). Without it, a missing model is a UserError.
   */
  trainingDocs?: () => AsyncIterable<TrainDoc> | Iterable<TrainDoc>;
  /** builtin only: training options (dims comes from the configuration) */
  training?: Omit<TrainOptions, 'dims'>;
}

/** The text of a paper as providers should see it: the title, a blank line, the abstract. */
export function paperText(p: { title: string; abstract: string }): string {
  return `${p.title}\n\n${p.abstract}`;
}

/** Creates the configured provider: loads (or trains) the built-in model, loads the ONNX model, or connects to the service. */
export async function createProvider(config: EmbeddingConfig, opts: CreateProviderOptions = {}): Promise<ClosableProvider> {
  log.debug('embedding provider', describeEmbeddingConfig(config));
  switch (config.provider) {
    case 'builtin': {
      let model: BuiltinModel;
      try {
        model = await loadModel(config.model);
      } catch (err) {
        if (!(err instanceof UserError && err.code === 'embeddings_model_missing' && opts.trainingDocs)) throw err;
        model = await trainAndSaveBuiltin(config, opts.trainingDocs(), opts.training);
      }
      if (config.dims !== null && model.dims !== config.dims) {
        log.warn('the built-in model has other dimensions than EMBEDDINGS_DIMS: retrain it to change them', { model: config.model, dims: model.dims, configured: config.dims });
      }
      return new BuiltinProvider(model, { threads: config.threads, chunk: config.batchSize });
    }
    case 'onnx':
      return OnnxProvider.load({
        model: config.model,
        cacheDir: config.cacheDir,
        allowRemote: !config.offline,
        batchSize: config.batchSize,
        ...(config.threads > 0 ? { threads: config.threads } : {}),
      });
    case 'openai':
      return OpenAiProvider.connect({
        baseUrl: config.url ?? '',
        model: config.model,
        apiKey: config.apiKey,
        dims: config.dims,
        batchSize: config.batchSize,
        timeoutMs: config.timeoutMs,
        maxRetries: config.maxRetries,
      });
  }
}

/** Trains a built-in model from `docs` (on a worker thread) with the configured dimensions and saves it to the configured path. */
export async function trainAndSaveBuiltin(
  config: EmbeddingConfig,
  docs: AsyncIterable<TrainDoc> | Iterable<TrainDoc>,
  training: Omit<TrainOptions, 'dims'> = {},
): Promise<BuiltinModel> {
  log.info('training the built-in embedding model', { path: config.model, dims: config.dims ?? 256 });
  const model = await trainBuiltinInWorker(docs, {
    ...training,
    dims: config.dims ?? 256,
    onProgress: training.onProgress ?? ((stage, fields) => log.debug(`training: ${stage}`, fields)),
  });
  await saveModel(model, config.model);
  log.info('built-in embedding model trained', { path: config.model, docs: model.stats.docs, terms: model.stats.terms, ms: model.stats.trainMs });
  return model;
}

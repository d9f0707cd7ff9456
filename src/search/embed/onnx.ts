/**
 * A local ONNX sentence-embedding model (Xenova/bge-small-en-v1.5, Xenova/all-MiniLM-L6-v2 …)
 * run by @huggingface/transformers' feature-extraction pipeline on onnxruntime-node: pooled
 * (mean, or CLS for the BGE family) and L2-normalized.
 *
 * Where the model comes from:
 * - `model` is a directory (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx):
 *   read from there, never downloaded.
 * - `model` is a Hugging Face id: looked up in `localModelPath/<id>/` (when set), then in the
 *   cache directory (`cacheDir/<id>/`), and downloaded from the Hub into the cache once when
 *   `allowRemote` is on. Offline (`allowRemote: false`), a missing model is one clear UserError.
 *
 * Models trained with instructions get them: BGE's query instruction, E5's "query: " /
 * "passage: ", Nomic's "search_query: " / "search_document: " (overridable).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../../errors.js';
import { logger } from '../../log.js';
import type { EmbeddingProvider } from '../types.js';

const log = logger('embeddings');

export type Pooling = 'mean' | 'cls';
export type OnnxDtype = 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4';

export interface OnnxOptions {
  /** a Hugging Face model id ("Xenova/bge-small-en-v1.5") or a directory holding the model */
  model: string;
  /** where downloaded models are kept (default: the library's own cache inside node_modules) */
  cacheDir?: string | null;
  /** a directory of models laid out as <id>/… , looked up before the cache */
  localModelPath?: string | null;
  /** download a missing model from the Hugging Face Hub; default true */
  allowRemote?: boolean;
  /** which weights: fp32 (onnx/model.onnx, default) or a quantized variant (q8: onnx/model_quantized.onnx …) */
  dtype?: OnnxDtype;
  /** default: cls for the BGE family, mean otherwise */
  pooling?: Pooling;
  /** texts prepended to queries and documents; default by model family */
  queryPrefix?: string;
  documentPrefix?: string;
  /** texts per inference call; default 16 */
  batchSize?: number;
  /** onnxruntime intra-op threads; default: onnxruntime's choice */
  threads?: number;
  /** model revision on the Hub; default main */
  revision?: string;
}

/** Known families: pooling and instruction prefixes their model cards prescribe. */
function familyDefaults(model: string): { pooling: Pooling; queryPrefix: string; documentPrefix: string } {
  const m = model.toLowerCase();
  if (/bge-[a-z]+-en/.test(m)) return { pooling: 'cls', queryPrefix: 'Represent this sentence for searching relevant passages: ', documentPrefix: '' };
  if (/bge-/.test(m)) return { pooling: 'cls', queryPrefix: '', documentPrefix: '' };
  if (/(^|[/-])e5-/.test(m)) return { pooling: 'mean', queryPrefix: 'query: ', documentPrefix: 'passage: ' };
  if (/nomic-embed/.test(m)) return { pooling: 'mean', queryPrefix: 'search_query: ', documentPrefix: 'search_document: ' };
  return { pooling: 'mean', queryPrefix: '', documentPrefix: '' };
}

type Extractor = ((texts: string[], opts: { pooling: Pooling; normalize: boolean }) => Promise<{ dims: number[]; data: ArrayLike<number> }>) & {
  dispose?: () => Promise<void>;
};

export class OnnxProvider implements EmbeddingProvider {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly id: string,
    readonly dims: number,
    private readonly extractor: Extractor,
    private readonly pooling: Pooling,
    private readonly queryPrefix: string,
    private readonly documentPrefix: string,
    private readonly batchSize: number,
  ) {}

  /** Loads the model (downloading it when allowed and missing) and measures its dimensions. */
  static async load(opts: OnnxOptions): Promise<OnnxProvider> {
    const family = familyDefaults(opts.model);
    const pooling = opts.pooling ?? family.pooling;
    const queryPrefix = opts.queryPrefix ?? family.queryPrefix;
    const documentPrefix = opts.documentPrefix ?? family.documentPrefix;
    const dtype = opts.dtype ?? 'fp32';
    const allowRemote = opts.allowRemote ?? true;
    const local = isPath(opts.model) ? resolve(opts.model) : null;
    if (local !== null && !existsSync(join(local, 'config.json'))) {
      throw new UserError('embeddings_model_missing', `EMBEDDINGS_MODEL: ${local} is not a model directory (no config.json there).`, 500);
    }

    const { pipeline, env, LogLevel } = await import('@huggingface/transformers');
    env.logLevel = LogLevel.ERROR;
    env.allowLocalModels = true;
    env.allowRemoteModels = local === null && allowRemote;
    if (opts.cacheDir) env.cacheDir = opts.cacheDir;
    if (opts.localModelPath) env.localModelPath = opts.localModelPath.endsWith('/') ? opts.localModelPath : `${opts.localModelPath}/`;

    const name = local ?? opts.model;
    let extractor: Extractor;
    const started = Date.now();
    try {
      extractor = (await pipeline('feature-extraction', name, {
        dtype,
        device: 'cpu',
        local_files_only: !env.allowRemoteModels,
        revision: opts.revision ?? 'main',
        ...(opts.cacheDir ? { cache_dir: opts.cacheDir } : {}),
        ...(opts.threads ? { session_options: { intraOpNumThreads: opts.threads, interOpNumThreads: 1 } } : {}),
      })) as unknown as Extractor;
    } catch (err) {
      throw loadError(err, opts, local, env.allowRemoteModels, String(env.cacheDir ?? ''));
    }
    const probe = await extractor(['dimension probe'], { pooling, normalize: true });
    const dims = probe.dims[probe.dims.length - 1] ?? 0;
    if (probe.dims.length !== 2 || !(dims > 0)) {
      throw new UserError(
        'embeddings_model_invalid',
        `The ONNX model ${name} does not produce sentence embeddings (output shape [${probe.dims.join(', ')}] after pooling).`,
        500,
      );
    }
    const settings = JSON.stringify({ pooling, queryPrefix, documentPrefix });
    const content = local ? `-${fileHash(join(local, 'onnx', `model${DTYPE_SUFFIX[dtype]}.onnx`))}` : `@${opts.revision ?? 'main'}`;
    const id = `onnx-${local ? basename(local) : opts.model}${content}-${dtype}-${dims}-${shortHash(settings)}`;
    log.info('ONNX embedding model loaded', { model: name, dims, pooling, dtype, ms: Date.now() - started });
    return new OnnxProvider(id, dims, extractor, pooling, queryPrefix, documentPrefix, Math.max(1, opts.batchSize ?? 16));
  }

  embed(texts: string[], kind: 'document' | 'query'): Promise<Float32Array[]> {
    // one inference at a time: onnxruntime already uses every core it is given
    const run = this.queue.then(() => this.run(texts, kind));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(texts: string[], kind: 'document' | 'query'): Promise<Float32Array[]> {
    const prefix = kind === 'query' ? this.queryPrefix : this.documentPrefix;
    const out: Float32Array[] = [];
    for (let from = 0; from < texts.length; from += this.batchSize) {
      const batch = texts.slice(from, from + this.batchSize).map((t) => prefix + t);
      const result = await this.extractor(batch, { pooling: this.pooling, normalize: true });
      const data = result.data;
      for (let i = 0; i < batch.length; i++) out.push(Float32Array.from({ length: this.dims }, (_, j) => data[i * this.dims + j] as number));
    }
    return out;
  }

  async close(): Promise<void> {
    await this.extractor.dispose?.();
  }
}

const DTYPE_SUFFIX: Record<OnnxDtype, string> = { fp32: '', fp16: '_fp16', q8: '_quantized', int8: '_int8', uint8: '_uint8', q4: '_q4' };

function isPath(model: string): boolean {
  return isAbsolute(model) || model.startsWith('./') || model.startsWith('../') || model === '.' || (existsSync(model) && statSync(model).isDirectory());
}

function shortHash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 8);
}

function fileHash(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 12);
  } catch {
    return 'unknown';
  }
}

/** Turns the library's loading errors into messages that say what to do. */
function loadError(err: unknown, opts: OnnxOptions, local: string | null, remote: boolean, cacheDir: string): Error {
  const msg = err instanceof Error ? err.message : String(err);
  const name = local ?? opts.model;
  if (local !== null) {
    return new UserError('embeddings_model_invalid', `Could not load the ONNX model in ${local}: ${msg}`, 500);
  }
  if (!remote && /local_files_only|allowRemoteModels|not found locally|Local file missing/i.test(msg)) {
    return new UserError(
      'embeddings_model_missing',
      `The ONNX model "${name}" is not in the cache (${cacheDir || 'the default cache'}) and downloads are off (EMBEDDINGS_OFFLINE). ` +
        'Run once with network access to download it, or set EMBEDDINGS_MODEL to a directory holding the model.',
      500,
    );
  }
  if (/fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ENETUNREACH|ETIMEDOUT|network/i.test(msg)) {
    return new UserError(
      'embeddings_download_failed',
      `Could not download the ONNX model "${name}" from the Hugging Face Hub (${msg}). ` +
        'Check the network, or copy the model to this machine and set EMBEDDINGS_MODEL to its directory (with EMBEDDINGS_OFFLINE=true).',
      503,
    );
  }
  if (/404|Could not locate file|not found/i.test(msg)) {
    return new UserError('embeddings_model_missing', `The ONNX model "${name}" was not found (${msg}). Check EMBEDDINGS_MODEL (an id such as Xenova/bge-small-en-v1.5).`, 500);
  }
  return new UserError('embeddings_model_invalid', `Could not load the ONNX model "${name}": ${msg}`, 500);
}

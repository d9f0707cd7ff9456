/**
 * Vector index candidates, measured on this machine: build time, size on disk, resident memory,
 * load time, query latency (k = 50, one query at a time, warm), recall@10 against an exact float
 * search, and the cost of incremental inserts and deletes.
 *
 *   npx tsc -p . && node --expose-gc dist/bench/vectors.js [--sizes 200000,1000000,2700000]
 *        [--dims 256] [--candidates ivf-i8,usearch-i8,...] [--queries 200] [--dir .bench/vectors]
 *        [--rebuild]
 *
 * Data: a seeded mixture of 2,000 Gaussian clusters in 50 topics (not uniform noise, so that
 * approximate search has something to find and recall means something): a cluster's centre leans
 * towards its topic's direction (cos ≈ 0.6), points spread around the centre mostly along 24
 * directions of the topic (low intrinsic dimension, as in text embeddings) plus a little noise
 * in every direction, cluster sizes lognormal; unit-normalized. Queries are 200 fresh points of
 * the same mixture. The base vectors, queries and exact top-50 per size are cached in --dir.
 *
 * Every (candidate, size, parameter) runs in a child process of its own, so that memory is
 * measured alone: RSS after loading the index and 20 warm-up queries, minus RSS before loading,
 * after a full GC. Results are appended to --dir/results.jsonl; the Markdown table covers every
 * result recorded there.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openVectorIndex } from '../src/search/vectors/index.js';
import { quantize, strideFor } from '../src/search/vectors/ivf.js';
import { mulberry32 } from '../src/random.js';
import { gaussian } from '../src/search/embed/linalg.js';

// ---------------------------------------------------------------- data

function normalize(v: Float32Array | Float64Array): void {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  n = Math.sqrt(n);
  for (let i = 0; i < v.length; i++) v[i] = v[i]! / n;
}

/** The seeded cluster mixture (see the file comment). */
export class Mixture {
  private readonly centers: Float64Array;
  private readonly bases: Float64Array;
  private readonly topicOf: Int32Array;
  private readonly spread: Float64Array;
  private readonly cumulative: Float64Array;
  private readonly gauss: () => number;
  private readonly rand: () => number;
  constructor(
    readonly dims: number,
    seed = 7,
    readonly clusters = 2000,
    readonly topics = 50,
    readonly latent = 24,
    readonly noise = 0.3,
  ) {
    this.rand = mulberry32(seed);
    this.gauss = gaussian(this.rand);
    const g = this.gauss;
    const topicDirs = new Float64Array(topics * dims);
    for (let t = 0; t < topics; t++) {
      const v = topicDirs.subarray(t * dims, (t + 1) * dims);
      for (let i = 0; i < dims; i++) v[i] = g();
      normalize(v);
    }
    this.bases = new Float64Array(topics * latent * dims);
    for (let i = 0; i < this.bases.length; i++) this.bases[i] = g() / Math.sqrt(dims * latent);
    this.centers = new Float64Array(clusters * dims);
    this.topicOf = new Int32Array(clusters);
    this.spread = new Float64Array(clusters);
    const weights = new Float64Array(clusters);
    const r = new Float64Array(dims);
    for (let c = 0; c < clusters; c++) {
      const t = Math.floor(this.rand() * topics);
      this.topicOf[c] = t;
      for (let i = 0; i < dims; i++) r[i] = g();
      normalize(r);
      const v = this.centers.subarray(c * dims, (c + 1) * dims);
      for (let i = 0; i < dims; i++) v[i] = 0.6 * topicDirs[t * dims + i]! + 0.8 * r[i]!;
      normalize(v);
      this.spread[c] = 0.5 + 0.5 * this.rand();
      weights[c] = Math.exp(0.8 * g());
    }
    this.cumulative = new Float64Array(clusters);
    let sum = 0;
    for (let c = 0; c < clusters; c++) this.cumulative[c] = sum += weights[c]!;
    for (let c = 0; c < clusters; c++) this.cumulative[c] = this.cumulative[c]! / sum;
  }

  /** Writes one unit vector into out[offset ...]. */
  point(out: Float32Array, offset: number): void {
    const d = this.dims;
    const u = this.rand();
    let lo = 0;
    let hi = this.clusters - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    const c = lo;
    const t = this.topicOf[c]!;
    const s = this.spread[c]!;
    const v = new Float64Array(d);
    for (let i = 0; i < d; i++) v[i] = this.centers[c * d + i]! + (this.noise * this.gauss()) / Math.sqrt(d);
    for (let l = 0; l < this.latent; l++) {
      const z = s * this.gauss();
      const b = (t * this.latent + l) * d;
      for (let i = 0; i < d; i++) v[i] = v[i]! + z * this.bases[b + i]!;
    }
    normalize(v);
    for (let i = 0; i < d; i++) out[offset + i] = v[i]!;
  }
}

interface DataFiles {
  base: string;
  queries: string;
  rows: number;
  dims: number;
}

/** The isotropic noise of the mixture (0.3; --noise for a harder, more diffuse set). */
let NOISE = 0.3;
const tag = () => (NOISE === 0.3 ? '' : `-noise${NOISE}`);

function dataFiles(dir: string, dims: number): DataFiles {
  return { base: join(dir, `base-d${dims}${tag()}.f32`), queries: join(dir, `queries-d${dims}${tag()}.f32`), rows: 0, dims };
}

/** Makes sure the base file has at least `rows` vectors (appending keeps the seeded stream only when regenerated whole). */
function ensureData(dir: string, dims: number, rows: number, queries: number): DataFiles {
  const f = dataFiles(dir, dims);
  const have = existsSync(f.base) ? statSync(f.base).size / (dims * 4) : 0;
  if (have >= rows && existsSync(f.queries) && statSync(f.queries).size >= queries * dims * 4) {
    f.rows = have;
    return f;
  }
  const t0 = performance.now();
  const mix = new Mixture(dims, 7, 2000, 50, 24, NOISE);
  const q = new Float32Array(queries * dims);
  for (let i = 0; i < queries; i++) mix.point(q, i * dims);
  writeWhole(f.queries, new Uint8Array(q.buffer));
  const fd = openSync(f.base, 'w');
  const chunk = 50_000;
  const buf = new Float32Array(chunk * dims);
  for (let done = 0; done < rows; done += chunk) {
    const n = Math.min(chunk, rows - done);
    for (let i = 0; i < n; i++) mix.point(buf, i * dims);
    writeSync(fd, new Uint8Array(buf.buffer, 0, n * dims * 4));
    if ((done / chunk) % 20 === 0) log(`generated ${done + n} / ${rows} vectors`);
  }
  closeSync(fd);
  log(`data: ${rows} × ${dims} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  f.rows = rows;
  return f;
}

function writeWhole(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'w');
  let off = 0;
  while (off < bytes.byteLength) off += writeSync(fd, bytes, off, bytes.byteLength - off);
  closeSync(fd);
}

/** Reads vectors [from, from + n) of the base file. */
function readRows(f: DataFiles, from: number, n: number): Float32Array {
  const out = new Float32Array(n * f.dims);
  const fd = openSync(f.base, 'r');
  const bytes = new Uint8Array(out.buffer);
  let off = 0;
  while (off < bytes.byteLength) {
    const r = readSync(fd, bytes, off, Math.min(1 << 30, bytes.byteLength - off), from * f.dims * 4 + off);
    if (r === 0) throw new Error('base file too short');
    off += r;
  }
  closeSync(fd);
  return out;
}

function* chunks(f: DataFiles, n: number, size = 100_000): Generator<{ from: number; vectors: Float32Array }> {
  for (let from = 0; from < n; from += size) yield { from, vectors: readRows(f, from, Math.min(size, n - from)) };
}

function readQueries(f: DataFiles, count: number): Float32Array {
  return new Float32Array(readFileSync(f.queries).buffer.slice(0, count * f.dims * 4));
}

/** Exact top-50 (float dot product) of each query over the first n base vectors; cached. */
function groundTruth(dir: string, f: DataFiles, n: number, queries: number): Int32Array {
  const path = join(dir, `gt-d${f.dims}${tag()}-n${n}-q${queries}.i32`);
  if (existsSync(path)) return new Int32Array(readFileSync(path).buffer.slice(0));
  const t0 = performance.now();
  const d = f.dims;
  const q = readQueries(f, queries);
  const K = 50;
  const bestS = new Float64Array(queries * K).fill(-Infinity);
  const bestI = new Int32Array(queries * K).fill(-1);
  // Blocked: every query against each block of 20k vectors read from the file.
  for (const { from, vectors } of chunks(f, n, 20_000)) {
    const m = vectors.length / d;
    for (let qi = 0; qi < queries; qi++) {
      const qo = qi * d;
      const s = bestS.subarray(qi * K, (qi + 1) * K);
      const ids = bestI.subarray(qi * K, (qi + 1) * K);
      let min = s[K - 1]!;
      for (let i = 0; i < m; i++) {
        const o = i * d;
        let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        for (let j = 0; j < d; j += 4) {
          a0 += q[qo + j]! * vectors[o + j]!;
          a1 += q[qo + j + 1]! * vectors[o + j + 1]!;
          a2 += q[qo + j + 2]! * vectors[o + j + 2]!;
          a3 += q[qo + j + 3]! * vectors[o + j + 3]!;
        }
        const score = a0 + a1 + a2 + a3;
        if (score > min) {
          let p = K - 1;
          while (p > 0 && s[p - 1]! < score) {
            s[p] = s[p - 1]!;
            ids[p] = ids[p - 1]!;
            p--;
          }
          s[p] = score;
          ids[p] = from + i;
          min = s[K - 1]!;
        }
      }
    }
  }
  writeWhole(path, new Uint8Array(bestI.buffer));
  const stats = { nn1: 0, nn10: 0, nn50: 0 };
  for (let qi = 0; qi < queries; qi++) {
    stats.nn1 += bestS[qi * K]! / queries;
    stats.nn10 += bestS[qi * K + 9]! / queries;
    stats.nn50 += bestS[qi * K + 49]! / queries;
  }
  writeWhole(`${path}.json`, Buffer.from(JSON.stringify(stats)));
  log(`ground truth n=${n}: ${((performance.now() - t0) / 1000).toFixed(1)} s; mean cos of the 1st/10th/50th neighbour ${stats.nn1.toFixed(3)}/${stats.nn10.toFixed(3)}/${stats.nn50.toFixed(3)}`);
  return bestI;
}

// ---------------------------------------------------------------- candidates

interface Handle {
  search(q: Float32Array, k: number): number[] | Promise<number[]>;
  /** inserts (new ids) */
  add(ids: number[], vectors: Float32Array): void | Promise<void>;
  remove(ids: number[]): void | Promise<void>;
  close?(): void | Promise<void>;
}

interface Candidate {
  name: string;
  /** parameter settings measured (one child each) */
  params(n: number): Record<string, number>[];
  build(f: DataFiles, n: number, dir: string): Promise<string>;
  open(dir: string, dims: number, p: Record<string, number>): Promise<Handle>;
  /** incremental changes are applied in batches of this many (1: one at a time) */
  batch?: number;
}

const require_ = (await import('node:module')).createRequire(import.meta.url);

/**
 * usearch HNSW. With 'i8' it casts each (unit) vector to int8 itself, on a fixed scale: unit
 * vectors of 256 dimensions have components near ±0.06, so few levels survive, hence its lower
 * recall. (Handing it values pre-scaled per vector, as ours are, measured the same recall at
 * 30k: its cast normalizes first.)
 */
function usearchCandidate(quant: 'i8' | 'f16'): Candidate {
  const config = (dims: number, ef: number) => {
    const u = require_('usearch') as typeof import('usearch');
    return new u.Index({ dimensions: dims, metric: u.MetricKind.Cos, quantization: quant === 'i8' ? u.ScalarKind.I8 : u.ScalarKind.F16, connectivity: 16, expansion_add: 128, expansion_search: ef, multi: false });
  };
  return {
    name: `usearch-${quant}`,
    params: () => [{ ef: 64 }, { ef: 128 }, { ef: 256 }],
    async build(f, n, dir) {
      const index = config(f.dims, 64);
      for (const { from, vectors } of chunks(f, n)) {
        const m = vectors.length / f.dims;
        const keys = new BigUint64Array(m);
        for (let i = 0; i < m; i++) keys[i] = BigInt(from + i);
        index.add(keys, vectors, 2);
        if (from % 500_000 === 0) log(`  usearch-${quant}: ${from + m}`);
      }
      index.save(join(dir, 'index.usearch'));
      return 'M=16, ef_add=128, 2 threads';
    },
    async open(dir, dims, p) {
      const index = config(dims, p.ef!);
      index.load(join(dir, 'index.usearch'));
      return {
        search: (q, k) => Array.from(index.search(q, k, 1).keys, Number),
        add: (ids, v) => index.add(BigUint64Array.from(ids.map(BigInt)), v, 1),
        remove: (ids) => void index.remove(BigUint64Array.from(ids.map(BigInt))),
      };
    },
  };
}

const hnswlib: Candidate = {
  name: 'hnswlib-f32',
  params: () => [{ ef: 64 }, { ef: 128 }],
  async build(f, n, dir) {
    const { HierarchicalNSW } = require_('hnswlib-node') as typeof import('hnswlib-node');
    const index = new HierarchicalNSW('ip', f.dims);
    index.initIndex({ maxElements: n + 2000, m: 16, efConstruction: 128, allowReplaceDeleted: true });
    for (const { from, vectors } of chunks(f, n)) {
      const m = vectors.length / f.dims;
      for (let i = 0; i < m; i++) index.addPoint(Array.from(vectors.subarray(i * f.dims, (i + 1) * f.dims)), from + i);
    }
    index.writeIndexSync(join(dir, 'index.hnsw'));
    return 'M=16, efConstruction=128, 1 thread (the binding adds one point per call)';
  },
  async open(dir, dims, p) {
    const { HierarchicalNSW } = require_('hnswlib-node') as typeof import('hnswlib-node');
    const index = new HierarchicalNSW('ip', dims);
    index.readIndexSync(join(dir, 'index.hnsw'), true);
    index.setEf(p.ef!);
    return {
      search: (q, k) => index.searchKnn(Array.from(q), k).neighbors,
      add: (ids, v) => {
        if (index.getCurrentCount() + ids.length > index.getMaxElements()) index.resizeIndex(index.getCurrentCount() + ids.length + 1000);
        ids.forEach((id, i) => index.addPoint(Array.from(v.subarray(i * dims, (i + 1) * dims)), id, true));
      },
      remove: (ids) => ids.forEach((id) => index.markDelete(id)),
    };
  },
};

async function arrowBatch(ids: Int32Array, vectors: Float32Array, dims: number): Promise<unknown> {
  // The CommonJS build, the one LanceDB itself loads (the ES module build's classes are other objects).
  const arrow = require_('apache-arrow') as typeof import('apache-arrow');
  const vecType = new arrow.FixedSizeList(dims, new arrow.Field('item', new arrow.Float32(), true));
  const schema = new arrow.Schema([new arrow.Field('id', new arrow.Int32(), false), new arrow.Field('vector', vecType, false)]);
  const n = ids.length;
  const idData = arrow.makeData({ type: new arrow.Int32(), length: n, data: ids });
  const child = arrow.makeData({ type: new arrow.Float32(), length: n * dims, data: vectors });
  const vecData = arrow.makeData({ type: vecType, length: n, nullCount: 0, child });
  const struct = arrow.makeData({ type: new arrow.Struct(schema.fields), length: n, children: [idData, vecData] });
  return new arrow.Table([new arrow.RecordBatch(schema, struct)]);
}

function lanceCandidate(flat: boolean): Candidate {
  return {
    name: flat ? 'lancedb-flat' : 'lancedb-ivfpq',
    batch: 1000,
    params: (n) => (flat ? [{ nprobes: 0 }] : [{ nprobes: 20, refine: 0 }, { nprobes: 40, refine: 4 }, { nprobes: Math.round(Math.sqrt(n) / 8), refine: 10 }]),
    async build(f, n, dir) {
      const lancedb = await import('@lancedb/lancedb');
      const db = await lancedb.connect(dir);
      let table: Awaited<ReturnType<typeof db.createTable>> | undefined;
      for (const { from, vectors } of chunks(f, n)) {
        const m = vectors.length / f.dims;
        const ids = new Int32Array(m).map((_, i) => from + i);
        const data = (await arrowBatch(ids, vectors, f.dims)) as Parameters<typeof db.createTable>[1];
        if (!table) table = await db.createTable('v', data);
        else await table.add(data);
      }
      if (!flat) {
        const t0 = performance.now();
        await table!.createIndex('vector', { config: lancedb.Index.ivfPq({ distanceType: 'dot' }) });
        return `IVF-PQ defaults (√n partitions, ${f.dims / 16} sub-vectors × 8 bits); index ${((performance.now() - t0) / 1000).toFixed(0)} s of the build`;
      }
      return 'no index (exact scan of the Lance file)';
    },
    async open(dir, dims, p) {
      const lancedb = await import('@lancedb/lancedb');
      const db = await lancedb.connect(dir);
      const table = await db.openTable('v');
      return {
        async search(q, k) {
          let query = table.vectorSearch(Array.from(q)).distanceType('dot').limit(k).select(['id']);
          if (flat) query = query.bypassVectorIndex();
          else {
            query = query.nprobes(p.nprobes!);
            if (p.refine) query = query.refineFactor(p.refine);
          }
          const rows = await query.toArray();
          return rows.map((r: { id: number }) => r.id);
        },
        async add(ids, v) {
          await table.add((await arrowBatch(Int32Array.from(ids), v, dims)) as Parameters<typeof table.add>[0]);
        },
        async remove(ids) {
          await table.delete(`id IN (${ids.join(',')})`);
        },
        close: () => table.close(),
      };
    },
  };
}

/** Exact search over int8 vectors in plain JavaScript (4 accumulators): the baseline. */
const exactJs: Candidate = {
  name: 'exact-js-i8',
  params: () => [{}],
  async build(f, n, dir) {
    const stride = strideFor(f.dims);
    const codes = new Int8Array(n * stride);
    const factors = new Float32Array(n);
    for (const { from, vectors } of chunks(f, n)) {
      const m = vectors.length / f.dims;
      for (let i = 0; i < m; i++) factors[from + i] = quantize(vectors.subarray(i * f.dims, (i + 1) * f.dims), f.dims, stride, codes, (from + i) * stride);
    }
    writeWhole(join(dir, 'codes.i8'), new Uint8Array(codes.buffer));
    writeWhole(join(dir, 'factors.f32'), new Uint8Array(factors.buffer));
    return 'int8 per-vector scale, flat arrays';
  },
  async open(dir, dims) {
    const stride = strideFor(dims);
    let codes = new Int8Array(readFileSync(join(dir, 'codes.i8')).buffer.slice(0));
    let factors = new Float32Array(readFileSync(join(dir, 'factors.f32')).buffer.slice(0));
    let ids = Int32Array.from({ length: factors.length }, (_, i) => i);
    const q = new Int8Array(stride);
    return {
      search(v, k) {
        quantize(v, dims, stride, q, 0);
        const n = factors.length;
        const s = new Float64Array(k).fill(-Infinity);
        const best = new Int32Array(k);
        let min = -Infinity;
        for (let i = 0, o = 0; i < n; i++, o += stride) {
          let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
          for (let j = 0; j < stride; j += 4) {
            a0 += q[j]! * codes[o + j]!;
            a1 += q[j + 1]! * codes[o + j + 1]!;
            a2 += q[j + 2]! * codes[o + j + 2]!;
            a3 += q[j + 3]! * codes[o + j + 3]!;
          }
          const score = (a0 + a1 + a2 + a3) * factors[i]!;
          if (score > min) {
            let p = k - 1;
            while (p > 0 && s[p - 1]! < score) {
              s[p] = s[p - 1]!;
              best[p] = best[p - 1]!;
              p--;
            }
            s[p] = score;
            best[p] = ids[i]!;
            min = s[k - 1]!;
          }
        }
        return Array.from(best);
      },
      add(newIds, v) {
        // Appending to flat arrays means copying them: the cost this layout pays.
        const n = factors.length;
        const c2 = new Int8Array((n + newIds.length) * stride);
        c2.set(codes);
        const f2 = new Float32Array(n + newIds.length);
        f2.set(factors);
        const i2 = new Int32Array(n + newIds.length);
        i2.set(ids);
        newIds.forEach((id, i) => {
          f2[n + i] = quantize(v.subarray(i * dims, (i + 1) * dims), dims, stride, c2, (n + i) * stride);
          i2[n + i] = id;
        });
        codes = c2;
        factors = f2;
        ids = i2;
      },
      remove(del) {
        const gone = new Set(del);
        for (let i = 0; i < ids.length; i++) if (gone.has(ids[i]!)) factors[i] = 0;
      },
    };
  },
  batch: 1000,
};

/** Ours: src/search/vectors (IVF, int8, WebAssembly kernel); `exact` keeps one list (the kernel's exact scan). */
function ours(exact: boolean): Candidate {
  return {
    name: exact ? 'exact-wasm-i8' : 'ivf-i8',
    params: () => (exact ? [{ nprobe: 1 }] : [{ nprobe: 16 }, { nprobe: 32 }, { nprobe: 64 }, { nprobe: 128 }]),
    async build(f, n, dir) {
      const index = await openVectorIndex(dir, { dims: f.dims, providerId: 'bench', autoTrain: false, rebuild: true });
      let upserts = 0;
      for (const { from, vectors } of chunks(f, n)) {
        const m = vectors.length / f.dims;
        const t = performance.now();
        for (let i = 0; i < m; i++) index.upsert(from + i, vectors.subarray(i * f.dims, (i + 1) * f.dims));
        upserts += performance.now() - t;
      }
      let note = `int8 + WASM SIMD, 1 thread; upserts ${(upserts / 1000).toFixed(1)} s`;
      if (!exact) {
        const t = performance.now();
        index.train();
        note += `, train ${((performance.now() - t) / 1000).toFixed(1)} s (${index.lists} lists)`;
      }
      const t = performance.now();
      await index.save();
      return `${note}, save ${((performance.now() - t) / 1000).toFixed(1)} s`;
    },
    async open(dir, dims, p) {
      const index = await openVectorIndex(dir, { dims, providerId: 'bench', autoTrain: false });
      return {
        search: (q, k) => index.searchWith(q, k, exact ? {} : { nprobe: p.nprobe! }).map((s) => s.seq),
        add: (ids, v) => ids.forEach((id, i) => index.upsert(id, v.subarray(i * dims, (i + 1) * dims))),
        remove: (ids) => ids.forEach((id) => index.remove(id)),
      };
    },
  };
}

const CANDIDATES: Candidate[] = [ours(false), ours(true), usearchCandidate('i8'), usearchCandidate('f16'), hnswlib, lanceCandidate(false), lanceCandidate(true), exactJs];

// ---------------------------------------------------------------- measuring

interface Result {
  candidate: string;
  n: number;
  dims: number;
  params: string;
  buildS?: number;
  buildNote?: string;
  diskMB?: number;
  rssMB?: number;
  loadS?: number;
  p50?: number;
  p99?: number;
  recall10?: number;
  addUs?: number;
  removeUs?: number;
  queries?: number;
  error?: string;
}

function log(msg: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);
}

function dirSize(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((s, name) => s + dirSize(join(path, name)), 0);
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

const rssMB = () => process.memoryUsage().rss / 2 ** 20;

async function childBuild(job: { candidate: string; n: number; dims: number; dir: string; data: string }): Promise<Partial<Result>> {
  const c = CANDIDATES.find((x) => x.name === job.candidate)!;
  const f = { ...dataFiles(job.data, job.dims), rows: job.n };
  const dir = indexDir(job.dir, c.name, job.n, job.dims);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const note = await c.build(f, job.n, dir);
  return { buildS: (performance.now() - t0) / 1000, buildNote: note, diskMB: dirSize(dir) / 2 ** 20 };
}

async function childQuery(job: { candidate: string; n: number; dims: number; dir: string; data: string; params: Record<string, number>; queries: number; incremental: boolean }): Promise<Partial<Result>> {
  const c = CANDIDATES.find((x) => x.name === job.candidate)!;
  const f = { ...dataFiles(job.data, job.dims), rows: job.n + 1000 };
  const d = job.dims;
  const queries = readQueries(f, job.queries);
  const gt = new Int32Array(readFileSync(join(job.data, `gt-d${d}${tag()}-n${job.n}-q${job.queries}.i32`)).buffer.slice(0));
  const fresh = readRows(f, job.n, 1000);
  gc();
  const rss0 = rssMB();
  const t0 = performance.now();
  const h = await c.open(indexDir(job.dir, c.name, job.n, d), d, job.params);
  const loadS = (performance.now() - t0) / 1000;
  // Slow candidates answer fewer queries (recall over those).
  const slow = c.name === 'exact-js-i8' || c.name === 'lancedb-flat' ? Math.max(20, Math.round(200_000 / job.n) * 20) : job.queries;
  const count = Math.min(job.queries, slow);
  for (let i = 0; i < Math.min(20, count); i++) await h.search(queries.subarray(i * d, (i + 1) * d), 50);
  gc();
  const rss = rssMB() - rss0;
  const times: number[] = [];
  let hits = 0;
  for (let i = 0; i < count; i++) {
    const q = queries.subarray(i * d, (i + 1) * d);
    const t = performance.now();
    const ids = await h.search(q, 50);
    times.push(performance.now() - t);
    const truth = new Set(gt.subarray(i * 50, i * 50 + 10));
    for (const id of ids.slice(0, 10)) if (truth.has(id)) hits++;
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  if (!job.incremental) {
    await h.close?.();
    return { loadS, rssMB: rss, p50: pct(0.5), p99: pct(0.99), recall10: hits / (count * 10), queries: count };
  }
  // Incremental (the last parameter setting only; LanceDB writes it to disk): 1000 new vectors, then remove 1000 of the old ones.
  const batch = c.batch ?? 1;
  const newIds = Array.from({ length: 1000 }, (_, i) => job.n + i);
  let t = performance.now();
  for (let i = 0; i < 1000; i += batch) await h.add(newIds.slice(i, i + batch), fresh.subarray(i * d, (i + batch) * d));
  const addUs = ((performance.now() - t) * 1000) / 1000;
  const delIds = Array.from({ length: 1000 }, (_, i) => i * Math.floor(job.n / 1000));
  t = performance.now();
  for (let i = 0; i < 1000; i += batch) await h.remove(delIds.slice(i, i + batch));
  const removeUs = ((performance.now() - t) * 1000) / 1000;
  // Removed vectors must be gone: a query equal to a removed vector must not return it.
  const probe = await h.search(readRows(f, delIds[1]!, 1), 10);
  if (probe.includes(delIds[1]!)) throw new Error('a removed vector is still returned');
  await h.close?.();
  return { loadS, rssMB: rss, p50: pct(0.5), p99: pct(0.99), recall10: hits / (count * 10), addUs, removeUs, queries: count };
}

function indexDir(root: string, name: string, n: number, dims: number): string {
  return join(root, 'indexes', `${name}-d${dims}${tag()}-n${n}`);
}

function runChild(job: object): Partial<Result> {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', self, '--child', JSON.stringify(job)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
    timeout: 3 * 3600_000,
  });
  const out = r.stdout.toString().trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(out) as Partial<Result>;
  } catch {
    return { error: `child failed (status ${r.status}, signal ${r.signal}): ${out.slice(0, 200)}` };
  }
}

// ---------------------------------------------------------------- report

const f1 = (x: number | undefined, digits = 1) => (x === undefined ? '' : x.toFixed(digits));

export function table(results: Result[]): string {
  const rows = [
    '| candidate | vectors | params | build s | disk MB | RSS Δ MB | load s | p50 ms | p99 ms | recall@10 | add µs | remove µs | notes |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of results) {
    rows.push(
      `| ${r.candidate} | ${r.n.toLocaleString('en-US')} | ${r.params} | ${f1(r.buildS, 0)} | ${f1(r.diskMB, 0)} | ${f1(r.rssMB, 0)} | ${f1(r.loadS, 2)} | ${f1(r.p50, 2)} | ${f1(r.p99, 2)} | ${f1(r.recall10, 3)} | ${f1(r.addUs, 0)} | ${f1(r.removeUs, 0)} | ${r.error ?? r.buildNote ?? ''}${r.queries && r.queries < 200 ? ` (${r.queries} queries)` : ''} |`,
    );
  }
  return rows.join('\n');
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    const job = JSON.parse(process.argv[3]!) as { mode: "build" | "query"; noise: number } & Record<string, unknown>;
    NOISE = job.noise ?? 0.3;
    try {
      const r = job.mode === 'build' ? await childBuild(job as unknown as Parameters<typeof childBuild>[0]) : await childQuery(job as unknown as Parameters<typeof childQuery>[0]);
      process.stdout.write(`${JSON.stringify(r)}\n`);
    } catch (err) {
      process.stdout.write(`${JSON.stringify({ error: String((err as Error).stack ?? err).slice(0, 300) })}\n`);
    }
    return;
  }
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '200000,1000000,2700000' },
      dims: { type: 'string', default: '256' },
      candidates: { type: 'string', default: CANDIDATES.map((c) => c.name).join(',') },
      queries: { type: 'string', default: '200' },
      dir: { type: 'string', default: '.bench/vectors' },
      rebuild: { type: 'boolean', default: false },
      'table-only': { type: 'boolean', default: false },
      noise: { type: 'string', default: '0.3' },
    },
  });
  NOISE = Number(values.noise);
  const dir = resolve(values.dir!);
  const data = join(dir, 'data');
  mkdirSync(data, { recursive: true });
  const resultsFile = join(dir, 'results.jsonl');
  const sizes = values.sizes!.split(',').map(Number);
  const dims = Number(values.dims);
  const nq = Number(values.queries);
  if (!values['table-only']) {
    const f = ensureData(data, dims, Math.max(...sizes) + 1000, nq);
    for (const n of sizes) groundTruth(data, f, n, nq);
    for (const n of sizes) {
      for (const name of values.candidates!.split(',')) {
        const c = CANDIDATES.find((x) => x.name === name);
        if (!c) throw new Error(`unknown candidate ${name}`);
        const idx = indexDir(dir, c.name, n, dims);
        let build: Partial<Result> = {};
        if (values.rebuild || !existsSync(join(idx, '.built'))) {
          log(`build ${c.name} n=${n}`);
          build = runChild({ mode: 'build', noise: NOISE, candidate: c.name, n, dims, dir, data });
          if (build.error) {
            log(`  ${build.error}`);
            appendFileSync(resultsFile, `${JSON.stringify({ candidate: c.name, n, dims, params: tag(), ...build })}\n`);
            continue;
          }
          writeWhole(join(idx, '.built'), Buffer.from(JSON.stringify(build)));
          log(`  built in ${f1(build.buildS)} s, ${f1(build.diskMB, 0)} MB`);
        } else build = JSON.parse(readFileSync(join(idx, '.built'), 'utf8')) as Partial<Result>;
        const settings = c.params(n);
        for (const [pi, p] of settings.entries()) {
          const params = Object.entries(p).map(([k, v]) => `${k}=${v}`).join(' ');
          log(`query ${c.name} n=${n} ${params}`);
          const q = runChild({ mode: 'query', noise: NOISE, candidate: c.name, n, dims, dir, data, params: p, queries: nq, incremental: pi === settings.length - 1 });
          const r: Result = { candidate: c.name, n, dims, params: `${params}${tag() ? ` (noise ${NOISE})` : ''}`, ...build, ...q };
          log(`  p50 ${f1(r.p50, 2)} ms, recall ${f1(r.recall10, 3)}, RSS ${f1(r.rssMB, 0)} MB${r.error ? `, ${r.error}` : ''}`);
          appendFileSync(resultsFile, `${JSON.stringify(r)}\n`);
        }
        // Queries add and remove vectors: rebuild next time.
        rmSync(join(idx, '.built'), { force: true });
      }
    }
  }
  const all = existsSync(resultsFile)
    ? readFileSync(resultsFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Result)
    : [];
  // The latest result of each (candidate, size, dims, params).
  const latest = new Map<string, Result>();
  for (const r of all) latest.set(`${r.candidate}|${r.n}|${r.dims}|${r.params}`, r);
  const md = table([...latest.values()].sort((a, b) => a.dims - b.dims || a.n - b.n || CANDIDATES.findIndex((c) => c.name === a.candidate) - CANDIDATES.findIndex((c) => c.name === b.candidate)));
  writeWhole(join(dir, 'results.md'), Buffer.from(`${md}\n`));
  process.stdout.write(`${md}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();


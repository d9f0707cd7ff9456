/**
 * The linear algebra of training the built-in embeddings: a sparse document × term matrix, the
 * randomized truncated SVD of it (Halko, Martinsson & Tropp 2011) computed in term space only,
 * and a dense symmetric eigensolver for the small l × l problems.
 *
 * Memory stays at O(terms × l): the operator X^T X is applied by streaming the documents
 * (b = x_d Y, then out += x_d^T b), so no documents × l matrix is ever stored.
 */
import { mulberry32 } from '../../random.js';

/** Compressed sparse rows: documents × terms. */
export interface Csr {
  rows: number;
  cols: number;
  /** row r's entries are [indptr[r], indptr[r + 1]) */
  indptr: Uint32Array;
  indices: Uint32Array;
  values: Float32Array;
}

/** Standard normal samples from a uniform PRNG (Box–Muller). */
export function gaussian(rand: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = rand();
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** out = X^T X Y, with Y and out row-major cols × l (float32: half the memory traffic of this memory-bound step). */
export function gramApply(x: Csr, y: Float32Array, l: number, out: Float32Array): void {
  out.fill(0);
  const b = new Float64Array(l);
  const { indptr, indices, values } = x;
  for (let r = 0; r < x.rows; r++) {
    const from = indptr[r] as number;
    const to = indptr[r + 1] as number;
    if (from === to) continue;
    b.fill(0);
    for (let p = from; p < to; p++) {
      const v = values[p] as number;
      const off = (indices[p] as number) * l;
      for (let j = 0; j < l; j++) b[j] = (b[j] as number) + v * (y[off + j] as number);
    }
    for (let p = from; p < to; p++) {
      const v = values[p] as number;
      const off = (indices[p] as number) * l;
      for (let j = 0; j < l; j++) out[off + j] = (out[off + j] as number) + v * (b[j] as number);
    }
  }
}

/**
 * G = A^T B for row-major n × l matrices A and B (l × l; symmetric when A = B). Rows are taken
 * eight at a time so each element of G is loaded and stored once per eight rows (2× faster).
 */
export function crossProduct(a: Float32Array, b: Float32Array, n: number, l: number): Float64Array {
  const g = new Float64Array(l * l);
  const same = a === b;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o0 = i * l;
    const o1 = o0 + l;
    const o2 = o1 + l;
    const o3 = o2 + l;
    const o4 = o3 + l;
    const o5 = o4 + l;
    const o6 = o5 + l;
    const o7 = o6 + l;
    for (let p = 0; p < l; p++) {
      const a0 = a[o0 + p] as number;
      const a1 = a[o1 + p] as number;
      const a2 = a[o2 + p] as number;
      const a3 = a[o3 + p] as number;
      const a4 = a[o4 + p] as number;
      const a5 = a[o5 + p] as number;
      const a6 = a[o6 + p] as number;
      const a7 = a[o7 + p] as number;
      const row = p * l;
      for (let q = same ? p : 0; q < l; q++) {
        g[row + q] =
          (g[row + q] as number) +
          a0 * (b[o0 + q] as number) +
          a1 * (b[o1 + q] as number) +
          a2 * (b[o2 + q] as number) +
          a3 * (b[o3 + q] as number) +
          a4 * (b[o4 + q] as number) +
          a5 * (b[o5 + q] as number) +
          a6 * (b[o6 + q] as number) +
          a7 * (b[o7 + q] as number);
      }
    }
  }
  for (; i < n; i++) {
    const off = i * l;
    for (let p = 0; p < l; p++) {
      const ap = a[off + p] as number;
      const row = p * l;
      for (let q = same ? p : 0; q < l; q++) g[row + q] = (g[row + q] as number) + ap * (b[off + q] as number);
    }
  }
  if (same) for (let p = 0; p < l; p++) for (let q = 0; q < p; q++) g[p * l + q] = g[q * l + p] as number;
  return g;
}

/** C = A W for row-major n × l A and l × k W (four rows at a time, for the same reason). */
export function multiplySmall(a: Float32Array, n: number, l: number, w: Float64Array, k: number): Float32Array {
  const c = new Float32Array(n * k);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o0 = i * l;
    const o1 = o0 + l;
    const o2 = o1 + l;
    const o3 = o2 + l;
    const c0 = i * k;
    const c1 = c0 + k;
    const c2 = c1 + k;
    const c3 = c2 + k;
    for (let p = 0; p < l; p++) {
      const a0 = a[o0 + p] as number;
      const a1 = a[o1 + p] as number;
      const a2 = a[o2 + p] as number;
      const a3 = a[o3 + p] as number;
      const row = p * k;
      for (let q = 0; q < k; q++) {
        const wq = w[row + q] as number;
        c[c0 + q] = (c[c0 + q] as number) + a0 * wq;
        c[c1 + q] = (c[c1 + q] as number) + a1 * wq;
        c[c2 + q] = (c[c2 + q] as number) + a2 * wq;
        c[c3 + q] = (c[c3 + q] as number) + a3 * wq;
      }
    }
  }
  for (; i < n; i++) {
    const off = i * l;
    const outOff = i * k;
    for (let p = 0; p < l; p++) {
      const ap = a[off + p] as number;
      const row = p * k;
      for (let q = 0; q < k; q++) c[outOff + q] = (c[outOff + q] as number) + ap * (w[row + q] as number);
    }
  }
  return c;
}

/**
 * Eigen-decomposition of a symmetric l × l matrix (row-major): eigenvalues descending and the
 * matching eigenvectors as the columns of a row-major l × l matrix. Householder reduction to
 * tridiagonal form, then the implicit QL algorithm (tred2/tql2, as in JAMA / EISPACK).
 */
export function symmetricEigen(matrix: Float64Array, l: number): { values: Float64Array; vectors: Float64Array } {
  // V[i][j] stored as v[j * l + i] (column-major), so tred2's inner loops run over contiguous memory
  const v = Float64Array.from(matrix);
  const d = new Float64Array(l);
  const e = new Float64Array(l);
  const at = (i: number, j: number): number => v[j * l + i] as number;
  const set = (i: number, j: number, x: number): void => {
    v[j * l + i] = x;
  };
  // tred2
  for (let j = 0; j < l; j++) d[j] = at(l - 1, j);
  for (let i = l - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k] as number);
    if (scale === 0) {
      e[i] = d[i - 1] as number;
      for (let j = 0; j < i; j++) {
        d[j] = at(i - 1, j);
        set(i, j, 0);
        set(j, i, 0);
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] = (d[k] as number) / scale;
        h += (d[k] as number) * (d[k] as number);
      }
      let f = d[i - 1] as number;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j] as number;
        set(j, i, f);
        g = (e[j] as number) + at(j, j) * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += at(k, j) * (d[k] as number);
          e[k] = (e[k] as number) + at(k, j) * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] = (e[j] as number) / h;
        f += (e[j] as number) * (d[j] as number);
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = (e[j] as number) - hh * (d[j] as number);
      for (let j = 0; j < i; j++) {
        f = d[j] as number;
        g = e[j] as number;
        for (let k = j; k <= i - 1; k++) set(k, j, at(k, j) - (f * (e[k] as number) + g * (d[k] as number)));
        d[j] = at(i - 1, j);
        set(i, j, 0);
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < l - 1; i++) {
    set(l - 1, i, at(i, i));
    set(i, i, 1);
    const h = d[i + 1] as number;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = at(k, i + 1) / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += at(k, i + 1) * at(k, j);
        for (let k = 0; k <= i; k++) set(k, j, at(k, j) - g * (d[k] as number));
      }
    }
    for (let k = 0; k <= i; k++) set(k, i + 1, 0);
  }
  for (let j = 0; j < l; j++) {
    d[j] = at(l - 1, j);
    set(l - 1, j, 0);
  }
  if (l > 0) set(l - 1, l - 1, 1);
  e[0] = 0;

  // tql2, with the eigenvectors transposed (vt[i * l + k] = V[k][i]) so rotations touch contiguous rows
  const vt = v;
  for (let i = 1; i < l; i++) e[i - 1] = e[i] as number;
  if (l > 0) e[l - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let ll = 0; ll < l; ll++) {
    tst1 = Math.max(tst1, Math.abs(d[ll] as number) + Math.abs(e[ll] as number));
    let m = ll;
    while (m < l) {
      if (Math.abs(e[m] as number) <= eps * tst1) break;
      m++;
    }
    if (m > ll) {
      for (let iter = 0; iter < 100; iter++) {
        let g = d[ll] as number;
        let p = ((d[ll + 1] as number) - g) / (2 * (e[ll] as number));
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[ll] = (e[ll] as number) / (p + r);
        d[ll + 1] = (e[ll] as number) * (p + r);
        const dl1 = d[ll + 1] as number;
        let h = g - (d[ll] as number);
        for (let i = ll + 2; i < l; i++) d[i] = (d[i] as number) - h;
        f += h;
        p = d[m] as number;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[ll + 1] as number;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= ll; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * (e[i] as number);
          h = c * p;
          r = Math.hypot(p, e[i] as number);
          e[i + 1] = s * r;
          s = (e[i] as number) / r;
          c = p / r;
          p = c * (d[i] as number) - s * g;
          d[i + 1] = h + s * (c * g + s * (d[i] as number));
          const ri = i * l;
          const ri1 = ri + l;
          for (let k = 0; k < l; k++) {
            const hk = vt[ri1 + k] as number;
            const vk = vt[ri + k] as number;
            vt[ri1 + k] = s * vk + c * hk;
            vt[ri + k] = c * vk - s * hk;
          }
        }
        p = (-s * s2 * c3 * el1 * (e[ll] as number)) / dl1;
        e[ll] = s * p;
        d[ll] = c * p;
        if (Math.abs(e[ll] as number) <= eps * tst1) break;
      }
    }
    d[ll] = (d[ll] as number) + f;
    e[ll] = 0;
  }
  // sort descending
  const order = Array.from({ length: l }, (_, i) => i).sort((a, b) => (d[b] as number) - (d[a] as number) || a - b);
  const values = new Float64Array(l);
  const vectors = new Float64Array(l * l);
  order.forEach((src, dst) => {
    values[dst] = d[src] as number;
    for (let k = 0; k < l; k++) vectors[k * l + dst] = vt[src * l + k] as number;
  });
  return { values, vectors };
}

/**
 * Orthonormal basis of the column space of the row-major n × l matrix Y, in place, through the
 * eigen-decomposition of Y^T Y (robust to rank deficiency: directions with negligible energy
 * become zero columns). Returns the number of non-zero columns.
 */
export function orthonormalize(y: Float32Array, n: number, l: number, passes = 2): number {
  let rank = 0;
  for (let pass = 0; pass < passes; pass++) {
    // twice, like CholeskyQR2, when accuracy matters: the second pass fixes the rounding of the first
    const g = crossProduct(y, y, n, l);
    const { values, vectors } = symmetricEigen(g, l);
    const top = Math.max(values[0] ?? 0, 0);
    const w = new Float64Array(l * l);
    rank = 0;
    for (let j = 0; j < l; j++) {
      const lambda = values[j] as number;
      if (!(lambda > top * 1e-12) || lambda <= 0) continue;
      const s = 1 / Math.sqrt(lambda);
      for (let i = 0; i < l; i++) w[i * l + j] = (vectors[i * l + j] as number) * s;
      rank++;
    }
    y.set(multiplySmall(y, n, l, w, l));
  }
  return rank;
}

/** X^T as compressed sparse rows. */
export function transpose(x: Csr): Csr {
  const count = new Uint32Array(x.cols + 1);
  const nnz = x.indptr[x.rows] as number;
  for (let p = 0; p < nnz; p++) {
    const c = (x.indices[p] as number) + 1;
    count[c] = (count[c] as number) + 1;
  }
  for (let c = 0; c < x.cols; c++) count[c + 1] = (count[c + 1] as number) + (count[c] as number);
  const indptr = Uint32Array.from(count);
  const next = Uint32Array.from(count);
  const indices = new Uint32Array(nnz);
  const values = new Float32Array(nnz);
  for (let r = 0; r < x.rows; r++) {
    for (let p = x.indptr[r] as number; p < (x.indptr[r + 1] as number); p++) {
      const c = x.indices[p] as number;
      const at = next[c] as number;
      indices[at] = r;
      values[at] = x.values[p] as number;
      next[c] = at + 1;
    }
  }
  return { rows: x.cols, cols: x.rows, indptr, indices, values };
}

export interface SvdOptions {
  oversample?: number;
  powerIterations?: number;
  seed?: number;
  onProgress?: (step: string) => void;
}

/**
 * The top-k right singular vectors and singular values of X (documents × terms): V as a
 * row-major terms × k matrix, σ descending. Directions beyond the rank of X are zero. The dense
 * work is O(min(documents, terms) × l²): with fewer documents than terms, the left singular
 * vectors are found first and V = X^T U Σ^-1.
 */
export function truncatedSvd(x: Csr, k: number, opts: SvdOptions = {}): { v: Float32Array; sigma: Float64Array } {
  if (x.rows >= x.cols) return rightSvd(x, k, opts);
  const { v: u, sigma } = rightSvd(transpose(x), k, opts);
  const v = new Float32Array(x.cols * k);
  for (let r = 0; r < x.rows; r++) {
    const uo = r * k;
    for (let p = x.indptr[r] as number; p < (x.indptr[r + 1] as number); p++) {
      const val = x.values[p] as number;
      const vo = (x.indices[p] as number) * k;
      for (let j = 0; j < k; j++) v[vo + j] = (v[vo + j] as number) + val * (u[uo + j] as number);
    }
  }
  for (let j = 0; j < k; j++) {
    const s = sigma[j] as number;
    const inv = s > 0 ? 1 / s : 0;
    for (let t = 0; t < x.cols; t++) v[t * k + j] = (v[t * k + j] as number) * inv;
  }
  return { v, sigma };
}

/** Randomized range finder with power iterations in the column space of X, then the small eigenproblem. */
function rightSvd(x: Csr, k: number, opts: SvdOptions): { v: Float32Array; sigma: Float64Array } {
  const m = x.cols;
  const l = Math.min(k + (opts.oversample ?? 16), Math.max(m, 1));
  const normal = gaussian(mulberry32(opts.seed ?? 1));
  let y = new Float32Array(m * l);
  for (let i = 0; i < y.length; i++) y[i] = normal();
  let z = new Float32Array(m * l);
  const q = opts.powerIterations ?? 2;
  orthonormalize(y, m, l, 1);
  for (let it = 0; it <= q; it++) {
    opts.onProgress?.(`power iteration ${it + 1}/${q + 1}`);
    gramApply(x, y, l, z);
    [y, z] = [z, y];
    orthonormalize(y, m, l, it === q ? 2 : 1);
  }
  opts.onProgress?.('projection');
  gramApply(x, y, l, z);
  const g = crossProduct(y, z, m, l);
  // symmetrize against rounding
  for (let p = 0; p < l; p++) {
    for (let r = p + 1; r < l; r++) {
      const s = ((g[p * l + r] as number) + (g[r * l + p] as number)) / 2;
      g[p * l + r] = s;
      g[r * l + p] = s;
    }
  }
  const { values, vectors } = symmetricEigen(g, l);
  const kk = Math.min(k, l);
  const w = new Float64Array(l * k);
  const sigma = new Float64Array(k);
  const top = Math.max(values[0] ?? 0, 0);
  for (let j = 0; j < kk; j++) {
    const lambda = values[j] as number;
    if (!(lambda > top * 1e-10) || lambda <= 0) continue;
    sigma[j] = Math.sqrt(lambda);
    for (let i = 0; i < l; i++) w[i * k + j] = vectors[i * l + j] as number;
  }
  return { v: multiplySmall(y, m, l, w, k), sigma };
}

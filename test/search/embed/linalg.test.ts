/** The linear algebra of training: eigen-decomposition, orthonormalization, randomized SVD. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gaussian, orthonormalize, symmetricEigen, transpose, truncatedSvd, type Csr } from '../../../src/search/embed/linalg.js';
import { mulberry32 as prng } from '../../../src/random.js';

function randomSymmetric(l: number, seed: number): Float64Array {
  const g = gaussian(prng(seed));
  const a = new Float64Array(l * l);
  for (let i = 0; i < l; i++) {
    for (let j = 0; j <= i; j++) {
      const v = g();
      a[i * l + j] = v;
      a[j * l + i] = v;
    }
  }
  return a;
}

test('symmetricEigen: A v = λ v, eigenvalues descending, vectors orthonormal', () => {
  const l = 40;
  const a = randomSymmetric(l, 3);
  const { values, vectors } = symmetricEigen(a, l);
  for (let j = 1; j < l; j++) assert.ok(values[j - 1]! >= values[j]!);
  for (let j = 0; j < l; j++) {
    for (let i = 0; i < l; i++) {
      let s = 0;
      for (let k = 0; k < l; k++) s += a[i * l + k]! * vectors[k * l + j]!;
      assert.ok(Math.abs(s - values[j]! * vectors[i * l + j]!) < 1e-9);
    }
    for (let q = 0; q <= j; q++) {
      let d = 0;
      for (let i = 0; i < l; i++) d += vectors[i * l + j]! * vectors[i * l + q]!;
      assert.ok(Math.abs(d - (q === j ? 1 : 0)) < 1e-9);
    }
  }
});

test('orthonormalize: orthonormal columns spanning the input; rank deficiency gives zero columns', () => {
  const n = 50;
  const l = 6;
  const g = gaussian(prng(5));
  const y = new Float32Array(n * l);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 4; j++) y[i * l + j] = g();
    y[i * l + 4] = y[i * l]! + y[i * l + 1]!; // dependent
    y[i * l + 5] = 2 * y[i * l + 2]!;
  }
  assert.equal(orthonormalize(y, n, l), 4);
  let nonzero = 0;
  for (let p = 0; p < l; p++) {
    let d = 0;
    for (let i = 0; i < n; i++) d += y[i * l + p]! ** 2;
    if (d > 0.5) nonzero++;
    for (let q = 0; q < p; q++) {
      let c = 0;
      for (let i = 0; i < n; i++) c += y[i * l + p]! * y[i * l + q]!;
      assert.ok(Math.abs(c) < 1e-4);
    }
  }
  assert.equal(nonzero, 4);
});

/** A random sparse matrix of the given rank: rows mix a few sparse "topics". */
function lowRank(rows: number, cols: number, rank: number, seed: number): Csr {
  const rand = prng(seed);
  const topics = Array.from({ length: rank }, () => {
    const m = new Map<number, number>();
    for (let k = 0; k < 8; k++) m.set(Math.floor(rand() * cols), rand() + 0.5);
    return m;
  });
  const indptr = new Uint32Array(rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = new Map<number, number>();
    for (let t = 0; t < rank; t++) {
      if (rand() < 0.3) continue;
      const w = rand();
      for (const [c, v] of topics[t]!) row.set(c, (row.get(c) ?? 0) + w * v);
    }
    for (const [c, v] of [...row].sort((a, b) => a[0] - b[0])) {
      indices.push(c);
      values.push(v);
    }
    indptr[r + 1] = indices.length;
  }
  return { rows, cols, indptr, indices: Uint32Array.from(indices), values: Float32Array.from(values) };
}

function exactSingularValues(x: Csr): number[] {
  const m = x.cols;
  const g = new Float64Array(m * m);
  for (let r = 0; r < x.rows; r++) {
    for (let p = x.indptr[r]!; p < x.indptr[r + 1]!; p++) {
      for (let q = x.indptr[r]!; q < x.indptr[r + 1]!; q++) g[x.indices[p]! * m + x.indices[q]!]! += x.values[p]! * x.values[q]!;
    }
  }
  return Array.from(symmetricEigen(g, m).values, (v) => Math.sqrt(Math.max(v, 0)));
}

test('truncatedSvd recovers the singular values and vectors of a low-rank matrix (more rows or more columns)', () => {
  for (const [rows, cols] of [
    [300, 60],
    [40, 120],
  ] as const) {
    const x = lowRank(rows, cols, 5, 7);
    const exact = exactSingularValues(x);
    const { v, sigma } = truncatedSvd(x, 8, { seed: 1 });
    for (let j = 0; j < 5; j++) assert.ok(Math.abs(sigma[j]! - exact[j]!) / exact[0]! < 1e-4, `σ${j} ${sigma[j]} vs ${exact[j]}`);
    for (let j = 5; j < 8; j++) assert.ok(sigma[j]! < 1e-3 * exact[0]!, 'beyond the rank: nothing');
    // X^T X v_j = σ_j² v_j
    const xt = transpose(x);
    for (let j = 0; j < 5; j++) {
      const xv = new Float64Array(rows);
      for (let r = 0; r < rows; r++) for (let p = x.indptr[r]!; p < x.indptr[r + 1]!; p++) xv[r]! += x.values[p]! * v[x.indices[p]! * 8 + j]!;
      let err = 0;
      for (let c = 0; c < cols; c++) {
        let s = 0;
        for (let p = xt.indptr[c]!; p < xt.indptr[c + 1]!; p++) s += xt.values[p]! * xv[xt.indices[p]!]!;
        err = Math.max(err, Math.abs(s - sigma[j]! ** 2 * v[c * 8 + j]!));
      }
      assert.ok(err < 1e-3 * sigma[0]! ** 2, `residual ${err}`);
    }
  }
});

test('the same seed gives the same result', () => {
  const x = lowRank(100, 50, 10, 11);
  assert.deepEqual(truncatedSvd(x, 6, { seed: 4 }), truncatedSvd(x, 6, { seed: 4 }));
});

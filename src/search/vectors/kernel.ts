/**
 * The inner loop of the vector index: int8 dot products, one query against a block of stored
 * vectors, in WebAssembly SIMD (i32x4.dot_i16x8_s: 16 multiply-adds per a handful of
 * instructions, about 10× a scalar JavaScript loop). The module is a few hundred bytes,
 * assembled here byte by byte so that nothing is downloaded or compiled at install time; Node 20
 * has WebAssembly SIMD on every x86-64 and arm64 machine it runs on.
 *
 * Memory: one WebAssembly.Memory owned by the kernel, laid out as [query | block | scores]; the
 * caller copies a block of vectors in (a memcpy, far cheaper than the arithmetic), or has it read
 * from a file straight into that memory (`runFile`), and reads the int32 dot products out.
 * Vectors are `stride` bytes, a multiple of 16 (zero-padded).
 */

import { readFully } from './file.js';

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (small constants). */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(s: string): number[] {
  return [...uleb(s.length), ...Buffer.from(s, 'latin1')];
}

/**
 * dot(q, base, n, stride, out): for i in [0, n): out[i] = Σ_j q[j]·base[i·stride + j] (int8 → int32).
 * Locals: 0 q, 1 base, 2 n, 3 stride, 4 out, 5 j, 6 acc, 7 a, 8 b, 9 acc2.
 */
function dotBody(): number[] {
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const tee = (i: number) => [0x22, i];
  const simd = (op: number) => [0xfd, ...uleb(op)];
  const load = [...simd(0x00), 0, 0]; // v128.load align=1 offset=0
  const extLow = simd(0x87); // i16x8.extend_low_i8x16_s
  const extHigh = simd(0x88); // i16x8.extend_high_i8x16_s
  const dot = simd(0xba); // i32x4.dot_i16x8_s
  const add4 = simd(0xae); // i32x4.add
  const lane = (l: number) => [...simd(0x1b), l]; // i32x4.extract_lane
  const i32 = (n: number) => [0x41, ...sleb(n)];
  const code = [
    // locals: 1 × i32 (j), 4 × v128 (acc, a, b, acc2)
    2, 1, 0x7f, 4, 0x7b,
    0x02, 0x40, // block $exit
    0x03, 0x40, // loop $outer
    ...get(2), 0x45, 0x0d, 1, // if n == 0: br $exit
    ...simd(0x0c), ...new Array(16).fill(0), ...set(6), // acc = 0
    ...simd(0x0c), ...new Array(16).fill(0), ...set(9), // acc2 = 0
    ...i32(0), ...set(5), // j = 0
    0x03, 0x40, // loop $inner
    ...get(0), ...get(5), 0x6a, ...load, ...set(7),
    ...get(1), ...get(5), 0x6a, ...load, ...set(8),
    ...get(6), ...get(7), ...extLow, ...get(8), ...extLow, ...dot, ...add4, ...set(6),
    ...get(9), ...get(7), ...extHigh, ...get(8), ...extHigh, ...dot, ...add4, ...set(9),
    ...get(5), ...i32(16), 0x6a, ...tee(5), ...get(3), 0x49, 0x0d, 0, // j += 16; if j < stride: continue
    0x0b, // end $inner
    ...get(6), ...get(9), ...add4, ...set(6),
    ...get(4),
    ...get(6), ...lane(0), ...get(6), ...lane(1), 0x6a, ...get(6), ...lane(2), 0x6a, ...get(6), ...lane(3), 0x6a,
    0x36, 2, 0, // i32.store align=4
    ...get(4), ...i32(4), 0x6a, ...set(4),
    ...get(1), ...get(3), 0x6a, ...set(1),
    ...get(2), ...i32(1), 0x6b, ...set(2),
    0x0c, 0, // br $outer
    0x0b, // end $outer
    0x0b, // end $exit
    0x0b, // end function
  ];
  return [...uleb(code.length), ...code];
}

function moduleBytes(): Uint8Array {
  const i32 = 0x7f;
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 5, i32, i32, i32, i32, i32, 0]),
    ...section(2, [1, ...name('e'), ...name('m'), 0x02, 0x00, 1]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('dot'), 0x00, 0]),
    ...section(10, [1, ...dotBody()]),
  ];
  return Uint8Array.from(bytes);
}

/** The little of the WebAssembly API used here (the project's lib settings leave its types out). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;

const PAGE = 65536;

/**
 * A dot-product kernel with its own memory; not shared between threads. Memory layout:
 * [query | resident block (e.g. centroids, kept between calls) | scratch block | scores].
 */
export class DotKernel {
  readonly stride: number;
  private memory: WasmMemory;
  private fn: (q: number, base: number, n: number, stride: number, out: number) => void;
  private residentCount = 0;
  private residentCap = 0;
  private scratchCap = 0;
  private residentOffset = 0;
  private scratchOffset = 0;
  private scoresOffset = 0;
  private bytes!: Int8Array;
  private scoreView!: Int32Array;

  constructor(stride: number, scratch = 4096) {
    if (stride <= 0 || stride % 16 !== 0) throw new Error(`kernel stride must be a positive multiple of 16, got ${stride}`);
    this.stride = stride;
    compiled ??= new wasm.Module(moduleBytes());
    this.memory = new wasm.Memory({ initial: 1 });
    const instance = new wasm.Instance(compiled, { e: { m: this.memory } });
    this.fn = instance.exports.dot as DotKernel['fn'];
    this.layout(0, scratch);
  }

  /** Lays the memory out for `resident` resident and `scratch` scratch vectors, keeping the query and the resident block. */
  private layout(resident: number, scratch: number): void {
    const s = this.stride;
    const keep = this.bytes ? this.bytes.slice(0, s + this.residentCount * s) : null;
    this.residentOffset = s;
    this.scratchOffset = this.residentOffset + resident * s;
    this.scoresOffset = this.scratchOffset + scratch * s;
    const need = this.scoresOffset + Math.max(resident, scratch) * 4;
    const have = this.memory.buffer.byteLength;
    if (need > have) this.memory.grow(Math.ceil((need - have) / PAGE));
    this.residentCap = resident;
    this.scratchCap = scratch;
    this.bytes = new Int8Array(this.memory.buffer);
    this.scoreView = new Int32Array(this.memory.buffer, this.scoresOffset, Math.max(resident, scratch));
    if (keep) this.bytes.set(keep, 0);
  }

  /** The most vectors one `run` call takes. */
  get scratchCapacity(): number {
    return this.scratchCap;
  }

  /** Sets the query (stride bytes from `src[offset]`). */
  setQuery(src: Int8Array, offset = 0): void {
    this.bytes.set(src.subarray(offset, offset + this.stride), 0);
  }

  /** Keeps `count` vectors from `src` in the kernel's memory (the IVF centroids). */
  setResident(src: Int8Array, count: number): void {
    if (count > this.residentCap) this.layout(count, this.scratchCap);
    this.bytes.set(src.subarray(0, count * this.stride), this.residentOffset);
    this.residentCount = count;
  }

  /** Dot products of the query with resident vectors [from, from + count); read them from the returned array's [0, count). */
  runResident(from: number, count: number): Int32Array {
    if (from < 0 || from + count > this.residentCount) throw new RangeError('resident range out of bounds');
    this.fn(0, this.residentOffset + from * this.stride, count, this.stride, this.scoresOffset);
    return this.scoreView;
  }

  /** Dot products of the query with `count` (at most scratchCapacity) vectors at `src[from·stride ...]`. */
  run(src: Int8Array, from: number, count: number): Int32Array {
    if (count > this.scratchCap) this.layout(this.residentCap, count);
    const s = this.stride;
    this.bytes.set(src.subarray(from * s, (from + count) * s), this.scratchOffset);
    this.fn(0, this.scratchOffset, count, s, this.scoresOffset);
    return this.scoreView;
  }

  /**
   * `run` over `count` vectors read from the file `fd` at byte `position`, straight into the
   * kernel's memory (no copy on the JavaScript side). Throws when the file ends early.
   */
  runFile(fd: number, position: number, count: number): Int32Array {
    if (count > this.scratchCap) this.layout(this.residentCap, count);
    const s = this.stride;
    readFully(fd, new Uint8Array(this.memory.buffer, this.scratchOffset, count * s), position);
    this.fn(0, this.scratchOffset, count, s, this.scoresOffset);
    return this.scoreView;
  }
}


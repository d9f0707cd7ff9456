import { readSync } from 'node:fs';

/** Reads exactly `into.byteLength` bytes at `position` of `fd`; throws when the file ends first. */
export function readFully(fd: number, into: Uint8Array, position: number): void {
  let off = 0;
  while (off < into.byteLength) {
    const n = readSync(fd, into, off, into.byteLength - off, position + off);
    if (n === 0) throw new Error(`vector file ended early (wanted ${into.byteLength} bytes at ${position})`);
    off += n;
  }
}

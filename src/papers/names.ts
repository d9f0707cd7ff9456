/** Author name comparison, shared by the store (which indexes it) and the author pages. */

/** Name comparison key: case, accents, punctuation and spacing do not matter ("C. Balázs" → "c balazs"). */
export function authorKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

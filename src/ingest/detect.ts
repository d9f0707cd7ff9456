/**
 * Tells an input's format from its first few KB, so `import` works without --format. The head
 * may end mid-record: JSON is recognized by its keys when the first line cannot be parsed whole.
 */
import type { InputFormat } from './types.js';

/** The root element's local name, after the prolog. */
const ROOT_TAG = /^(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>|\s+)*<(?:[\w.-]+:)?([\w.-]+)[\s/>]/;
/** A cut-off snapshot line: long author lists can push "abstract" past the head, "submitter" comes second. */
const SNAPSHOT_KEYS = /^\{\s*"id"\s*:[\s\S]*"(?:abstract|versions|submitter)"\s*:/;
const HF_PAPER = /(?<!\\)"paper"\s*:\s*\{/;

/** The format of an input from its head (BOM and leading whitespace allowed); null when it is none of them. */
export function detectFormat(head: string): InputFormat | null {
  const text = head.replace(/^\uFEFF?\s*/, '');
  if (text.startsWith('<')) return detectXml(text);
  if (text.startsWith('{')) {
    const firstLine = text.split('\n', 1)[0]!;
    const obj = parseObject(firstLine);
    if (obj) {
      if ('id' in obj && ('abstract' in obj || 'versions' in obj)) return 'snapshot';
      if ('paper' in obj) return 'hf';
      return null;
    }
    if (SNAPSHOT_KEYS.test(firstLine)) return 'snapshot';
    return HF_PAPER.test(text) ? 'hf' : null;
  }
  if (text.startsWith('[')) return /^\[\s*(?:\]|\{)/.test(text) && HF_PAPER.test(text) ? 'hf' : null;
  return null;
}

function detectXml(text: string): InputFormat | null {
  const root = ROOT_TAG.exec(text);
  if (!root) return null;
  const name = root[1];
  if (name === 'OAI-PMH') return 'oai';
  if (name !== 'feed' && name !== 'rss') return null;
  if (name === 'feed' && (text.includes('http://a9.com/-/spec/opensearch/') || /<id>https?:\/\/arxiv\.org\/api\//.test(text))) {
    return 'arxiv-api';
  }
  if (text.includes('rss.arxiv.org') || /<(?:[\w.-]+:)?announce_type>/.test(text)) return 'rss';
  return null;
}

/** The line as a JSON object, or null when it is not one (or is cut off). */
function parseObject(line: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

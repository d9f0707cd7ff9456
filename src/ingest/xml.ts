/**
 * A small namespace-aware XML tree on saxes. Elements are matched by namespace URI and local
 * name, never by prefix: arXiv's documents bind the same namespaces to different prefixes (or to
 * none) from one response to the next.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { cleanText } from '../papers/model.js';
import { FormatError } from './types.js';

export const ATOM = 'http://www.w3.org/2005/Atom';
export const ARXIV_ATOM = 'http://arxiv.org/schemas/atom';
export const OPENSEARCH = 'http://a9.com/-/spec/opensearch/1.1/';
export const OAI = 'http://www.openarchives.org/OAI/2.0/';
export const ARXIV_RAW = 'http://arxiv.org/OAI/arXivRaw/';
export const ARXIV_OAI = 'http://arxiv.org/OAI/arXiv/';
export const DC = 'http://purl.org/dc/elements/1.1/';

export interface XmlElement {
  /** namespace URI, '' for none */
  ns: string;
  local: string;
  /** attribute values by local name; namespaced attributes as "{uri}local" */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** the element's own character data (text and CDATA directly inside it), entities decoded */
  text: string;
  /** 1-based line of the start tag's end */
  line: number;
}

/** Parses a whole XML document into a tree; malformed or truncated input is FormatError 'malformed_xml'. */
export function parseXml(text: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  parser.on('opentag', (tag: SaxesTagNS) => {
    const el: XmlElement = { ns: tag.uri, local: tag.local, attrs: attributes(tag), children: [], text: '', line: parser.line };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const onText = (t: string): void => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  try {
    parser.write(text).close();
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).replace(/^\d+:\d+: /, '');
    throw new FormatError('malformed_xml', `Malformed XML at line ${parser.line}, column ${parser.column + 1}: ${reason}`);
  }
  if (!root) throw new FormatError('malformed_xml', 'Malformed XML: the document has no root element');
  return root;
}

/**
 * Parses a document expected to be arXiv XML (`expected` names it for messages): HTML, JSON or
 * empty input is FormatError 'not_arxiv_xml' rather than a parse error.
 */
export function parseArxivXml(text: string, expected: string): XmlElement {
  const head = text.slice(0, 512).replace(/^\uFEFF?\s*/, '');
  if (head === '') throw new FormatError('not_arxiv_xml', `Expected ${expected}, got an empty document.`);
  if (!head.startsWith('<')) throw new FormatError('not_arxiv_xml', `Expected ${expected}, got something that is not XML.`);
  if (/^(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html[\s>])/i.test(head)) {
    throw new FormatError('not_arxiv_xml', `Expected ${expected}, got an HTML page.`);
  }
  return parseXml(text);
}

/** The FormatError for a well-formed document of the wrong kind. */
export function notArxivXml(root: XmlElement, expected: string): FormatError {
  const name = root.ns ? `{${root.ns}}${root.local}` : root.local;
  return new FormatError('not_arxiv_xml', `Expected ${expected}, got a <${name}> document.`);
}

/** The first child element with this namespace and local name. */
export function child(el: XmlElement, ns: string, local: string): XmlElement | undefined {
  for (const c of el.children) if (c.local === local && c.ns === ns) return c;
  return undefined;
}

/** Every child element with this namespace and local name, in document order. */
export function children(el: XmlElement, ns: string, local: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) if (c.local === local && c.ns === ns) out.push(c);
  return out;
}

/** An element's own character data. */
export function textOf(el: XmlElement): string {
  return el.text;
}

/** The text of the first such child, null when there is none. */
export function childText(el: XmlElement, ns: string, local: string): string | null {
  const c = child(el, ns, local);
  return c ? c.text : null;
}

/** The whitespace-collapsed text of the first such child, null when it is absent or blank. */
export function cleanChildText(el: XmlElement, ns: string, local: string): string | null {
  const c = child(el, ns, local);
  const text = c ? cleanText(c.text) : '';
  return text === '' ? null : text;
}

/** An attribute without namespace (or "{uri}local" for a namespaced one), null when absent. */
export function attr(el: XmlElement, name: string): string | null {
  return el.attrs[name] ?? null;
}

function attributes(tag: SaxesTagNS): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in tag.attributes) {
    const a = tag.attributes[key]!;
    // Namespace declarations are how prefixes were bound, not data.
    if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
    out[a.uri ? `{${a.uri}}${a.local}` : a.local] = a.value;
  }
  return out;
}

/**
 * A tiny XML writer. Markup is only ever built by `el`, and every string it is given, text or
 * attribute value, is escaped, so no value can open a tag, close a CDATA section or break the
 * document. Characters XML 1.0 forbids (NUL and the other C0 controls but tab, newline and
 * carriage return; lone surrogates; U+FFFE and U+FFFF) are removed.
 */

/** Well-formed markup made by `el`; a plain string is never mistaken for one. */
export class Xml {
  constructor(readonly markup: string) {}
}

/** An element's content: text (escaped), markup, or nothing; arrays are flattened. */
export type XmlChild = string | Xml | null | undefined | false | XmlChild[];

/** Attribute values; an undefined or null value leaves the attribute out. */
export type XmlAttrs = Record<string, string | number | null | undefined>;

/** Everything outside XML 1.0's Char production. With the u flag a lone surrogate is one code point, so it matches too. */
const ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };
/** In attributes, parsers turn raw tab and newline into spaces; references keep them. */
const ATTR_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, '\t': '&#9;', '\n': '&#10;' };

/** A string without the characters XML 1.0 cannot carry. */
export function xmlSafe(s: string): string {
  return s.replace(ILLEGAL, '');
}

/** Text escaped for element content. */
export function escapeText(s: string): string {
  return xmlSafe(s).replace(/[&<>"'\r]/g, (ch) => TEXT_ESCAPES[ch]!);
}

/** Text escaped for a double-quoted attribute value. */
export function escapeAttr(s: string): string {
  return xmlSafe(s).replace(/[&<>"'\r\t\n]/g, (ch) => ATTR_ESCAPES[ch]!);
}

/** An element; empty content makes it self-closing. Names are the caller's constants, never input. */
export function el(name: string, attrs: XmlAttrs | null, ...children: XmlChild[]): Xml {
  let open = `<${name}`;
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value !== null && value !== undefined) open += ` ${key}="${escapeAttr(String(value))}"`;
  }
  const content = serialize(children);
  return new Xml(content === '' ? `${open}/>` : `${open}>${content}</${name}>`);
}

/** Markup for a sequence of children, for an HTML fragment that will itself be sent as text. */
export function fragment(...children: XmlChild[]): string {
  return serialize(children);
}

/** A complete document: the XML declaration and the root element. */
export function xmlDocument(root: Xml): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${root.markup}\n`;
}

function serialize(children: XmlChild[]): string {
  let out = '';
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (child instanceof Xml) out += child.markup;
    else if (Array.isArray(child)) out += serialize(child);
    else out += escapeText(child);
  }
  return out;
}

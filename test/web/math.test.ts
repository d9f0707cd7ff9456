/** LaTeX rendering: delimiters, escaping, untrusted input, the money heuristic, fallback, style hoisting and the cache. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb } from '../engines.js';
import { loadSampleIfEmpty } from '../../src/sample.js';
import { setLogLevel } from '../../src/log.js';
import { Lru, mathHead, renderTex, renderTexParts, splitTex, texCache } from '../../src/web/math.js';
import { KATEX_CSS } from '../../src/web/assets.js';

const katexCount = (html: string) => (html.match(/<span class="katex">/g) ?? []).length;

/** Tags KaTeX writes: HTML spans, SVG for stretchy glyphs, MathML. */
const TAGS = /^(?:span|svg|path|line|math|semantics|annotation|m[a-z]+)$/;
/** Attributes KaTeX writes; nothing that loads, links or runs anything. */
const ATTRIBUTES = new Set([
  'class', 'aria-hidden', 'xmlns', 'encoding', 'display', 'mathvariant', 'mathcolor', 'mathbackground', 'stretchy', 'fence', 'separator',
  'lspace', 'rspace', 'width', 'height', 'depth', 'viewBox', 'preserveAspectRatio', 'd', 'x1', 'x2', 'y1', 'y2', 'stroke-width',
  'accent', 'accentunder', 'columnalign', 'columnlines', 'rowlines', 'rowspacing', 'columnspacing', 'minsize', 'maxsize', 'movablelimits',
  'symmetric', 'linethickness', 'scriptlevel', 'displaystyle', 'notation', 'voffset', 'form', 'largeop', 'lquote', 'rquote',
]);

/** Every tag and attribute is one KaTeX writes, and no text contains a raw < or >. */
function assertSafeMarkup(html: string, input: string) {
  const text = html.replace(/<\/?([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"<>]*")*)\s*\/?>/g, (_tag, name: string, attrs: string) => {
    assert.match(name, TAGS, `${input}: tag <${name}>`);
    for (const m of attrs.matchAll(/([\w:-]+)="([^"]*)"/g)) {
      assert.ok(ATTRIBUTES.has(m[1]!), `${input}: attribute ${m[1]}="${m[2]}"`);
      if (m[1] === 'class') assert.match(m[2]!, /^[\w -]*$/, `${input}: class "${m[2]}"`);
    }
    return '';
  });
  assert.doesNotMatch(text, /[<>]/, `${input}: raw < or > outside a tag`);
}

describe('splitTex', () => {
  test('finds the four delimiters and keeps the text between them', () => {
    assert.deepEqual(splitTex('a $x$ b $$y$$ c \\(z\\) d \\[w\\] e'), [
      { kind: 'text', text: 'a ' },
      { kind: 'math', tex: 'x', display: false, source: '$x$' },
      { kind: 'text', text: ' b ' },
      { kind: 'math', tex: 'y', display: true, source: '$$y$$' },
      { kind: 'text', text: ' c ' },
      { kind: 'math', tex: 'z', display: false, source: '\\(z\\)' },
      { kind: 'text', text: ' d ' },
      { kind: 'math', tex: 'w', display: true, source: '\\[w\\]' },
      { kind: 'text', text: ' e' },
    ]);
  });

  test('dollar amounts stay text; math that starts with a digit is still math', () => {
    const kinds = (s: string) => splitTex(s).map((x) => (x.kind === 'math' ? `[${x.tex}]` : x.text)).join('|');
    assert.equal(kinds('costs $5 and $10'), 'costs $5 and $10');
    assert.equal(kinds('from $5-$10 a month'), 'from $5-$10 a month');
    assert.equal(kinds('either $5, $10 or $20'), 'either $5, $10 or $20');
    assert.equal(kinds('bounties of $35,000 in total'), 'bounties of $35,000 in total');
    assert.equal(kinds('it costs $5 while $x$ grows'), 'it costs $5 while |[x]| grows');
    // real abstracts (0704.0150, 0704.0054, 0801.4338, 0801.4087)
    assert.equal(kinds('at q=0, $2\\pi /3$ and $4\\pi /3$'), 'at q=0, |[2\\pi /3]| and |[4\\pi /3]');
    assert.equal(kinds('with $0<p\\le 1$.'), 'with |[0<p\\le 1]|.');
    assert.equal(kinds('($\\Gamma$$\\sim$1.8)'), '(|[\\Gamma]|[\\sim]|1.8)');
    assert.equal(kinds('stringy $ \\alpha^{\\prime} $-corrections'), 'stringy |[ \\alpha^{\\prime} ]|-corrections');
  });

  test('escaped and unbalanced delimiters are text', () => {
    assert.deepEqual(splitTex('costs \\$5, 30\\% \\& more'), [{ kind: 'text', text: 'costs $5, 30% & more' }]);
    assert.deepEqual(splitTex('a $x and \\(y'), [{ kind: 'text', text: 'a $x and \\(y' }]);
    assert.deepEqual(splitTex('b \\[y and $$z'), [{ kind: 'text', text: 'b \\[y and $$z' }]);
    assert.deepEqual(splitTex('$\\$5$'), [{ kind: 'math', tex: '\\$5', display: false, source: '$\\$5$' }]);
    assert.deepEqual(splitTex('$$ $$ and $ $'), [{ kind: 'text', text: '$$ $$ and $ $' }]);
  });
});

describe('renderTex', () => {
  test('typesets math with KaTeX (HTML and MathML) and escapes the text around it', () => {
    const html = renderTex('the $(k,\\ell)$-pebble game & <b>"colors"</b>');
    assert.ok(html.startsWith('the <span class="katex"><span class="katex-mathml"><math xmlns="http://www.w3.org/1998/Math/MathML">'));
    assert.ok(html.includes('<annotation encoding="application/x-tex">(k,\\ell)</annotation>'));
    assert.ok(html.endsWith('</span>-pebble game &amp; &lt;b&gt;&quot;colors&quot;&lt;/b&gt;'));
    assert.equal(katexCount(html), 1);
    assert.ok(renderTex('$$x^2$$').startsWith('<span class="katex-display"><span class="katex">'));
    assert.ok(renderTex('\\[x^2\\]').startsWith('<span class="katex-display"><span class="katex">'));
    assert.ok(renderTex('\\(x^2\\)').startsWith('<span class="katex"><span class="katex-mathml">'));
  });

  test('text without math is only escaped', () => {
    assert.equal(renderTex(`Tom & Jerry's <i>"x"</i>`), 'Tom &amp; Jerry&#39;s &lt;i&gt;&quot;x&quot;&lt;/i&gt;');
    assert.equal(renderTex('costs $5 and $10'), 'costs $5 and $10');
    assert.equal(renderTex('a \\$5 fee'), 'a $5 fee');
  });

  test('untrusted input never produces markup that links, loads or runs anything', () => {
    const inputs = [
      '$\\href{javascript:alert(1)}{x}$',
      '$\\url{javascript:alert(1)}$',
      '$\\includegraphics{https://evil.example/x.png}$',
      '$\\htmlClass{x" onclick="alert(1)}{y}$',
      '$\\htmlId{main}{y}$ $\\htmlStyle{background:url(https://evil.example)}{y}$ $\\htmlData{foo=bar}{y}$',
      '<script>alert(1)</script> $x$',
      '$<img src=x onerror=alert(1)>$',
      '$x$"><img src=x onerror=alert(1)>',
      '$\\text{</span><script>alert(1)</script>}$',
      '$\\color{red;background:url(x)}{y}$ $\\textcolor{"><script>}{y}$',
      '\\(\\verb|<script>|\\) $\\mathrm{<a href="javascript:x">}$',
      '$a$ </style><script>alert(1)</script>',
    ];
    for (const input of inputs) {
      const { html, css } = renderTexParts(input);
      assertSafeMarkup(html, input);
      assert.doesNotMatch(html, /<(?:a|img|script|iframe|object|style)\b/i, input);
      for (const rule of css) assert.match(rule, /^\.tx-[\w-]+\{[\w#.%:;!, ()-]+\}$/, `${input}: ${rule}`);
    }
    assert.ok(renderTex('<script>alert(1)</script> $x$').startsWith('&lt;script&gt;alert(1)&lt;/script&gt; <span class="katex">'));
  });

  test('a formula KaTeX cannot parse, or too long a formula, shows its source', () => {
    assert.equal(renderTex('see $x^{$ here'), 'see <span class="tex-source">$x^{$</span> here');
    assert.equal(renderTex('$$\\frac{a}{$$'), '<span class="tex-source">$$\\frac{a}{$$</span>');
    assert.equal(renderTex('$<b>\\left($'), '<span class="tex-source">$&lt;b&gt;\\left($</span>');
    const long = `$${'x+'.repeat(1500)}x$`;
    assert.equal(renderTex(long), `<span class="tex-source">${long}</span>`);
    // an expansion bomb stops at maxExpand instead of hanging
    assert.equal(renderTex('$\\def\\x{\\x\\x}\\x$'), '<span class="tex-source">$\\def\\x{\\x\\x}\\x$</span>');
    // undefined macros (authors' own \Q) render in place, the rest of the formula typeset
    assert.equal(katexCount(renderTex('over $\\Q(\\sqrt{5})$')), 1);
  });

  test('KaTeX style attributes become classes with one rule each, sizes capped by maxSize', () => {
    const { html, css, math } = renderTexParts('$\\frac{a}{b^2}$ and $\\rule{1000em}{1000em}$');
    assert.equal(math, true);
    assert.doesNotMatch(html, /\sstyle=/);
    const used = new Set([...html.matchAll(/\b(tx-[\w-]+)/g)].map((m) => m[1]!));
    const defined = new Set(css.map((r) => /^\.(tx-[\w-]+)\{/.exec(r)![1]!));
    assert.deepEqual([...used].sort(), [...defined].sort());
    assert.ok(css.some((r) => r.includes('border-right-width:10em!important;border-top-width:10em!important')), 'the rule is capped at 10em');
    assert.ok(!css.some((r) => r.includes('1000em')));
  });

  test('mathHead: KaTeX CSS and one nonce-carrying <style> with the rules of every text, or nothing', () => {
    const head = mathHead(['$x^2$', 'plain', '$y_1$'], 'n0nce');
    assert.deepEqual(head.styles, [KATEX_CSS]);
    const style = String(head.head);
    assert.match(style, /^<style nonce="n0nce">\.tx-[\w-]+\{[^<]+\}<\/style>$/);
    for (const text of ['$x^2$', '$y_1$']) for (const rule of renderTexParts(text).css) assert.ok(style.includes(rule));
    assert.deepEqual(mathHead(['plain', 'costs $5 and $10', 'bad $x^{$'], 'n'), { styles: [], head: null });
  });
});

describe('the bundled sample', () => {
  test('every title and abstract renders to safe markup, every formula typeset', async () => {
    setLogLevel('error');
    const t = await freshDb('sqlite');
    try {
      await loadSampleIfEmpty(t.store, { holidays: new Set() });
      const rows = await t.store.db.selectFrom('papers').select(['id', 'title', 'abstract']).execute();
      assert.equal(rows.length, 1479);
      let withMath = 0;
      for (const r of rows) {
        for (const text of [r.title, r.abstract]) {
          const { html, math } = renderTexParts(text);
          assertSafeMarkup(html, r.id);
          assert.ok(!html.includes('tex-source'), `${r.id}: a formula fell back to its source`);
          if (math) withMath++;
        }
      }
      assert.equal(withMath, 318);
    } finally {
      await t.cleanup();
    }
  });
});

describe('the rendering cache', () => {
  test('a rendered text is cached and served again unchanged', () => {
    const text = '$\\int_0^1 f(x)\\,dx$ (cache test)';
    assert.equal(texCache.has(text), false);
    const first = renderTex(text);
    assert.equal(texCache.has(text), true);
    assert.equal(renderTex(text), first);
    assert.equal(texCache.has('plain text is not cached'), false);
    renderTex('plain text is not cached');
    assert.equal(texCache.has('plain text is not cached'), false);
  });

  test('Lru evicts the least recently used entry by count and by size', () => {
    const v = (size: number) => ({ size });
    const lru = new Lru<{ size: number }>(3, 100);
    lru.set('a', v(1));
    lru.set('b', v(1));
    lru.set('c', v(1));
    assert.ok(lru.get('a'));
    lru.set('d', v(1));
    assert.deepEqual(['a', 'b', 'c', 'd'].map((k) => lru.has(k)), [true, false, true, true]);
    assert.equal(lru.size, 3);
    lru.set('big', v(95));
    assert.deepEqual(['a', 'c', 'd', 'big'].map((k) => lru.has(k)), [false, false, true, true]);
    lru.set('d', v(50));
    assert.deepEqual(['d', 'big'].map((k) => lru.has(k)), [true, false]);
  });

  test('the shared cache stays bounded', () => {
    for (let i = 0; i < texCache.maxEntries + 50; i++) renderTex(`$x_{${i}}$`);
    assert.equal(texCache.size, texCache.maxEntries);
    assert.equal(texCache.has('$x_{0}$'), false);
    assert.equal(texCache.has(`$x_{${texCache.maxEntries + 49}}$`), true);
  });
});

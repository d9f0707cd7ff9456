import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTex } from '../../src/ingest/tex.js';

test('accents with and without braces', () => {
  const cases: Array<[string, string]> = [
    [String.raw`Bal\'azs`, 'Balázs'],
    [String.raw`G\"{o}del`, 'Gödel'],
    [String.raw`G\"odel`, 'Gödel'],
    [String.raw`R{\"u}bhausen`, 'Rübhausen'],
    [String.raw`Lign\`eres`, 'Lignères'],
    [String.raw`J\'er\^ome`, 'Jérôme'],
    [String.raw`Vi\~nas`, 'Viñas'],
    [String.raw`Fran\c{c}ois`, 'François'],
    [String.raw`Fran\c cois`, 'François'],
    [String.raw`\v{S}pakulov\'a`, 'Špakulová'],
    [String.raw`Kre\v{s}o`, 'Krešo'],
    [String.raw`Erdo\u{g}an`, 'Erdoğan'],
    [String.raw`Erd\H{o}s`, 'Erdős'],
    [String.raw`\={a}`, 'ā'],
    [String.raw`\.{Z}\.z`, 'Żż'],
    [String.raw`Pleba\'{n}ski`, 'Plebański'],
    [String.raw`Ma\'{\i}z D\'iaz \'\i`, 'Maíz Díaz í'],
  ];
  for (const [tex, text] of cases) assert.equal(decodeTex(tex), text, tex);
});

test('letter macros', () => {
  const cases: Array<[string, string]> = [
    [String.raw`Gro{\ss}e`, 'Große'],
    [String.raw`Mikkel {\O}bro`, 'Mikkel Øbro'],
    [String.raw`{\o}rsted`, 'ørsted'],
    [String.raw`S. {\AA}berg`, 'S. Åberg'],
    [String.raw`H{\aa}kan`, 'Håkan'],
    [String.raw`{\ae}ther \ae{}ther`, 'æther æther'],
    [String.raw`Rafa{\l} Lata{\l}a`, 'Rafał Latała'],
    [String.raw`{\L}\'od\'z`, 'Łódź'],
    [String.raw`\i`, 'ı'],
  ];
  for (const [tex, text] of cases) assert.equal(decodeTex(tex), text, tex);
});

test('math and other macros are left alone', () => {
  assert.equal(decodeTex(String.raw`From dyadic $\Lambda_{\alpha}$ to $\'e$`), String.raw`From dyadic $\Lambda_{\alpha}$ to $\'e$`);
  assert.equal(decodeTex(String.raw`Vari\'et\'es homog\`enes sous $\PGL_n$`), String.raw`Variétés homogènes sous $\PGL_n$`);
  assert.equal(decodeTex(String.raw`$$\"o$$ and \"o`), String.raw`$$\"o$$ and ö`);
  assert.equal(decodeTex(String.raw`J/\psi \to \gamma, \underline{x}, \vec{v}, \cite{a}`), String.raw`J/\psi \to \gamma, \underline{x}, \vec{v}, \cite{a}`);
  assert.equal(decodeTex('A Note About the {Ki(z)} Functions'), 'A Note About the {Ki(z)} Functions');
});

test('the result is NFC', () => {
  const decoded = decodeTex(String.raw`Bal\'azs`);
  assert.equal(decoded.length, 6);
  assert.equal(decoded[3], '\u00e1');
  // Text without TeX is normalized too: a + combining acute becomes á.
  assert.equal(decodeTex('Bala\u0301zs'), 'Bal\u00e1zs');
});

/** BibTeX as arXiv exports it: exact entries for sample papers, arXiv's citation keys and name rules, brace safety. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb, type TestDb } from '../engines.js';
import { loadSampleIfEmpty } from '../../src/sample.js';
import { getPaper, type Paper } from '../../src/papers/repository.js';
import { bibtexKey, paperBibtex, splitName } from '../../src/web/bibtex.js';
import { citationAuthor, journalTitle } from '../../src/web/citation.js';
import { setLogLevel } from '../../src/log.js';

/** A paper with only the fields a test sets. */
function paper(over: Partial<Paper>): Paper {
  return {
    seq: 1, id: '1706.03762', version: 1, title: 'T', abstract: 'A', authors: [], authorNames: '', categories: [], primaryCategory: null,
    versions: [], comments: null, journalRef: null, doi: null, reportNo: null, license: null, submitter: null, submittedAt: null,
    updatedAt: null, announceDay: null, githubRepo: null, githubStars: null, projectPage: null, aiSummary: null, aiKeywords: null,
    thumbnail: null, upvotes: 0, numComments: 0, featured: null, ...over,
  };
}

describe('BibTeX of sample papers', () => {
  let t: TestDb;
  const bib = async (id: string) => paperBibtex((await getPaper(t.store, id))!);
  before(async () => {
    setLogLevel('error');
    t = await freshDb('sqlite');
    await loadSampleIfEmpty(t.store, { holidays: new Set() });
  });
  after(async () => {
    await t?.cleanup();
  });

  test('0704.0001: non-ASCII first author in key and list, DOI, year of the latest version', async () => {
    assert.equal(
      await bib('0704.0001'),
      `@misc{balázs2007calculationpromptdiphotonproduction,
      title={Calculation of prompt diphoton production cross sections at Tevatron and LHC energies},
      author={C. Balázs and E. L. Berger and P. M. Nadolsky and C.-P. Yuan},
      year={2007},
      eprint={0704.0001},
      archivePrefix={arXiv},
      primaryClass={hep-ph},
      doi={10.1103/PhysRevD.76.013009},
      url={https://arxiv.org/abs/0704.0001},
}
`,
    );
  });

  test('0704.0002: v1 in 2007, v2 in 2008, so the year is 2008', async () => {
    assert.equal(
      await bib('0704.0002'),
      `@misc{streinu2008sparsitycertifyinggraphdecompositions,
      title={Sparsity-certifying Graph Decompositions},
      author={Ileana Streinu and Louis Theran},
      year={2008},
      eprint={0704.0002},
      archivePrefix={arXiv},
      primaryClass={math.CO},
      url={https://arxiv.org/abs/0704.0002},
}
`,
    );
  });

  test('hep-ph/0301050: old-style id, surname with a prefix ("de Gouvea"), stopword "of" skipped', async () => {
    assert.equal(
      await bib('hep-ph/0301050'),
      `@misc{degouvea2003statisticaltestanarchy,
      title={Statistical Test of Anarchy},
      author={Andre de Gouvea and Hitoshi Murayama},
      year={2003},
      eprint={hep-ph/0301050},
      archivePrefix={arXiv},
      primaryClass={hep-ph},
      doi={10.1016/j.physletb.2003.08.045},
      url={https://arxiv.org/abs/hep-ph/0301050},
}
`,
    );
  });

  test('0704.0005: TeX in the title is kept with its braces; the key keeps letters and digits only', async () => {
    assert.equal(
      await bib('0704.0005'),
      `@misc{abushammala2007dyadiclambdaalphalambdaalpha,
      title={From dyadic $\\Lambda_{\\alpha}$ to $\\Lambda_{\\alpha}$},
      author={Wael Abu-Shammala and Alberto Torchinsky},
      year={2007},
      eprint={0704.0005},
      archivePrefix={arXiv},
      primaryClass={math.CA},
      url={https://arxiv.org/abs/0704.0005},
}
`,
    );
  });

  test('2509.04664 (known only from Hugging Face): no primaryClass, year from the submission date', async () => {
    assert.equal(
      await bib('2509.04664'),
      `@misc{kalai2025languagemodelshallucinate,
      title={Why Language Models Hallucinate},
      author={Adam Tauman Kalai and Ofir Nachum and Santosh S. Vempala and Edwin Zhang},
      year={2025},
      eprint={2509.04664},
      archivePrefix={arXiv},
      url={https://arxiv.org/abs/2509.04664},
}
`,
    );
  });
});

describe('citation keys and names', () => {
  test('the key is arXiv’s: surname, year of the latest version, four title words that are not stopwords', () => {
    const attention = paper({
      title: 'Attention Is All You Need',
      authors: [{ name: 'Ashish Vaswani' }, { name: 'Noam Shazeer' }],
      versions: [
        { version: 1, submittedAt: '2017-06-12T17:57:34.000Z' },
        { version: 7, submittedAt: '2023-08-02T00:41:18.000Z' },
      ],
    });
    assert.equal(bibtexKey(attention), 'vaswani2023attentionneed');
    assert.equal(bibtexKey(paper({ title: 'A Study of the Many Ways: Graphs, Trees and Ünïcode Forests', authors: [{ name: 'José Núñez Jr.' }], submittedAt: '2020-01-01T00:00:00.000Z' })), 'núñez2020studywaysgraphstrees');
    assert.equal(bibtexKey(paper({ title: 'Untitled' })), 'unknownunknownuntitled');
  });

  test('names split the way arXiv splits them', () => {
    assert.deepEqual(splitName('Andre de Gouvea'), { first: 'Andre', last: 'de Gouvea', suffix: '' });
    assert.deepEqual(splitName('Johannes  van der Waals'), { first: 'Johannes', last: 'van der Waals', suffix: '' });
    assert.deepEqual(splitName('Martin Luther King Jr.'), { first: 'Martin Luther', last: 'King', suffix: 'Jr.' });
    assert.deepEqual(splitName('C.-P. Yuan'), { first: 'C.-P.', last: 'Yuan', suffix: '' });
    assert.deepEqual(splitName('Plato'), { first: '', last: 'Plato', suffix: '' });
    assert.deepEqual(splitName('The ATLAS Collaboration'), { first: '', last: 'The ATLAS Collaboration', suffix: '' });
    assert.equal(citationAuthor('Andre de Gouvea'), 'de Gouvea, Andre');
    assert.equal(citationAuthor('Martin Luther King Jr.'), 'King Jr., Martin Luther');
    assert.equal(citationAuthor('Plato'), 'Plato');
  });

  test('journal titles are read from the start of a journal reference', () => {
    assert.equal(journalTitle('Phys.Rev.D76:013009,2007'), 'Phys.Rev.D');
    assert.equal(journalTitle('J. Phys. A: Math. Theor. 40 (2007) 1'), 'J. Phys. A: Math. Theor.');
    assert.equal(journalTitle('2007, 12 pages'), null);
  });

  test('names BibTeX would misparse are braced; stray braces cannot end a field', () => {
    const entry = paperBibtex(
      paper({
        title: 'On {K}-theory } and { sets',
        authors: [{ name: 'Research and Development Team' }, { name: 'Smith, John' }, { name: 'Ann  Lee' }],
        primaryCategory: 'math.KT',
        submittedAt: '2024-05-01T00:00:00.000Z',
      }),
    );
    assert.ok(entry.includes('      title={On {K}-theory \\textbraceright{} and \\textbraceleft{} sets},\n'), entry);
    assert.ok(entry.includes('      author={{Research and Development Team} and {Smith, John} and Ann Lee},\n'), entry);
    let depth = 0;
    for (const ch of entry) {
      depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
      assert.ok(depth >= 0);
    }
    assert.equal(depth, 0);
  });
});

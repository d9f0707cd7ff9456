/**
 * Head tags that make a paper page recognisable to reference managers and search engines:
 * Highwire Press citation_* tags (Google Scholar, Zotero), modelled on arXiv's own abs page
 * (arxiv-browse browse/formatting/metatags.py), and a Twitter card. The layout writes the
 * OpenGraph tags from PageMeta (ogType 'article').
 */
import type { Paper } from '../papers/repository.js';
import { splitName } from './bibtex.js';
import { pdfUrl } from './format.js';

/** `<meta>` tags for a paper whose page is at `url`. */
export function CitationMeta({ paper: p, url }: { paper: Paper; url: string }) {
  const versions = [...p.versions].sort((a, b) => a.version - b.version);
  const first = versions[0]?.submittedAt ?? p.submittedAt;
  const latest = versions.at(-1)?.submittedAt ?? p.updatedAt ?? p.submittedAt;
  const journal = p.journalRef ? journalTitle(p.journalRef) : null;
  return (
    <>
      <meta name="citation_title" content={p.title} />
      {p.authors.map((a) => (
        <>
          <meta name="citation_author" content={citationAuthor(a.name)} />
          {(a.affiliations ?? []).map((affiliation) => (
            <meta name="citation_author_institution" content={affiliation} />
          ))}
        </>
      ))}
      {first ? <meta name="citation_date" content={slashDate(first)} /> : null}
      {latest ? <meta name="citation_online_date" content={slashDate(latest)} /> : null}
      {p.doi ? <meta name="citation_doi" content={p.doi} /> : null}
      {journal ? <meta name="citation_journal_title" content={journal} /> : null}
      <meta name="citation_arxiv_id" content={p.id} />
      <meta name="citation_pdf_url" content={pdfUrl(p.id)} />
      <meta name="citation_abstract_html_url" content={url} />
      <meta name="citation_abstract" content={p.abstract} />
      <meta name="twitter:card" content="summary" />
    </>
  );
}

/** "Last, First" as arXiv writes citation_author ("de Gouvea, Andre"; "Smith Jr., John"); single names as they are. */
export function citationAuthor(name: string): string {
  const { first, last, suffix } = splitName(name);
  const surname = suffix ? `${last} ${suffix}` : last;
  return first ? `${surname}, ${first}` : surname;
}

/** The journal's name at the start of a journal reference: "Phys.Rev.D76:013009,2007" → "Phys.Rev.D"; null when none. */
export function journalTitle(journalRef: string): string | null {
  const head = /^[^\d]*/.exec(journalRef.trim())![0].replace(/[\s,:;(]+$/, '');
  return /\p{L}{2}/u.test(head) ? head : null;
}

/** YYYY/MM/DD of an ISO time, the date form Highwire tags use. */
function slashDate(iso: string): string {
  return iso.slice(0, 10).replaceAll('-', '/');
}

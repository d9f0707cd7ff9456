/**
 * The text analysis the evaluation itself relies on (not any ranker's): words, English stopwords
 * and Porter stems, used to check mechanically that a "paraphrase" query shares no content word
 * with the papers it is labelled relevant to.
 */
import { stemmer } from 'stemmer';

/**
 * English stopwords: NLTK's list (nltk.corpus.stopwords.words('english'), 179 words), which
 * includes the pieces contractions split into ("don", "t", "ll", "ve"…).
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself ' +
    'it its itself they them their theirs themselves what which who whom this that these those am is are was were be ' +
    'been being have has had having do does did doing a an the and but if or because as until while of at by for with ' +
    'about against between into through during before after above below to from up down in out on off over under again ' +
    'further then once here there when where why how all any both each few more most other some such no nor not only own ' +
    'same so than too very s t can will just don should now d ll m o re ve y ain aren couldn didn doesn hadn hasn haven ' +
    'isn ma mightn mustn needn shan shouldn wasn weren won wouldn'
  ).split(' '),
);

/** Lowercased words (runs of letters and digits, after NFKC): "Self-supervised ViTs" → ["self", "supervised", "vits"]. */
export function words(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The Porter stems of the words that are not stopwords, deduplicated, in first-seen order. */
export function contentStems(text: string): string[] {
  const out = new Set<string>();
  for (const w of words(text)) if (!STOPWORDS.has(w)) out.add(stemmer(w));
  return [...out];
}

/** The content stems `a` and `b` have in common, sorted. */
export function sharedStems(a: string, b: string): string[] {
  const inB = new Set(contentStems(b));
  return contentStems(a).filter((s) => inB.has(s)).sort();
}

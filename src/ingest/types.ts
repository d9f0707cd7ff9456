/** What every ingest source hands to the runner. */
import type { FeaturedPaper, NormalizedPaper } from '../papers/model.js';
import { UserError } from '../errors.js';

/** One bad record in an otherwise readable input: reported, skipped, counted. */
export interface RecordError {
  /** 1-based record number within the input (the line number for JSON Lines) */
  record: number;
  /** 1-based line in the input file, when known */
  line?: number;
  /** the arXiv id, when it could be read */
  id?: string;
  reason: string;
}

/** A paper as a source delivers it, with the community data that came with it (HF). */
export interface IngestItem {
  paper: NormalizedPaper;
  featured?: FeaturedPaper;
}

/** The input as a whole cannot be read: truncated XML, not arXiv data, an arXiv error entry. */
export class FormatError extends UserError {
  constructor(code: string, message: string) {
    super(code, message, 400);
    this.name = 'FormatError';
  }
}

export type InputFormat = 'snapshot' | 'hf' | 'arxiv-api' | 'oai' | 'rss';
export const INPUT_FORMATS: readonly InputFormat[] = ['snapshot', 'hf', 'arxiv-api', 'oai', 'rss'];

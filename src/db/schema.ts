/**
 * Table types for Kysely. One schema on both engines: times are UTC ISO 8601 text with
 * milliseconds ("2026-06-01T00:00:00.000Z") and days are "YYYY-MM-DD" text, so ordering is the
 * same on SQLite and PostgreSQL and values leave the store already in the API's wire format.
 * JSON columns are text holding JSON (see each column's comment).
 */
import type { Generated, Insertable, Selectable } from 'kysely';

export interface PapersTable {
  /** integer key for indexes (full text, vectors); never shown */
  seq: Generated<number>;
  /** canonical arXiv id without version */
  id: string;
  /** latest version known; 0 when no source said (Hugging Face data) */
  version: number;
  title: string;
  abstract: string;
  /** JSON: [{ name, affiliations? }] in author order */
  authors: string;
  /** "A, B and C" flattened for display and full-text search */
  author_names: string;
  /** accent-folded, lowercased names ("c balazs, e l berger"): PostgreSQL's author index */
  author_keys: Generated<string>;
  /** space-separated, primary first */
  categories: string;
  primary_category: string | null;
  /** JSON: [{ version, submittedAt, size? }] ascending */
  versions: string;
  comments: string | null;
  journal_ref: string | null;
  doi: string | null;
  report_no: string | null;
  license: string | null;
  submitter: string | null;
  /** first version's submission time */
  submitted_at: string | null;
  /** latest version's submission time */
  updated_at: string | null;
  /** listing day of the first version, from arXiv's calendar */
  announce_day: string | null;
  github_repo: string | null;
  github_stars: number | null;
  project_page: string | null;
  ai_summary: string | null;
  /** JSON array of strings */
  ai_keywords: string | null;
  thumbnail: string | null;
  upvotes: Generated<number>;
  num_comments: Generated<number>;
  created_at: string;
  modified_at: string;
  /** position in the change log: search indexes apply changes in this order */
  change_seq: Generated<number>;
}

/** A deleted paper, in the change log, so indexes drop it too. */
export interface PaperTombstonesTable {
  seq: number;
  change_seq: Generated<number>;
}

export interface PaperCategoriesTable {
  category: string;
  announce_day: string;
  paper_seq: number;
  /** 1 for the primary category, 0 for a cross-list */
  is_primary: number;
}

export interface FeaturedTable {
  paper_seq: number;
  featured_day: string;
  featured_at: string;
  /** 'hf' (imported from Hugging Face daily papers) or 'member' */
  source: string;
  submitted_by: string | null;
  submitted_by_fullname: string | null;
  submitted_by_avatar: string | null;
  discussion_id: string | null;
  /** upvotes recorded by the source (Hugging Face) when imported */
  imported_upvotes: number;
  /** comments counted by the source when imported */
  imported_comments: Generated<number>;
  /** time-decayed score from upvotes and comments, refreshed by the trending job */
  trending_score: Generated<number>;
}

export interface IngestStateTable {
  key: string;
  /** JSON */
  value: string;
  updated_at: string;
}

export interface JobLeasesTable {
  name: string;
  holder: string;
  expires_at: string;
}

export interface SearchModelsTable {
  generation: number;
  /** 'builtin' */
  kind: string;
  provider_id: string;
  /** papers it was trained on */
  docs: number;
  bytes: Buffer;
  created_at: string;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: string;
}

export interface Database {
  papers: PapersTable;
  paper_categories: PaperCategoriesTable;
  paper_tombstones: PaperTombstonesTable;
  featured: FeaturedTable;
  ingest_state: IngestStateTable;
  job_leases: JobLeasesTable;
  schema_migrations: SchemaMigrationsTable;
  search_models: SearchModelsTable;
}

export type PaperRow = Selectable<PapersTable>;
export type NewPaperRow = Insertable<PapersTable>;
export type FeaturedRow = Selectable<FeaturedTable>;

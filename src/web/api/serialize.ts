/**
 * Hugging Face's wire shapes (huggingface.co/api/daily_papers and /api/papers/<id>), built from
 * stored papers. Times are UTC ISO 8601 with milliseconds, as stored. A value the store does not
 * know is null, never made up.
 *
 * Ids: HF gives users and paper authors 24-hex-character ids (MongoDB ObjectIds). The store keeps
 * neither, so both are derived: the first 24 hex digits of SHA-1 over
 *   "user\n<user name>"                       for a user, and
 *   "author\n<paper id>\n<position>\n<name>"  for an author (position 0-based),
 * stable across restarts and instances, and distinct from HF's own ids only in value, not shape.
 */
import { createHash } from 'node:crypto';
import type { Featuring, Paper } from '../../papers/repository.js';

/** A Hugging Face user as HF embeds one (submittedBy, submittedOnDailyBy). */
export interface HfUser {
  _id: string;
  name: string;
  user: string;
  fullname: string | null;
  avatarUrl: string | null;
  type: 'user';
}

/** An author of a paper; HF adds `user` when the author claimed the paper (never known here yet). */
export interface HfAuthor {
  _id: string;
  name: string;
  hidden: boolean;
}

/** The paper object: `paper` of a daily item, and the whole body of /api/papers/<id>. */
export interface HfPaper {
  id: string;
  authors: HfAuthor[];
  /** arXiv's first-version time */
  publishedAt: string | null;
  title: string;
  summary: string;
  upvotes: number;
  discussionId: string | null;
  githubRepo: string | null;
  githubStars: number | null;
  projectPage: string | null;
  /** when it was featured */
  submittedOnDailyAt: string | null;
  submittedOnDailyBy: HfUser | null;
  ai_summary: string | null;
  ai_keywords: string[] | null;
}

/** One item of /api/daily_papers (and of /api/papers/search and /api/papers). */
export interface HfItem {
  paper: HfPaper;
  /** when it was featured; for a paper never featured, arXiv's first-version time */
  publishedAt: string | null;
  title: string;
  summary: string;
  thumbnail: string | null;
  numComments: number;
  submittedBy: HfUser | null;
  isAuthorParticipating: boolean;
}

/** The first 24 hex digits of SHA-1 over the parts joined by newlines. */
function derivedId(...parts: string[]): string {
  return createHash('sha1').update(parts.join('\n')).digest('hex').slice(0, 24);
}

/** The user who featured a paper, or null when the source did not say. */
function submitterJson(f: Featuring | null): HfUser | null {
  if (!f?.submittedBy) return null;
  return {
    _id: derivedId('user', f.submittedBy),
    name: f.submittedBy,
    user: f.submittedBy,
    fullname: f.submittedByFullname,
    avatarUrl: f.submittedByAvatar,
    type: 'user',
  };
}

/** The paper object of HF's API. */
export function paperJson(p: Paper, submitter = submitterJson(p.featured)): HfPaper {
  return {
    id: p.id,
    authors: p.authors.map((a, i) => ({ _id: derivedId('author', p.id, String(i), a.name), name: a.name, hidden: false })),
    publishedAt: p.submittedAt,
    title: p.title,
    summary: p.abstract,
    upvotes: p.upvotes,
    discussionId: p.featured?.discussionId ?? null,
    githubRepo: p.githubRepo,
    githubStars: p.githubStars,
    projectPage: p.projectPage,
    submittedOnDailyAt: p.featured?.at ?? null,
    submittedOnDailyBy: submitter,
    ai_summary: p.aiSummary,
    ai_keywords: p.aiKeywords,
  };
}

/** A daily papers item: the paper, and the featuring around it. */
export function itemJson(p: Paper): HfItem {
  const submitter = submitterJson(p.featured);
  return {
    paper: paperJson(p, submitter),
    publishedAt: p.featured?.at ?? p.submittedAt,
    title: p.title,
    summary: p.abstract,
    thumbnail: p.thumbnail,
    numComments: p.numComments,
    submittedBy: submitter,
    // An author takes part once an author has a user account; none is known yet.
    isAuthorParticipating: false,
  };
}

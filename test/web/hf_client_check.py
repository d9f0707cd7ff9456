"""Runs Hugging Face's own client (huggingface_hub) against the instance at HF_ENDPOINT.

Prints one JSON object: what HfApi.list_daily_papers, HfApi.paper_info and HfApi.list_papers
returned, as the client parsed it (PaperInfo), datetimes as isoformat() plus their type, so the
Node test can assert exact values. Used by test/web/hf-client.test.ts.
"""

import json
import sys
from datetime import datetime

from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError


def when(value):
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise TypeError(f"expected an aware datetime, got {value!r}")
    return value.isoformat()


def user(u):
    if u is None:
        return None
    return {"username": u.username, "fullname": u.fullname, "avatar_url": u.avatar_url, "type": u.user_type}


def paper(p):
    return {
        "id": p.id,
        "title": p.title,
        "summary_start": (p.summary or "")[:40],
        "upvotes": p.upvotes,
        "published_at": when(p.published_at),
        "submitted_at": when(p.submitted_at),
        "submitted_by": user(p.submitted_by),
        "authors": [a.name for a in p.authors or []],
        "discussion_id": p.discussion_id,
        "comments": p.comments,
        "ai_summary_start": (p.ai_summary or "")[:40] or None,
        "ai_keywords": p.ai_keywords,
        "github_repo": p.github_repo,
    }


def status_of(call):
    try:
        call()
    except HfHubHTTPError as err:
        return {"status": err.response.status_code, "message": str(err)}
    return {"status": 200}


def main():
    api = HfApi()
    out = {
        "daily_2026_06_01": [paper(p) for p in api.list_daily_papers(date="2026-06-01")],
        "daily_2025_09_08": [paper(p) for p in api.list_daily_papers(date="2025-09-08")],
        "daily_latest": [paper(p) for p in api.list_daily_papers(limit=3)],
        "daily_week_page": [paper(p) for p in api.list_daily_papers(week="2026-W23", sort="publishedAt", p=1, limit=100)],
        "daily_submitter": [paper(p) for p in api.list_daily_papers(month="2026-06", submitter="taesiri")],
        "paper_new": paper(api.paper_info("2509.04664")),
        "paper_versioned": paper(api.paper_info("2509.04664v1")),
        "paper_old_style": paper(api.paper_info("hep-ph/0301050")),
        "search": [paper(p) for p in api.list_papers(query="language models hallucinate", limit=3)],
        "unknown_paper": status_of(lambda: api.paper_info("2101.11408")),
        "invalid_paper": status_of(lambda: api.paper_info("abc")),
        "bad_date": status_of(lambda: list(api.list_daily_papers(date="2026-13-01"))),
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()

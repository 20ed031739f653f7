"""`policykb policies`: list the measures that are loaded."""

from __future__ import annotations

import json

from policykb.commands.common import Output, open_kb, require_format

NAME = "policies"
HELP = "list the measures that are loaded"


def configure(parser) -> None:
    """No options beyond the common ones."""


def run(args) -> Output:
    require_format(args)
    kb = open_kb(args)
    rows = [{"id": p.id, "title_zh": p.titles.get("zh"), "title_en": p.titles.get("en"),
             "issuer": p.issuer, "jurisdiction": p.jurisdiction, "document": p.document,
             "effective": p.effective.isoformat() if p.effective else None, "validity_years": p.validity_years,
             "criteria": len(p.criteria), "file": p.file} for p in sorted(kb.policies.values(), key=lambda p: p.id)]
    if args.format == "json":
        return Output(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    id_width = max((len(r["id"]) for r in rows), default=0)
    lines = [f"{r['id']:<{id_width}}  {r['effective'] or '?':<10}  {r['criteria']:>2} criteria  "
             f"{r['title_zh'] or ''}  {r['document'] or ''}" for r in rows]
    return Output("\n".join(lines) + "\n")

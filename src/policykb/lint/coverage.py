"""Clause coverage: each clause a policy lists is encoded by some criterion, left out on
purpose (with the reason), or not yet accounted for."""

from __future__ import annotations

from policykb.lint.base import LintCheck, LintContext


def cites(citation, clause: str) -> bool:
    """Does a criterion's citation fall under `clause` (the article, or article + paragraph)?"""
    text = str(citation)
    return bool(text) and (citation.article == clause or text == clause or text.startswith(clause + " "))


class ClauseCoverage(LintCheck):
    def run(self, ctx: LintContext) -> None:
        policy = ctx.policy
        if not policy.clauses:
            return
        seen: set[str] = set()
        for clause in policy.clauses:
            if clause.citation in seen:
                ctx.warning(f"clause '{clause.citation}' is listed twice", clause.span, hint="list it once")
                continue
            seen.add(clause.citation)
            encoding = [c.id for c in policy.criteria if cites(c.citation, clause.citation)]
            if clause.omitted is not None:
                ctx.coverage.append(f"{clause.citation}: left out — {clause.omitted}")
                if encoding:
                    ctx.warning(f"clause '{clause.citation}' is marked omitted but criteria cite it: "
                                f"{', '.join(encoding)}", clause.span)
            elif encoding:
                ctx.coverage.append(f"{clause.citation}: encoded by {', '.join(encoding)}")
            else:
                ctx.coverage.append(f"{clause.citation}: not yet accounted for")
                ctx.warning(f"clause '{clause.citation}' is not yet accounted for", clause.span,
                            hint=f"encode it in a criterion citing it, or write: clause \"{clause.citation}\" "
                                 f"omitted \"why\"")
        for criterion in policy.criteria:
            if str(criterion.citation) and not any(cites(criterion.citation, c.citation) for c in policy.clauses):
                ctx.warning(f"criterion '{criterion.id}' cites '{criterion.citation}', which is not in the "
                            f"policy's clause list", criterion.span, hint="add the clause, or correct the citation")

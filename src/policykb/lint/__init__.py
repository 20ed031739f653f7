"""`policykb lint`: checks beyond what makes a policy loadable.

One class per kind of finding (as pySHACL keeps one class per constraint kind), each
owning its message and fix; `lint_policy` runs them all. Errors make `policykb lint` exit
non-zero; warnings and the clause-coverage report do not."""

from policykb.lint.runner import LintReport, lint_policy

__all__ = ["LintReport", "lint_policy"]

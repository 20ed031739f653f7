"""Research questions built on verdicts: what-ifs, gaps, sweeps, binding criteria, diffs."""

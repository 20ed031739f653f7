"""Limits on input, in one place. Input past a limit is refused with a located error
(PolicyKBError, exit status 1), never a crash, a hang or a RecursionError.

Each limit is far above what real input needs (the figures below) and well below what
would exhaust memory or Python's recursion limit.
"""

from decimal import Decimal

# A measure is a few pages: the shipped policy files are 10-30 KB.
MAX_POLICY_BYTES = 2_000_000

# Conditions: nested parentheses, not / and / or inside one another, and `define`s that
# refer to other definitions, each at most this deep. The shipped measures nest 3 deep;
# the parser and the recursive checkers, compilers and explainers handle 64 with room.
MAX_NESTING = 64

# Conditions joined by `and` / `or` in one condition (one `require`). The shipped measures
# join at most 4. Each part compiles to rules of its own, evaluated again for every example
# (~8 ms for a count of titled enterprises): a 100-way `or` made `policykb test` of a
# measure with 29 examples take 35 s, a 1,000-way one six minutes.
MAX_CONDITION_PARTS = 64

# A time window ("in each of the last N years", growth over N years, incidents in the last
# N years). The measures look back 3 years; a window of a billion years would make the
# compiler list every year.
MAX_WINDOW_YEARS = 50

# One CSV file of a data folder: observations of 100,000 clusters are about 200 MB.
MAX_CSV_BYTES = 256 * 1024 * 1024

# One CSV cell (a name, a source citation, an incident description).
MAX_CSV_FIELD_CHARS = 10_000

# A number in a CSV cell or a Turtle literal: at most this many digits before the decimal
# point and after it. Money in yuan needs 15; "1e999999999" would take minutes to expand.
MAX_NUMBER_DIGITS = 100


def number_in_range(value: Decimal) -> bool:
    """Whether `value` is finite with at most MAX_NUMBER_DIGITS digits before and after the
    point (checked before the exact value is built: 1e999999999 would take minutes). The one
    rule for policy files, CSV cells and Turtle literals."""
    return value.is_finite() and (value.is_zero() or value.adjusted() < MAX_NUMBER_DIGITS) \
        and value.as_tuple().exponent >= -MAX_NUMBER_DIGITS

# One Turtle file: a kb folder written by `import` holds about 13 KB per cluster.
MAX_TURTLE_BYTES = 1024 * 1024 * 1024


def read_at_most(path, limit: int) -> bytes | None:
    """The bytes of file `path`, or None when it holds more than `limit` (reads at most
    `limit` + 1 bytes, so a huge file or an endless device is never read whole)."""
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    return None if len(data) > limit else data


# Blank nodes ([ ]) and collections (( )) open inside one another in a Turtle file. Real kb
# files nest 1 or 2 deep; rdflib's parser recurses about 8 Python frames per '[', so 32
# levels take about a quarter of Python's recursion limit (1,000), wherever it is called from.
MAX_TURTLE_NESTING = 32

# Brackets ( [ { open inside one another in a SPARQL query or update (`policykb query`, and
# the in-process check of a query sent to a server). Real queries nest 4 to 8 deep; rdflib's
# SPARQL parser recurses 25 to 50 Python frames per bracket (a function call inside an
# expression, e.g. COALESCE(, is the deepest), so 12 levels take about two thirds of Python's
# recursion limit (1,000), wherever it is called from.
MAX_SPARQL_NESTING = 12

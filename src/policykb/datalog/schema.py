"""The base (extensional) predicates: the facts the graph provides to every program.

One place names them, so the compiler, the engine's fact loader and the fast paths of
later back ends agree. Arguments in order; `None` stands for "no year".
"""

CLUSTER = "cluster"            # cluster(C)
OBSERVATION = "obs"            # obs(C, Indicator, Year|None, Value)
ATTRIBUTE = "attr"             # attr(C, Name, Value): county, province, leading_industry
TITLED = "titled"              # titled(C, Enterprise, Title)
IN_LEADING = "in_leading"      # in_leading(C, Enterprise)
INCIDENT = "incident"          # incident(C, Year, Kind, SeverityRank)
COMPLETE = "complete"          # complete(C, "incidents" | "enterprises")
ASSESSED = "assessed"          # assessed(C, Policy, Criterion, "met"|"unmet")

# Derived predicates every compiled policy defines.
CRITERION_STATUS = "criterion_status"  # criterion_status(C, Policy, Criterion, Status)
VERDICT = "verdict"                    # verdict(C, Policy, Status)

BASE_ARITY = {
    CLUSTER: 1, OBSERVATION: 4, ATTRIBUTE: 3, TITLED: 3, IN_LEADING: 2,
    INCIDENT: 4, COMPLETE: 2, ASSESSED: 4,
}

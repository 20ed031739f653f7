"""Grammar rule name -> builder of the construct, collected from the operator modules.

Adding a construct: a grammar rule, a module here with `BUILDERS`, and its tests."""

from __future__ import annotations

from policykb.operators import (comparison, flag, growth, indicator_value, logic, no_incident, per_capita,
                                recorded, share, titled_count)

MODULES = (logic, flag, recorded, comparison, indicator_value, share, per_capita, growth, titled_count,
           no_incident)

BUILDERS = {name: build for module in MODULES for name, build in module.BUILDERS.items()}

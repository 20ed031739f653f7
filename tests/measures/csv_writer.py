"""Write reference cluster dicts (see reference.py) as CSV folders in the layout of
shared/domain/data-dictionary.md, for end-to-end tests through the knowledge graph.

Like reference.py, it imports nothing from policykb: the files it writes are what a
researcher would bring. Units vary from row to row (亿元, 万元, ratio, ...) so the import's
exact unit conversion is exercised on every boundary; the choice is a hash of the row, so
the same dicts always give the same files. A dict may force a row's unit with
"units": {(indicator, year or None): unit}.

Incident records decide the folder a cluster goes to, because an incidents.csv is the
complete incident record of the clusters of its folder:
- `complete/`: clusters whose incident record is complete, with an incidents.csv (maybe
  only a header);
- `open/`: the other clusters, with no incidents.csv;
- `open-incidents/`: only an incidents.csv, with incidents on record for clusters of
  `open/` (it declares no cluster of its own, so no record becomes complete).
"""

from __future__ import annotations

import csv
import zlib
from fractions import Fraction
from pathlib import Path

# indicator -> its dimension (the CSV layout needs it to pick another unit of that dimension)
DIMENSION = {
    "area_km2": "area",
    **dict.fromkeys(("total_output", "sme_output", "leading_output", "rd_expenditure", "sme_rd_expenditure"), "money"),
    **dict.fromkeys(("invention_patents", "innovation_platforms", "standards", "pilot_projects", "single_champions",
                     "little_giants", "specialized_new_smes", "innovative_smes", "high_tech_enterprises"), "count"),
    "employees": "persons",
    **dict.fromkeys(("cloud_adoption", "industrial_internet_penetration"), "percent"),
}
# unit text -> how many canonical units (yuan, percent, km2, ...) one of it is
UNITS = {
    "money": {"": 1, "CNY": 1, "元": 1, "100M CNY": 100_000_000, "亿元": 100_000_000, "10k CNY": 10_000,
              "万元": 10_000},
    "percent": {"": 1, "percent": 1, "%": 1, "ratio": 100},
    "area": {"": 1, "km2": 1, "km²": 1, "平方公里": 1},
    "count": {"": 1, "count": 1, "个": 1},
    "persons": {"": 1, "persons": 1, "人": 1},
    "boolean": {"": 1, "boolean": 1},
}
HEADERS = {
    "clusters.csv": ["id", "name_zh", "name_en", "province", "county", "leading_industry", "area_km2"],
    "observations.csv": ["cluster", "indicator", "year", "value", "unit", "source"],
    "enterprises.csv": ["id", "name", "cluster", "in_leading_industry", "titles"],
    "incidents.csv": ["cluster", "year", "kind", "severity", "description"],
    "assessments.csv": ["cluster", "policy", "criterion", "result", "assessor", "date"],
}
SOURCE = "synthetic test data (tests/measures)"
ASSESSOR, ASSESSED_ON = "合成专家组 (synthetic panel)", "2024-05-01"


def decimal_text(value) -> str:
    """The exact decimal numeral of `value`; ValueError if it has none (1/3)."""
    value = Fraction(value)
    digits = 0
    while (value * 10**digits).denominator != 1:
        digits += 1
        if digits > 40:
            raise ValueError(f"{value} has no finite decimal form")
    scaled = abs(value.numerator) * 10**digits // value.denominator
    whole, frac = divmod(scaled, 10**digits)
    sign = "-" if value < 0 else ""
    return f"{sign}{whole}" + (f".{str(frac).rjust(digits, '0')}" if digits else "")


def _pick(key: str, options):
    """A stable choice among `options` for `key` (crc32: same on every run and machine)."""
    options = list(options)
    return options[zlib.crc32(key.encode("utf-8")) % len(options)]


def observation_row(cluster: dict, name: str, year: int | None, value) -> list[str]:
    cid = cluster["id"]
    if isinstance(value, bool):
        unit = cluster.get("units", {}).get((name, year), _pick(f"{cid}/{name}/{year}", UNITS["boolean"]))
        return [cid, name, "", "true" if value else "false", unit, SOURCE]
    units = UNITS[DIMENSION[name]]
    unit = cluster.get("units", {}).get((name, year), _pick(f"{cid}/{name}/{year}", units))
    text = decimal_text(Fraction(value) / units[unit])
    return [cid, name, "" if year is None else str(year), text, unit, SOURCE]


def cluster_rows(cluster: dict) -> tuple[list[str], list[list[str]]]:
    """The clusters.csv row and the observations.csv rows of one cluster. area_km2 goes to
    clusters.csv, to observations.csv or to both (they must agree), by the cluster's hash."""
    cid, values = cluster["id"], dict(cluster.get("values", {}))
    area = values.get("area_km2")
    where = _pick(f"{cid}/area", ("clusters", "observations", "both"))
    in_clusters = area is not None and where in ("clusters", "both")
    if area is not None and where == "clusters":
        del values["area_km2"]
    number = cid.removeprefix("syn-")
    row = [cid, f"合成集群{number}", f"SYNTHETIC cluster {number}", "合成省", cluster.get("county") or "",
           "合成产业", decimal_text(area) if in_clusters else ""]
    observations = [observation_row(cluster, name, None, v) for name, v in sorted(values.items()) if v is not None]
    for name, years in sorted(cluster.get("yearly", {}).items()):
        observations += [observation_row(cluster, name, y, v) for y, v in sorted(years.items()) if v is not None]
    return row, observations


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS[path.name])
        writer.writerows(rows)


def write_folder(clusters: list[dict], folder: Path, incidents_file: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rows, observations, enterprises, incidents, assessments = [], [], [], [], []
    for cluster in clusters:
        cid = cluster["id"]
        row, obs = cluster_rows(cluster)
        rows.append(row)
        observations += obs
        listed = cluster.get("enterprises")
        if listed is not None:
            if not listed:
                raise ValueError(f"{cid}: an enterprise list must name at least one enterprise to exist in CSV")
            enterprises += [[f"{cid}-e{i}", f"合成企业{i}", cid, "true" if e["leading"] else "false",
                             ";".join(e["titles"])] for i, e in enumerate(listed, 1)]
        incidents += incident_rows(cluster)
        assessments += [[cid, policy, criterion, result, ASSESSOR, ASSESSED_ON]
                        for (policy, criterion), result in sorted(cluster.get("assessments", {}).items())]
    _write(folder / "clusters.csv", rows)
    _write(folder / "observations.csv", observations)
    if enterprises:
        _write(folder / "enterprises.csv", enterprises)
    if incidents_file:
        _write(folder / "incidents.csv", incidents)
    elif incidents:
        raise ValueError("incidents of clusters without a complete record belong in open-incidents/")
    if assessments:
        _write(folder / "assessments.csv", assessments)


def incident_rows(cluster: dict) -> list[list[str]]:
    return [[cluster["id"], str(i["year"]), i["kind"], i["severity"], "synthetic incident"]
            for i in cluster.get("incidents", [])]


def write_csv(clusters: list[dict], root: Path) -> list[Path]:
    """Write `clusters` under `root`; the data folders, in the order they must be loaded."""
    complete = [c for c in clusters if c.get("incidents_complete")]
    open_ = [c for c in clusters if not c.get("incidents_complete")]
    folders = []
    if complete:
        write_folder(complete, root / "complete", incidents_file=True)
        folders.append(root / "complete")
    if open_:
        write_folder([{**c, "incidents": []} for c in open_], root / "open", incidents_file=False)
        folders.append(root / "open")
        recorded = [row for c in open_ for row in incident_rows(c)]
        if recorded:
            (root / "open-incidents").mkdir(parents=True, exist_ok=True)
            _write(root / "open-incidents" / "incidents.csv", recorded)
            folders.append(root / "open-incidents")
    return folders

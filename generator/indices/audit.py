"""Compare what the source prints with what the engine computes.

Each audited value gets a status: ``match`` (within the printed rounding), ``differs``,
``not-reproducible`` or ``reconstruction`` (the engine follows a reconstructed method, so a
difference is expected), and a reason. Reasons for known errata come from the methodology
file, never from code.
"""
from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ..data.model import Dataset
from . import methods as M
from .engine import Computed
from .frame import lists
from .phrases import Phrase, Ref, render, say, text_note
from .printed import decimals_as_printed, decimals_in_yaml, decimals_of_float
from .results import AUDIT_COLUMNS, AUDIT_EXTRA, STATUSES
from .spec import AuditErratum, AuditSpec, Methodology, PrintedSpec, Reason

#: Decimals of a number known only as a float (kept for printed values in the YAML).
printed_decimals = decimals_of_float


def tolerance(decimals: int, printed: float) -> float:
    return 0.5 * 10.0 ** (-decimals) + 1e-9 * max(1.0, abs(printed))


def _truncates_to(computed: float, printed: float, decimals: int) -> bool:
    f = 10 ** decimals
    return math.isclose(math.trunc(computed * f) / f, printed, rel_tol=0, abs_tol=1e-9 * f)


def _as_list(x: str | int | list[str] | list[int] | None) -> list[str] | list[int] | None:
    return [x] if isinstance(x, str) else [x] if isinstance(x, int) else x


def _erratum(errata: list[AuditErratum], unit: str, part: str, year: int | None = None
             ) -> AuditErratum | None:
    """The first erratum for this unit, part and year (unset fields match anything)."""
    for e in errata:
        units, parts, years = _as_list(e.unit), _as_list(e.part), _as_list(e.year)
        if units is not None and unit not in units:
            continue
        if parts is not None and part not in parts:
            continue
        if years is not None and year not in years:
            continue
        return e
    return None


def _index_label(index_id: str, part: str) -> str:
    return f"{index_id}:{part}" if part else index_id


def compare_number(printed: float, computed: float, decimals: int, rounding: str
                   ) -> tuple[str, list[Phrase]]:
    """('match' | 'differs', notes) for one printed and one computed number."""
    if computed is None or math.isnan(computed):
        return "not-reproducible", []
    if abs(computed - printed) <= tolerance(decimals, printed):
        return "match", []
    if rounding == "either" and _truncates_to(computed, printed, decimals):
        return "match", [say("audit.truncated")]
    return "differs", []


def _row(index_id: str, part: str, unit: str, year: int | None, printed: float | str,
         computed: float | str, status: str, said: list[Phrase]) -> dict[str, Any]:
    """One audit row; ``reason`` is the English text of ``said`` (for audit.csv)."""
    diff = (computed - printed if isinstance(printed, float) and isinstance(computed, float)
            and not (math.isnan(printed) or math.isnan(computed)) else math.nan)
    return {"index": _index_label(index_id, part), "unit": unit, "year": year,
            "printed": printed, "computed": computed, "difference": diff,
            "status": status, "reason": render(said, "en"), "said": list(said)}


def _explain(e: AuditErratum | AuditSpec, numbers: dict[str, Any], others: dict[str, Computed],
             unit: str, part: str, year: int | None) -> Phrase:
    """An erratum's (or entry's) reason: its text, or its code filled with the computed
    numbers; {other} is the value of the ``against`` index for the same unit and part, in
    the same year (or its only year)."""
    if e.code is None:
        return text_note(e.reason)
    args = {k: v for k, v in numbers.items() if isinstance(v, float) and not math.isnan(v)}
    if e.against is not None:
        found = _computed_lookup(others[e.against].values()).get((unit, part), {})
        _, got = _pick(found, year)
        args["other"] = got[0] if got else math.nan
    return say(e.code, **args)


def _decide(a: AuditSpec, base_status: str, note: list[Phrase], unit: str, part: str,
            default_reason: list[Phrase] | None = None, year: int | None = None,
            numbers: dict[str, Any] | None = None, others: dict[str, Computed] | None = None
            ) -> tuple[str, list[Phrase]]:
    e = _erratum(a.errata, unit, part, year)
    why = [_explain(e, numbers or {}, others or {}, unit, part, year)] if e else []
    if base_status == "match":
        return "match", list(note) + why
    if e is not None:
        return e.status, why
    given = ([text_note(a.reason)] if a.reason else
             [_explain(a, numbers or {}, others or {}, unit, part, year)] if a.code else [])
    if base_status == "not-reproducible":
        return "not-reproducible", given or default_reason or [say("audit.no_value")]
    return a.differs, given or default_reason or [say("audit.unexplained")]


#: A computed value and its class, by unit and part, then by year.
Computed1 = tuple[float, Any]


def _computed_lookup(values: pd.DataFrame) -> dict[tuple[str, str], dict[int, Computed1]]:
    out: dict[tuple[str, str], dict[int, Computed1]] = {}
    for u, p, y, v, c in zip(*lists(values, "unit", "part", "year", "value", "class")):
        out.setdefault((u, p), {})[int(y)] = (float(v), c)
    return out


def _pick(found: dict[int, Computed1] | None, year: int | None
          ) -> tuple[int | None, Computed1 | None]:
    if not found:
        return year, None
    if year is not None and year in found:
        return year, found[year]
    if len(found) == 1:
        y = next(iter(found))
        return y, found[y]
    return year, None


def _selector(base: PrintedSpec | None, override: PrintedSpec | None, category: str | None
              ) -> PrintedSpec:
    data = base.model_dump() if base else {}
    if override is not None:
        data.update({k: v for k, v in override.model_dump().items() if v is not None})
    if category is not None:
        data["category"] = category
    return PrintedSpec(**data)


def audit_printed(a: AuditSpec, comp: Computed, dataset: Dataset,
                  others: dict[str, Computed] | None = None) -> list[dict[str, Any]]:
    values = comp.values()
    lookup = _computed_lookup(values)
    parts = list(dict.fromkeys(values["part"].tolist()))
    rows: list[dict[str, Any]] = []
    if isinstance(a.parts, dict):
        plan = [(p, _selector(a.printed, sel, None)) for p, sel in a.parts.items()]
    elif a.parts == "category":
        plan = [(p, _selector(a.printed, None, p)) for p in parts]
    else:
        plan = [(p, _selector(a.printed, None, None)) for p in parts[:1]]
    computed_units = set(values.loc[~values["ref"], "unit"])
    for part, sel in plan:
        obs = dataset.select(sel.indicator, year=sel.year, table=sel.table,
                             category=sel.category or "")
        obs = obs[obs["unit"].isin(computed_units)]     # only what this index computes
        assert sel.indicator is not None, "_selector names the indicator"
        ind = dataset.indicators[sel.indicator]
        decimals_default = a.decimals if a.decimals is not None else ind.decimals
        for unit, year, value, label, _flag, table, row, file in zip(
                obs["unit"], obs["year"], obs["value"], obs["label"], obs["flag"],
                obs["table"], obs["row"], obs["file"]):
            here = {"cell": f"{file}:{row}", "kind": "table"}
            y, got = _pick(lookup.get((unit, part)), int(year))
            if ind.kind == "class":
                if not label:
                    continue
                comp_class = got[1] if got else ""
                if not comp_class:
                    st, why = _decide(a, "not-reproducible", [], unit, part,
                                      [say("audit.no_class")], int(year))
                else:
                    st = "match" if comp_class == label else "differs"
                    st, why = _decide(a, st, [], unit, part, year=int(year))
                rows.append(_row(comp.spec.id, part, unit, int(year), label, comp_class or "",
                                 st, why) | here)
                continue
            if math.isnan(value):
                continue                      # nothing printed (x, -, blank)
            computed = got[0] if got else math.nan
            d = decimals_default
            if d is None:
                d = decimals_as_printed(dataset, table, row)
            if d is None:
                d = printed_decimals(value)
            st, note = compare_number(float(value), computed, d, a.rounding)
            missing = []
            if st == "not-reproducible":
                missing = [say("audit.no_value_input_missing")]
            st, why = _decide(a, st, note, unit, part, missing, int(year),
                              {"printed": float(value), "computed": float(computed)}, others)
            rows.append(_row(comp.spec.id, part, unit, int(year), float(value),
                             float(computed), st, why) | here)
    return rows


def audit_values(a: AuditSpec, comp: Computed, others: dict[str, Computed] | None = None,
                 methodology: Methodology | None = None, n: int = 0) -> list[dict[str, Any]]:
    """Numbers printed in the text; their precision is the one written in the file."""
    lookup = _computed_lookup(comp.values())
    rows = []
    for i, pv in enumerate(a.values or []):
        y, got = _pick(lookup.get((pv.unit, pv.part)), pv.year)
        computed = got[0] if got else math.nan
        d = pv.decimals if pv.decimals is not None else a.decimals
        if d is None and methodology is not None:
            d = decimals_in_yaml(methodology.path, methodology.index_line(
                comp.spec.id, "audit", n, "values", i, "value"), pv.value)
        if d is None:
            d = printed_decimals(pv.value)
        st, note = compare_number(pv.value, computed, d, a.rounding)
        where = (say("audit.printed_in_text", line=str(pv.line)) if pv.line
                 else say("audit.printed_in_text_noline"))
        note = [where] + ([text_note(pv.note)] if pv.note else []) + note
        st, why = _decide(a, st, note, pv.unit, pv.part, year=y,
                          numbers={"printed": float(pv.value), "computed": float(computed)},
                          others=others)
        if st != "match":
            why = [where] + why
        rows.append(_row(comp.spec.id, pv.part, pv.unit, y, float(pv.value), float(computed),
                         st, why) | {"kind": "text", "cell": f"text:{pv.line}:{pv.unit}:"
                                                             f"{pv.part}:{pv.value!r}"})
    return rows


def _class_cells(comp: Computed, dataset: Dataset) -> dict[str, str]:
    """unit → file:row of the printed class the index takes as given."""
    for st in comp.spec.steps:
        c = st.classify
        if c is not None and c.method == "given":
            obs = dataset.select(c.indicator, table=c.table, year=c.year)
            return {u: f"{f}:{r}" for u, f, r in zip(*lists(obs, "unit", "file", "row"))}
    return {}


def audit_ordering(a: AuditSpec, comp: Computed, dataset: Dataset) -> list[dict[str, Any]]:
    """Given class memberships against the order of the values they are based on."""
    values = comp.values()
    values = values[~values["ref"]]
    order = [c.id for c in comp.meta.classes]
    level = {c: i for i, c in enumerate(order)}
    cells = _class_cells(comp, dataset)
    rows = []
    for part in dict.fromkeys(values["part"].tolist()):
        v = values[values["part"] == part].reset_index(drop=True)
        have = v[v["class"].isin(order)].reset_index(drop=True)
        misplaced = set(M.misplaced_in_order(have["value"].to_numpy(dtype=float),
                                             [level[c] for c in have["class"]]))
        ranges = have.groupby("class")["value"].agg(["min", "max"])
        position = {u: i for i, u in reversed(list(enumerate(have["unit"])))}
        for _, r in v.iterrows():
            if r["class"] not in level:
                st, why = _decide(a, "not-reproducible", [], r["unit"], part,
                                  [say("audit.absent_from_class_table")], int(r["year"]))
                rows.append(_row(comp.spec.id, part, r["unit"], int(r["year"]), "", "",
                                 st, why) | {"kind": "order", "cell": ""})
                continue
            pos = position[r["unit"]]
            if pos in misplaced:
                inside = [c for c in order if c != r["class"] and c in ranges.index
                          and ranges.loc[c, "min"] <= r["value"] <= ranges.loc[c, "max"]]

                def cls(c: str) -> Ref:
                    return Ref("class", c, comp.spec.id)

                auto = (say("audit.inside_class_range", value=float(r["value"]),
                            classes=[cls(c) for c in inside]) if inside else
                        say("audit.out_of_order", value=float(r["value"]), cls=cls(r["class"])))
                st, why = _decide(a, "differs", [], r["unit"], part, [auto], int(r["year"]))
                if why != [auto] and st != "match":
                    why = why + [auto]
                rows.append(_row(comp.spec.id, part, r["unit"], int(r["year"]), r["class"],
                                 "", st, why) | {"kind": "order",
                                                 "cell": cells.get(r["unit"], "")})
            else:
                st, why = _decide(a, "match", [], r["unit"], part, year=int(r["year"]))
                rows.append(_row(comp.spec.id, part, r["unit"], int(r["year"]), r["class"],
                                 r["class"], st, why or [say("audit.consistent_order")])
                            | {"kind": "order", "cell": cells.get(r["unit"], "")})
    return rows


def _check_entry(a: AuditSpec, n: int, rows: list[dict[str, Any]], comp: Computed,
                 methodology: Methodology | None) -> None:
    """Parts named in the entry must exist; every erratum must concern an audited value."""
    if methodology is None:
        return
    parts = set(comp.values()["part"])
    named: list[tuple[str, tuple[str | int, ...]]] = []
    if isinstance(a.parts, dict):
        named += [(p, ("audit", n, "parts", p)) for p in a.parts]
    named += [(v.part, ("audit", n, "values", i, "part")) for i, v in enumerate(a.values or [])]
    for part, keys in named:
        if part not in parts:
            raise methodology.error(
                f"index {comp.spec.id!r}: the audit names part {part!r}, but the index has "
                f"parts {sorted(parts)}", methodology.index_line(comp.spec.id, *keys),
                "use one of the index's parts ('' for a single value)")
    seen = set()
    for r in rows:
        label = r["index"]
        part = label.split(":", 1)[1] if ":" in label else ""
        seen.add((r["unit"], part, r["year"]))
    for e_n, e in enumerate(a.errata):
        used = any(_erratum([e], u, p, y) is not None for u, p, y in seen)
        if not used:
            raise methodology.error(
                f"index {comp.spec.id!r}: this erratum concerns no audited value "
                f"(unit {e.unit!r}, part {e.part!r}, year {e.year!r})",
                methodology.index_line(comp.spec.id, "audit", n, "errata", e_n),
                "correct the unit or part, or remove the stale erratum")


def audit_index(comp: Computed, dataset: Dataset, methodology: Methodology | None = None,
                others: dict[str, Computed] | None = None) -> pd.DataFrame:
    """Every audit entry of one index: printed tables, printed text values, orderings.

    ``others`` are the other computed indices, for errata that compare ``against`` one."""
    rows: list[dict[str, Any]] = []
    for n, a in enumerate(comp.spec.audit):
        if a.printed is not None:
            entry = audit_printed(a, comp, dataset, others)
        elif a.values is not None:
            entry = audit_values(a, comp, others, methodology, n)
        else:
            entry = audit_ordering(a, comp, dataset)
        _check_entry(a, n, entry, comp, methodology)
        rows.extend(entry)
    result: pd.DataFrame = pd.DataFrame(rows, columns=AUDIT_COLUMNS + AUDIT_EXTRA)
    return result


def audit_unreproducible(methodology: Methodology, dataset: Dataset) -> pd.DataFrame:
    rows = []
    for u in methodology.spec.unreproducible:
        inds = [u.indicator] if isinstance(u.indicator, str) else u.indicator
        if u.units == "all":
            keep = None
        elif u.units == "units":
            keep = set(dataset.unit_ids())
        elif u.units == "region":
            keep = {dataset.region}
        else:
            keep = set([u.units] if isinstance(u.units, str) else u.units)
        for ind in inds:
            obs = dataset.select(ind, table=u.table, year=u.year)
            if u.category is not None:
                obs = obs[obs["category"] == u.category]
            for unit, cat, year, value, label, file, row in zip(
                    obs["unit"], obs["category"], obs["year"], obs["value"], obs["label"],
                    obs["file"], obs["row"]):
                if keep is not None and unit not in keep:
                    continue
                printed: Any = label if label else float(value)
                if not label and math.isnan(value):
                    continue
                part = f"{ind}.{cat}" if cat else ind
                rows.append(_row(u.id, part, unit, int(year), printed, math.nan,
                                 "not-reproducible", [text_note(u.reason)])
                            | {"kind": "unreproducible", "cell": f"{file}:{row}"})
    result: pd.DataFrame = pd.DataFrame(rows, columns=AUDIT_COLUMNS + AUDIT_EXTRA)
    return result


def compare_classes(comp: Computed, other: Computed, reason: Reason | None
                    ) -> pd.DataFrame:
    """Unit by unit, the classes of two indices (e.g. two derivations of one list)."""
    a = comp.values()
    b = other.values()
    a = a[~a["ref"]].set_index("unit")["class"]
    b = b[~b["ref"]].set_index("unit")["class"]
    units = list(dict.fromkeys(list(a.index) + list(b.index)))
    df: pd.DataFrame = pd.DataFrame({"unit": units,
                                     comp.spec.id: [a.get(u, "") for u in units],
                                     other.spec.id: [b.get(u, "") for u in units]})
    df["agree"] = df[comp.spec.id] == df[other.spec.id]
    df.attrs["reason"] = reason or ""
    return df


def status_counts(audit: pd.DataFrame) -> dict[str, int]:
    counts = audit["status"].value_counts() if not audit.empty else pd.Series(dtype=int)
    return {s: int(counts.get(s, 0)) for s in STATUSES}


__all__ = ["audit_index", "audit_unreproducible", "compare_classes", "printed_decimals",
           "status_counts", "tolerance"]

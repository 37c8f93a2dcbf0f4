"""How many printed numbers the audit and the checks confirm, each number counted once.

A printed number can be audited several times (a table compared with two derivations of
the same index) and also tested by checks.yaml. The summary counts distinct printed cells
(file and row of the transcription): a number takes the best verdict any audit gave it
(match, then reconstruction, differs, not-reproducible). Printed classes checked against the
order of the values (Tables 41–43) are counted apart: "consistent with the printed order"
is weaker than "match". Numbers tested only by checks.yaml are counted as a third group.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from ..data.checks import CheckResult

#: Best first: the verdict a number audited several times keeps.
PRECEDENCE = ("match", "reconstruction", "differs", "not-reproducible")


@dataclass
class AuditSummary:
    printed: dict[str, int] = field(default_factory=dict)     # status → distinct numbers
    order: dict[str, int] = field(default_factory=dict)       # consistent | contradicted | absent
    checks_only: dict[str, int] = field(default_factory=dict)  # agree | disagree

    @property
    def printed_total(self) -> int:
        return sum(self.printed.values())

    def __str__(self) -> str:
        def part(d: dict[str, int]) -> str:
            return ", ".join(f"{n} {k}" for k, n in d.items() if n) or "none"
        return (f"{self.printed_total} distinct printed numbers audited ({part(self.printed)}); "
                f"{sum(self.order.values())} printed classes against the order of the values "
                f"({part(self.order)}); {sum(self.checks_only.values())} more printed numbers "
                f"tested only by checks.yaml ({part(self.checks_only)})")


def _best(statuses: Iterable[str]) -> str:
    s = set(statuses)
    return next(x for x in PRECEDENCE if x in s)


def summarise(audit: pd.DataFrame, checks: list[CheckResult] | None = None) -> AuditSummary:
    """``audit`` as Results.audit (with its cell and kind columns); ``checks`` the results
    of :func:`generator.data.checks.run_checks`."""
    out = AuditSummary()
    if not audit.empty:
        numbers = audit[audit["kind"] != "order"]
        key = numbers["cell"].where(numbers["cell"] != "",
                                    numbers["index"] + "|" + numbers["unit"])
        best = numbers.groupby(key)["status"].agg(_best)
        out.printed = {s: int((best == s).sum()) for s in PRECEDENCE}
        order = audit[audit["kind"] == "order"]
        okey = order["cell"].where(order["cell"] != "", order["index"] + "|" + order["unit"])
        verdict = order.groupby(okey)["status"].agg(_best)
        out.order = {"consistent": int((verdict == "match").sum()),
                     "contradicted": int(verdict.isin(["differs", "reconstruction"]).sum()),
                     "absent": int((verdict == "not-reproducible").sum())}
    audited = set(audit["cell"]) if not audit.empty else set()
    seen: dict[str, bool] = {}
    for result in checks or []:
        for c in result.comparisons:
            if c.missing_parts or not c.cell or c.cell in audited:
                continue
            seen[c.cell] = seen.get(c.cell, True) and bool(c.ok)
    out.checks_only = {"agree": sum(seen.values()),
                       "disagree": sum(1 for v in seen.values() if not v)}
    return out

"""What the CLI and the site call.

    results = compute_edition(data_dir, edition)       # in-memory Results for the site
    results = compute(dataset)                         # same, from a loaded Dataset
    summary = compute_to_dir(data_dir, edition, out)   # indices.csv, audit.csv, sensitivity.csv
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..data.checks import run_checks
from ..data.load import load_dataset
from ..data.model import Dataset
from ..errors import AimaqError, MethodologyError
from ..yamlio import load_yaml
from . import audit as A
from . import export
from .engine import compute_all
from .results import AUDIT_COLUMNS, AUDIT_EXTRA, ComputeSummary, IndexResult, Results, warning_text
from .sensitivity import run as run_sensitivity
from .spec import Methodology, parse_methodology
from .summary import summarise
from .validate import validate

METHODOLOGY_FILE = "methodology.yaml"


def load_methodology(path: Path | str, dataset: Dataset) -> Methodology:
    """Read, check the shape of, and validate a methodology file against the dataset."""
    path = Path(path)
    if not path.is_file():
        raise MethodologyError("no methodology file", path, None,
                               f"create {path.name} next to units.yaml (see "
                               "docs/methodology.md)")
    try:
        doc = load_yaml(path)
    except MethodologyError:
        raise
    except AimaqError as err:
        raise MethodologyError(err.message, err.file, err.line, err.fix) from None
    m = parse_methodology(doc)
    validate(m, dataset)
    return m


def compute(dataset: Dataset, methodology: Path | str | Methodology | None = None,
            *, sensitivity: bool = True) -> Results:
    """Compute every index of the methodology (default: the edition's methodology.yaml)."""
    if methodology is None:
        methodology = Path(dataset.root) / METHODOLOGY_FILE
    m = (methodology if isinstance(methodology, Methodology)
         else load_methodology(methodology, dataset))
    computed = compute_all(dataset, m)
    indices: dict[str, IndexResult] = {}
    audits = []
    for index_id in m.indices:                      # file order
        comp = computed[index_id]
        audit = A.audit_index(comp, dataset, m, computed)
        audits.append(audit)
        comparisons = [A.compare_classes(comp, computed[c.index], c.reason)
                       for c in comp.spec.compare]
        indices[index_id] = IndexResult(meta=comp.meta, values=comp.values(),
                                        steps=comp.steps, audit=audit,
                                        comparisons=comparisons)
    audits.append(A.audit_unreproducible(m, dataset))
    audits = [a for a in audits if not a.empty]
    audit = (pd.concat(audits, ignore_index=True) if audits
             else pd.DataFrame(columns=AUDIT_COLUMNS + AUDIT_EXTRA))
    sens = []
    if sensitivity:
        for pos, s in enumerate(m.spec.sensitivity):
            res = run_sensitivity(s, pos, dataset, m, computed)
            sens.append(res)
            indices[s.target].sensitivity.append(res)
    warnings = [w for index_id in m.indices for w in computed[index_id].warnings]
    return Results(edition=dataset.edition, region=dataset.region, indices=indices,
                   audit=audit, sensitivity=sens, methodology_file=str(m.path),
                   notes=dict(m.spec.notes), warnings=warnings)


def compute_edition(data_dir: Path | str, edition: str) -> Results:
    return compute(load_dataset(Path(data_dir), edition))


def compute_to_dir(data_dir: Path | str, edition: str, out: Path | str) -> ComputeSummary:
    """Compute an edition and write indices.csv, audit.csv and sensitivity.csv to ``out``."""
    dataset = load_dataset(Path(data_dir), edition)
    results = compute(dataset)
    files = export.write(results, Path(out))
    values = export.values_table(results)
    return ComputeSummary(edition=edition, indices=len(results.indices), values=len(values),
                          audit_rows=len(results.audit),
                          audit_status=A.status_counts(results.audit), files=files,
                          warnings=[warning_text(w) for w in results.warnings],
                          summary=summarise(results.audit, run_checks(dataset)))

"""The index engine: every index of an edition, computed from data, declared in YAML.

Public API (see :mod:`generator.indices.api`)::

    compute(dataset, methodology=None) -> Results
    compute_edition(data_dir, edition) -> Results
    compute_to_dir(data_dir, edition, out) -> ComputeSummary
    load_methodology(path, dataset) -> Methodology

Modules: ``spec`` (schema of methodology.yaml), ``validate`` (names, weights, windows,
cycles), ``frame`` (reading inputs), ``methods`` (the numerical methods), ``steps`` (one
function per step kind), ``engine`` (dependency order, step records), ``audit`` (printed vs
computed), ``sensitivity`` (variants), ``export`` (CSV), ``results`` (what the site reads).
"""
from .api import compute, compute_edition, compute_to_dir, load_methodology
from .results import ComputeSummary, IndexMeta, IndexResult, Results, SensitivityResult, StepRecord

__all__ = ["compute", "compute_edition", "compute_to_dir", "load_methodology", "Results",
           "IndexResult", "IndexMeta", "StepRecord", "SensitivityResult", "ComputeSummary"]

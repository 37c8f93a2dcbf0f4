"""Labels a project's own ids need in every site language, checked before anything renders.

Index families, classes, unit types and borders are the project's words (methodology.yaml,
units.yaml); the pages show them through interface strings named ``family_<id>``,
``class_<id>``, ``unit_<type>`` and ``border_<id>`` (a class named in methodology.yaml or
by a class indicator needs none). Without this check a missing one would show as its raw
key on the page (``family_wellbeing``) and ``aimaq check`` would find nothing.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import AimaqError
from ..yamlio import load_yaml

STRINGS = "templates/strings.yaml"


def needed(dataset, methodology_path: Path) -> dict[str, tuple[Path, int | None]]:
    """Every label key the edition's ids call for, with the file and line that uses it."""
    keys: dict[str, tuple[Path, int | None]] = {}
    units_file = Path(dataset.root) / "units.yaml"
    for unit in dataset.units:
        if unit.type:
            keys.setdefault(f"unit_{unit.type}", (units_file, None))
        if unit.border:
            keys.setdefault(f"border_{unit.border}", (units_file, None))
    if methodology_path.is_file():
        doc = load_yaml(methodology_path)
        for i, index in enumerate((doc.data or {}).get("indices") or []):
            family = index.get("family") if isinstance(index, dict) else None
            if family:
                keys.setdefault(f"family_{family}",
                                (methodology_path, doc.line("indices", i, "family")))
            for j, step in enumerate(index.get("steps") or [] if isinstance(index, dict)
                                     else []):
                for cls in _unnamed_classes(step):
                    keys.setdefault(f"class_{cls}",
                                    (methodology_path, doc.line("indices", i, "steps", j)))
    named = {c.id for ind in dataset.indicators.values() for c in ind.classes}
    return {k: v for k, v in keys.items()
            if not (k.startswith("class_") and k[len("class_"):] in named)}


def _unnamed_classes(step) -> list[str]:
    """Class ids a classify step makes without giving them a name."""
    spec = step.get("classify") if isinstance(step, dict) else None
    if not isinstance(spec, dict):
        return []
    out = [c for c in spec.get("classes") or [] if isinstance(c, str)]
    out += [str(v) for v in (spec.get("map") or {}).values()]
    if spec.get("default"):
        out.append(str(spec["default"]))
    return out


def missing_labels(strings: dict, dataset, languages: list[str]) -> list[AimaqError]:
    """One error per label key that is absent or lacks a site language."""
    out = []
    for key, (path, line) in needed(dataset, Path(dataset.root) / "methodology.yaml").items():
        texts = strings.get(key) or {}
        absent = [lang for lang in languages if not texts.get(lang)]
        if absent:
            what = "has no label" if not texts else f"has no {', '.join(absent)} label"
            example = ", ".join(f"{lang}: ..." for lang in languages)
            out.append(AimaqError(
                f"{key.split('_', 1)[0]} {key.split('_', 1)[1]!r} {what} (string {key!r})",
                path, line, f"add  {key}: {{{example}}}  to {STRINGS} of the project"))
    return out

"""The words of the charts: ``chart_strings.yaml`` of the theme, with the project's keys
over it, validated when loaded.

An editor changes the sentences there; a template that uses an unknown ``{name}`` or lacks
a language stops the build with the file, the line and the fix.
"""
from __future__ import annotations

import dataclasses
import string
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .. import theme
from ..errors import AimaqError

FILE_NAME = "chart_strings.yaml"

#: The placeholders each template may use; keys not listed here take none.
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "alt": frozenset({"kind", "title", "subtitle"}),
    "reference_label": frozenset({"name", "value"}),
    "describe_ranking": frozenset({"top", "top_value", "bottom", "bottom_value", "count"}),
    "describe_slope": frozenset({"before", "after", "up", "down", "same"}),
    "describe_slope_most": frozenset({"unit", "places"}),
    "describe_reference": frozenset({"name", "value"}),
    "describe_highlight": frozenset({"unit", "rank", "count", "value"}),
    "describe_points": frozenset({"names"}),
    "describe_missing": frozenset({"names"}),
    "describe_shown": frozenset({"shown", "count"}),
    "describe_window": frozenset({"shown", "count"}),
    "gap_row": frozenset({"count"}),
    "describe_time_series": frozenset({"series", "first_year", "first_value", "last_year",
                                       "last_value", "max_year", "max_value"}),
    "describe_composition": frozenset({"top", "top_value", "bottom", "bottom_value",
                                       "count"}),
    "describe_profile": frozenset({"unit", "above", "count", "best", "best_value", "worst",
                                   "worst_value"}),
    "describe_heatmap": frozenset({"max_unit", "max_column", "max_value", "min_unit",
                                   "min_column", "min_value", "rows", "columns"}),
    "describe_scatter": frozenset({"both_high", "both_high_names", "both_low", "count",
                                   "top_x", "top_y"}),
    "describe_sensitivity": frozenset({"variants", "stable", "count", "widest",
                                       "widest_min", "widest_max"}),
    "rank_titled": frozenset({"first"}),
    "describe_not_real": frozenset({"names", "originals"}),
    "describe_rank_rule": frozenset({"first", "count"}),
    "describe_colours": frozenset({"better"}),
}

#: Every key the chart code reads; the file must define each of them.
REQUIRED = (
    "show_data", "download", "download_csv", "download_svg", "download_png", "source", "alt",
    "kind_map", "kind_ranking", "kind_time_series", "kind_composition", "kind_profile",
    "kind_heatmap", "kind_scatter", "kind_sensitivity", "unit", "value", "rank", "year",
    "series", "category", "part", "minimum", "median", "maximum", "nominal_rank", "rank_min",
    "rank_max", "rank_range", "no_data", "none", "and", "reference_label", "map_attribution",
    "gap_row", "generic_words", "better_higher", "better_lower", "rank_first_high",
    "rank_first_low", "not_real", "not_real_short", "key_title", "note", "untitled_table", "describe_scores", "score",
    *[k for k in PLACEHOLDERS if k.startswith("describe_")], "describe_empty",
)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@dataclass(frozen=True)
class ChartStrings:
    """Texts by key and language."""
    texts: dict[str, dict[str, str]]
    path: str = FILE_NAME

    def get(self, key: str, lang: str, **values: object) -> str:
        try:
            text = self.texts[key][lang]
        except KeyError:
            raise AimaqError(f"no text {key!r} for language {lang!r}", self.path, None,
                             f"add {key}: {{{lang}: ...}}") from None
        return text.format(**values) if values or _fields(text) else text

    def join(self, names: Iterable[str], lang: str) -> str:
        """"A, B and C" in ``lang``."""
        names = list(names)
        if not names:
            return self.get("none", lang)
        if len(names) == 1:
            return names[0]
        return ", ".join(names[:-1]) + self.get("and", lang) + names[-1]

    def with_map_attribution(self, attribution: dict[str, str]) -> ChartStrings:
        """These texts with the line under every map replaced, in the languages given (the
        boundary file's own attribution wins over the theme's words)."""
        if not attribution:
            return self
        merged = {**self.texts.get("map_attribution", {}), **attribution}
        return dataclasses.replace(self, texts={**self.texts, "map_attribution": merged})

    def words(self, key: str, lang: str) -> tuple[str, ...]:
        """A comma-separated list of words (e.g. ``generic_words``)."""
        return tuple(w.strip() for w in self.get(key, lang).split(",") if w.strip())

    def ui(self, lang: str) -> dict[str, str]:
        """The words the chart partial shows, in ``lang``."""
        keys = ("show_data", "download", "download_csv", "download_svg", "download_png",
                "source")
        return {k: self.get(k, lang) for k in keys}


def load_chart_strings(templates_dir: Path | str, languages: Iterable[str]) -> ChartStrings:
    """Read and check ``chart_strings.yaml``: the theme's, with the project's keys over it
    (``templates_dir`` is the project's templates folder, which may not exist)."""
    entries = theme.layered_yaml(FILE_NAME, templates_dir)
    languages = list(languages)
    texts: dict[str, dict[str, str]] = {}
    for key, entry in entries.items():
        value, path, doc = entry.value, entry.path, entry.doc
        line = doc.line(key)
        if not isinstance(value, dict):
            raise AimaqError(f"text {key!r} must map languages to texts", path, line,
                             "write e.g. {kk: ..., ru: ..., en: ...}")
        missing = [lang for lang in languages if not value.get(lang)]
        if missing:
            raise AimaqError(f"text {key!r} has no {', '.join(missing)} version", path, line,
                             "add the missing translations")
        allowed = PLACEHOLDERS.get(str(key), frozenset())
        for lang, text in value.items():
            if not isinstance(text, str):
                raise AimaqError(f"text {key!r} ({lang}) must be a string", path,
                                 doc.line(key, lang), "put the text in quotes")
            try:
                used = _fields(text)
            except ValueError as exc:
                raise AimaqError(f"text {key!r} ({lang}): {exc}", path, doc.line(key, lang),
                                 "write placeholders as {name}; a literal brace as {{ or }}"
                                 ) from None
            unknown = sorted(used - allowed)
            if unknown:
                names = ", ".join("{" + n + "}" for n in sorted(allowed)) or "none"
                raise AimaqError(f"text {key!r} ({lang}) uses {', '.join(unknown)}, which "
                                 "the generator does not fill", path, doc.line(key, lang),
                                 f"use only these names: {names}")
        texts[str(key)] = {str(k): v for k, v in value.items()}
    path = theme.THEME_DIR / FILE_NAME
    absent = [k for k in REQUIRED if k not in texts]
    if absent:
        raise AimaqError(f"chart_strings.yaml lacks {', '.join(absent)}", path, None,
                         "add these texts (see the bundled chart_strings.yaml)")
    return ChartStrings(texts=texts, path=str(path))

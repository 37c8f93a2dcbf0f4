"""One module per chart kind: plain DataFrames and translated words in, a :class:`Chart` out.

Every builder takes its data as a pandas DataFrame with the columns its docstring names,
the texts already in the page's language (title, subtitle with the unit of measure and the
year, source line, axis titles, unit names), the language code and the chart texts
(:func:`~generator.charts.texts.load_chart_strings`). It returns a :class:`Chart`; it draws
nothing and knows no page. What the kinds share (the spec-level look, the finish that makes
a Chart, helpers for ranks and notes) is :mod:`.base`.

A kind is declared once with Altair per *template key* (see :mod:`generator.charts.jsonspec`): whatever
changes from one unit's chart to the next (the rows, the highlighted unit, the region's
value) travels in named datasets and parameters, so the 19 unit charts of one kind share one
validated template.

A new kind: a module here with its builder, one line in :data:`KINDS`, and its words in
templates/chart_strings.yaml (docs/architecture.md).
"""
from __future__ import annotations

from collections.abc import Callable

from ..model import Chart
from .base import short_name
from .composition import composition_chart
from .heatmap import heatmap_chart
from .map import map_chart, map_over, map_units
from .profile import profile_chart, profile_charts, profile_summary
from .ranking import ranking_chart
from .scatter import scatter_chart
from .sensitivity import sensitivity_chart
from .slope import slope_chart
from .time_series import time_series_chart

#: Every chart kind by the name its Chart carries (``Chart.kind``).
KINDS: dict[str, Callable[..., Chart]] = {
    "composition": composition_chart,
    "heatmap": heatmap_chart,
    "map": map_chart,
    "profile": profile_chart,
    "ranking": ranking_chart,
    "scatter": scatter_chart,
    "sensitivity": sensitivity_chart,
    "slope": slope_chart,
    "time_series": time_series_chart,
}

__all__ = ["KINDS", "composition_chart", "heatmap_chart", "map_chart", "map_over", "map_units",
           "profile_chart", "profile_charts", "profile_summary", "ranking_chart", "scatter_chart",
           "sensitivity_chart", "short_name", "slope_chart", "time_series_chart"]

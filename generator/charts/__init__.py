"""Charts: declared with Altair, never drawn by hand; one module per kind (kinds/); no page knowledge.

Public API::

    strings = load_chart_strings(templates_dir, languages)      # templates/chart_strings.yaml
    boundaries = load_boundaries(find_boundary_file(dataset.root))

    chart = ranking_chart(df, id=..., lang=..., strings=strings, title=..., ...)
    chart = map_chart(df, id=..., lang=..., strings=strings, boundaries=boundaries,
                      areas=dataset.areas.values(), title=..., ...)
    # also time_series_chart, composition_chart, profile_chart, heatmap_chart,
    # scatter_chart, sensitivity_chart

    files = chart_files(chart, "charts/kk")      # {site path: bytes}: json, csv, svg
    files = chart_assets(languages)               # {site path: bytes}: assets/charts/…

``templates/partials/chart.html`` renders a :class:`Chart` (see its header comment).
"""
from ..data.geo import Boundaries, find_boundary_file, load_boundaries
from .assets import ASSETS_DIR, chart_assets, prefetch_bundle, vega_bundle
from .jsonspec import TEMPLATES, canonical_json, fresh_templates
from .kinds import (
                    KINDS,
                    composition_chart,
                    heatmap_chart,
                    map_chart,
                    map_over,
                    map_units,
                    profile_chart,
                    profile_charts,
                    profile_summary,
                    ranking_chart,
                    scatter_chart,
                    sensitivity_chart,
                    short_name,
                    slope_chart,
                    time_series_chart,
)
from .model import Chart, Column, slug
from .numbers import format_locale, value_text
from .render import (
                    all_chart_files,
                    chart_files,
                    composed_svg,
                    image_size,
                    images_drawing,
                    on_page,
                    prefetch,
                    standalone_svg,
                    static_svg,
                    use_render_cache,
)
from .texts import ChartStrings, load_chart_strings

__all__ = [
    "Chart", "Column", "ChartStrings", "Boundaries", "load_chart_strings", "load_boundaries",
    "find_boundary_file", "map_units", "short_name", "ranking_chart", "map_chart", "map_over",
    "time_series_chart", "composition_chart", "profile_chart", "profile_charts", "profile_summary",
    "heatmap_chart",
    "scatter_chart", "sensitivity_chart", "slope_chart", "chart_files", "all_chart_files",
    "on_page", "prefetch", "prefetch_bundle", "images_drawing", "chart_assets",
    "ASSETS_DIR", "vega_bundle", "static_svg", "standalone_svg", "composed_svg", "image_size",
    "use_render_cache", "format_locale", "value_text", "canonical_json", "fresh_templates",
    "TEMPLATES", "slug", "KINDS",
]

"""Charts honest about the data (issue 15): rows the audit calls not real are marked in
every chart that shows them, never ranked; ranks say what 1 means; maps say which way is
better. Read from the bundled site's chart specs and tables."""
import csv
import json

import pandas as pd
import pytest

from aimaq.charts import load_chart_strings, ranking_chart

#: Table 45's rows that repeat another unit's row (the audit: "its values are not real").
COPIES = {"borodulikha", "glubokoe", "katonkaragai", "tarbagatai", "ulan"}
#: Every chart of the bundled site that shows the integral innovation index.
INTEGRAL = ["home-map", "home-ranking", "rank-integral_innovation_index",
            "scatter-depressiveness_score-integral_innovation_index",
            "sens-integral_innovation"]


def _spec(out, lang, chart):
    return json.loads((out / "charts" / "2023" / lang / f"{chart}.json").read_text("utf-8"))


def test_the_copies_are_the_rows_that_repeat_another_in_every_input(root):
    """The charts find the copies in the data; here they are found again, independently."""
    t45 = pd.read_csv(root / "data" / "2023" / "tables" / "t45_innovation_indices.csv")
    parts = t45[t45["indicator"].str.startswith("partial_i_")]
    wide = parts.pivot(index="unit", columns="indicator", values="value").dropna()
    first = parts.groupby("unit")["line"].min()
    repeated = set()
    for _, same in wide.groupby(list(wide.columns)):
        units = sorted(same.index, key=lambda u: first[u])
        repeated |= set(units[1:])
    assert repeated == COPIES


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("chart", INTEGRAL)
def test_not_real_rows_are_marked_in_every_chart_of_the_index(bundled_site, lang, chart):
    _, out = bundled_site
    spec = _spec(out, lang, chart)
    rows = spec["datasets"]["table"]
    if chart == "home-map":
        marked = {r["unit"] for r in rows if r["status"] and not r["has"]}
        marked &= {r["unit"] for r in rows if r["value"] is not None}
    else:
        marked = {r["unit"] for r in rows if r.get("copy")}
    assert marked == COPIES


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_copies_get_no_rank_and_ranks_say_what_1_means(bundled_site, lang):
    _, out = bundled_site
    path = out / "charts" / "2023" / lang / "rank-integral_innovation_index.csv"
    with path.open(encoding="utf-8-sig") as f:
        table = list(csv.reader(f))
    header, rows = table[0], table[1:]
    rank = header.index(next(h for h in header if "(1" in h))     # "Орны (1 — ең жоғары мән)"
    ranked = {r[0]: r[rank] for r in rows}
    assert all(ranked[u] == "" for u in COPIES)
    others = sorted(int(v) for u, v in ranked.items() if v and u not in COPIES)
    assert others[0] == 1 and others[-1] <= 14                    # 19 units, 5 copies


def test_a_unit_alone_gets_no_rank(root):
    strings = load_chart_strings(root / "templates", ["kk", "ru", "en"])
    chart = ranking_chart(pd.DataFrame({"unit": ["a"], "name": ["A"], "value": [3.0]}),
                          id="r", lang="kk", strings=strings, title="T")
    assert chart.data["rank"].isna().all()
    assert chart.spec["datasets"]["table"][0]["rank_text"] == ""


def test_maps_say_which_way_is_better_and_draw_worse_dark(bundled_site):
    _, out = bundled_site
    for lang, words in (("kk", "жоғары мән — жақсы"), ("ru", "выше — лучше"),
                        ("en", "higher is better")):
        spec = _spec(out, lang, "home-map")
        scales = [lay["encoding"]["color"] for lay in spec["layer"]
                  if "color" in lay.get("encoding", {})]
        assert scales and all(c["scale"].get("reverse") is True for c in scales)
        assert all(c["scale"]["scheme"]["name"] == "oranges" for c in scales)
        titles = [c["legend"]["title"] for c in scales]
        assert all(words in t[-1] for t in titles), titles
        assert all("Мәні" not in t and t[0] != "Value" for t in titles)

import pytest

from aimaq.data.checks import run_checks, unexpected
from aimaq.data.load import load_dataset
from aimaq.errors import DataError


def load(site):
    return load_dataset(site / "data", "2023", base=site)


def test_fixture_checks_pass(mini):
    results = run_checks(load(mini))
    assert [r.id for r in results] == ["firms-sum", "level"]
    assert all(r.passed for r in results)
    # gamma's innovating firms are printed "-": the ratio is reported, not failed.
    level = results[1]
    assert any(c.missing_parts for c in level.comparisons)


def test_changed_total_fails_with_numbers(mini):
    p = mini / "data/2023/tables/t1_firms.csv"
    p.write_text(p.read_text().replace("Mini region,firms,2020,60", "Mini region,firms,2020,61"))
    ds = load(mini)
    results = run_checks(ds)
    assert not results[0].passed
    err = unexpected(results, ds.root / "checks.yaml")
    assert "firms-sum" in str(err) and "61" in str(err) and "60" in str(err)
    assert "expected: fails" in str(err)


def test_declared_failure_that_passes_is_reported(mini):
    p = mini / "data/2023/checks.yaml"
    p.write_text(p.read_text().replace("    tolerance: 0.05\n", "    tolerance: 0.05\n    expected: fails\n"))
    ds = load(mini)
    err = unexpected(run_checks(ds), ds.root / "checks.yaml")
    assert err is not None and "now passes" in str(err)


def test_bad_selector_names_line(mini):
    p = mini / "data/2023/checks.yaml"
    p.write_text(p.read_text().replace("indicator: firms", "indicator: firmz"))
    with pytest.raises(DataError) as err:
        run_checks(load(mini))
    assert "checks.yaml:2" in str(err.value) and "firmz" in str(err.value)


def test_nil_counts_as_zero_mean_and_explicit_keys(mini):
    p = mini / "data/2023/checks.yaml"
    p.write_text(p.read_text() + """  - id: innovating-sum
    kind: sum
    table: t1_firms
    year: 2020
    indicator: innovating_firms
    parts: {unit: units}
    total: {unit: mini}
  - id: mean-level
    kind: mean
    table: t1_firms
    year: 2020
    parts: {indicator: activity_level, unit: units}
    printed: {indicator: activity_level, unit: mini}
    tolerance: 5.1
  - id: share-of-region
    kind: ratio
    table: t1_firms
    year: 2020
    numerator: {indicator: firms}
    denominator: {indicator: firms, unit: mini}
    printed: {indicator: activity_level}
    scale: 100
    for_each: unit
    expected: fails
""")
    results = {r.id: r for r in run_checks(load(mini))}
    assert results["innovating-sum"].passed            # 9 + 3 + nil(0) = 12
    assert results["innovating-sum"].comparisons[0].computed == 12
    mean = results["mean-level"].comparisons[0]
    assert mean.computed == 15.0 and mean.printed == 20.0 and results["mean-level"].passed
    share = results["share-of-region"]
    # The denominator stays the region's value for every unit: alpha 30/60 = 50 %.
    alpha = [c for c in share.comparisons if "alpha" in c.label][0]
    assert alpha.computed == 50.0 and not share.passed


def test_at_most_offset_and_difference(mini):
    p = mini / "data/2023/checks.yaml"
    p.write_text(p.read_text() + """  - id: levels-at-most-25
    kind: at_most
    table: t1_firms
    year: 2020
    left: {indicator: activity_level, unit: units}
    limit: 25
    expected: fails
  - id: innovating-at-most-firms
    kind: at_most
    table: t1_firms
    year: 2020
    left: {indicator: innovating_firms, unit: units}
    right: {indicator: firms}
  - id: level-as-a-change
    kind: ratio
    table: t1_firms
    year: 2020
    unit: mini
    numerator: {indicator: innovating_firms}
    denominator: {indicator: firms}
    printed: {indicator: activity_level}
    scale: 100
    offset: -100
    expected: fails
""")
    results = {r.id: r for r in run_checks(load(mini))}
    [bad] = results["levels-at-most-25"].failures       # alpha's 30 % is above 25
    assert bad.label.startswith("alpha") and (bad.printed, bad.computed) == (30.0, 25.0)
    assert results["innovating-at-most-firms"].passed   # gamma's '-' is skipped
    assert len(results["innovating-at-most-firms"].comparisons) == 2
    [c] = results["level-as-a-change"].comparisons      # 12 / 60 × 100 − 100 = −80
    assert c.computed == -80.0 and c.cell.endswith("t1_firms.csv:4")

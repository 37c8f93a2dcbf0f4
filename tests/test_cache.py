"""Cached results are keyed by everything they depend on: the whole package's code, so no
module can change without invalidating them (a hand-picked list of sub-packages went stale
once a result came to depend on yamlio, config and content)."""
import shutil

import pytest

from aimaq import cache


@pytest.fixture
def package_copy(tmp_path, monkeypatch):
    copy = tmp_path / "generator"
    shutil.copytree(cache.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGE", copy)
    cache.code_digest.cache_clear()
    yield copy
    cache.code_digest.cache_clear()


@pytest.mark.parametrize("module", sorted(
    p.relative_to(cache.PACKAGE).as_posix() for p in cache.PACKAGE.rglob("*.py")
    if "__pycache__" not in p.parts))
def test_changing_any_module_changes_the_cache_key(package_copy, module):
    before = cache.code_digest()
    path = package_copy / module
    path.write_text(path.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    cache.code_digest.cache_clear()
    assert cache.code_digest() != before


def test_a_library_version_is_part_of_the_key(package_copy, monkeypatch):
    before = cache.code_digest()
    monkeypatch.setattr(cache, "LIBRARIES", cache.LIBRARIES + ("no-such-library",))
    cache.code_digest.cache_clear()
    assert cache.code_digest() != before


def test_the_chart_library_bundle_is_cached_by_version(tmp_path, monkeypatch):
    """The Vega bundle (seconds to make) is made once for a project and read from
    .cache/vega/ afterwards; another library version makes it again."""
    import vl_convert as vlc

    from aimaq.charts import assets

    made = []

    def bundle(**kw):
        made.append(kw)
        return f"var made = {len(made)};"

    monkeypatch.setattr(vlc, "javascript_bundle", bundle)
    monkeypatch.setenv("AIMAQ_LIBRARY_CACHE", "")        # the project's cache alone
    assets._library_code.cache_clear()
    first = assets.vega_bundle(tmp_path)
    assert len(made) == 1 and len(list((tmp_path / "vega").glob("*.js"))) == 1
    assets._library_code.cache_clear()               # a new process: only the disk is left
    assert assets.vega_bundle(tmp_path) == first and len(made) == 1
    monkeypatch.setattr(vlc, "get_vega_version", lambda: "99.0.0")
    assert b"var made = 2;" in assets.vega_bundle(tmp_path) and len(made) == 2
    assert len(list((tmp_path / "vega").glob("*.js"))) == 2
    assets._library_code.cache_clear()


def test_a_new_project_takes_the_bundle_from_the_machines_library_cache(tmp_path, monkeypatch):
    """The bundle depends only on the libraries: a second project (an empty .cache, a cold
    build) reads it from the machine's library cache instead of making it again."""
    import vl_convert as vlc

    from aimaq.charts import assets

    made = []
    monkeypatch.setattr(vlc, "javascript_bundle",
                        lambda **kw: made.append(kw) or f"var made = {len(made)};")
    monkeypatch.setenv("AIMAQ_LIBRARY_CACHE", str(tmp_path / "library"))
    assets._library_code.cache_clear()
    first = assets.vega_bundle(tmp_path / "one" / ".cache")
    assets._library_code.cache_clear()
    assert assets.vega_bundle(tmp_path / "two" / ".cache") == first and len(made) == 1
    assert len(list((tmp_path / "two" / ".cache" / "vega").glob("*.js"))) == 1
    monkeypatch.setenv("AIMAQ_LIBRARY_CACHE", "")        # switched off: made again
    assets._library_code.cache_clear()
    assets.vega_bundle(tmp_path / "three" / ".cache")
    assert len(made) == 2
    assets._library_code.cache_clear()

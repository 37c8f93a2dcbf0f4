"""`aimaq --version` prints the installed package's version (pyproject.toml's)."""
from importlib.metadata import version

import pytest

from aimaq.cli import main


def test_version_flag_prints_the_package_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"aimaq {version('aimaq')}"

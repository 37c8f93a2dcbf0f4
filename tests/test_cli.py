"""The command line: progress and a closing summary for builds (plain lines in CI), the
pipeline itself never prints, and serve fails cleanly on a port in use."""
import io
import socket

from aimaq.build import Progress, build
from aimaq.cli import BuildDisplay, main


def test_build_in_ci_prints_plain_stage_lines_and_a_summary(mini, capsys, monkeypatch):
    monkeypatch.setenv("CI", "true")
    code = main(["build", "--config", str(mini / "site.yaml")])
    out, err = capsys.readouterr()
    assert code == 0
    assert err == ""                                        # stderr is for errors only
    progress = [line for line in out.splitlines() if line.startswith("aimaq: ")]
    assert progress[0] == "aimaq: reading data"
    assert any(line.startswith("aimaq: rendering pages (") for line in progress)
    assert progress[-1] == "aimaq: writing files"
    assert "\r" not in out and "\x1b" not in out            # no bar, no colour codes
    summary = [line for line in out.splitlines() if line.startswith("Built ")]
    assert len(summary) == 1
    assert " pages and 0 charts (" in summary[0] and " s, " in summary[0]
    assert summary[0].endswith(" warnings; 1 edition: 2023.")
    # The mini site has pages in one language only: each is a warning, printed above.
    assert out.count("warning: content/2023/") == 2


def test_pipeline_reports_progress_through_the_callback_only(mini, capsys):
    seen: list[Progress] = []
    report = build(mini / "site.yaml", progress=seen.append)
    out, err = capsys.readouterr()
    assert out == "" and err == ""                          # only the CLI prints
    render = [p for p in seen if p.stage == "render"]
    pages = report.pages                                    # redirects are not rendered
    assert render[0] == Progress("render", 0, pages)
    assert render[-1] == Progress("render", pages, pages)
    assert [p.done for p in render] == list(range(pages + 1))
    stages = list(dict.fromkeys(p.stage for p in seen))
    assert stages[:3] == ["data", "checks", "content"] and stages[-1] == "write"
    assert set(report.stages) == set(stages)


def test_terminal_display_draws_a_bar():
    stream = io.StringIO()
    with BuildDisplay(stream, fancy=True) as display:
        for i in range(4):
            display(Progress("render", i, 3))
    assert "rendering pages" in stream.getvalue() and "3/3" in stream.getvalue()


def test_plain_display_prints_one_line_per_stage():
    stream = io.StringIO()
    with BuildDisplay(stream, fancy=False) as display:
        for stage, total in (("data", 1), ("render", 5)):
            for i in range(total + 1):
                display(Progress(stage, i, total))
    assert stream.getvalue() == "aimaq: reading data\naimaq: rendering pages (5)\n"


def test_serve_on_a_port_in_use_is_a_clear_error(mini, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(["serve", "--config", str(mini / "site.yaml"), "--port", str(port),
                     "--out", str(mini / "served")])
    err = capsys.readouterr().err
    assert code == 1 and f"cannot listen on 127.0.0.1:{port}" in err and "--port" in err

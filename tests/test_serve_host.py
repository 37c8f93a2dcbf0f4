"""aimaq serve answers only requests addressed to its own address: a DNS-rebinding page
(a foreign name pointed at 127.0.0.1) gets 421 and never the preview."""
import http.client

import pytest

from aimaq.serve import Preview


@pytest.fixture
def preview(mini, tmp_path):
    p = Preview(mini / "site.yaml", port=0, output=tmp_path / "out")
    p.start()
    yield p
    p.close()


def request(preview, host: str | None, path: str = "/en/index.html") -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", preview.server.server_address[1],
                                      timeout=10)
    conn.putrequest("GET", path, skip_host=True)
    if host is not None:
        conn.putheader("Host", host)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def test_own_addresses_are_served(preview):
    port = preview.server.server_address[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}",
                 f"[::1]:{port}"):
        status, body = request(preview, host)
        assert status == 200 and b"<html" in body, host


@pytest.mark.parametrize("host", ["evil.example:{port}", "evil.example", "127.0.0.1",
                                  "127.0.0.1:1", "localhost.evil.example:{port}", ""])
def test_other_hosts_are_refused(preview, host):
    port = preview.server.server_address[1]
    status, body = request(preview, host.format(port=port))
    assert status in (400, 421) and b"<html" not in body
    status, body = request(preview, host.format(port=port), "/__aimaq/status")
    assert status in (400, 421) and b"version" not in body


def test_a_request_without_host_is_refused(preview):
    status, _ = request(preview, None)
    assert status == 400

"""The preview server (catalog/output/serve.py) against hostile requests: it serves regular files under
the output only, answers only its own Host, never prints a traceback, and HEAD matches GET."""
from __future__ import annotations

import http.client
import socket
import struct

import pytest
from base import Preview, build_site, fleet, serving


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve")
    build_site(root / "out", root / "cache", records=fleet(3))
    return root / "out"


def previewing(folder):
    """The --serve --watch preview server of folder, in this process; yield its root URL."""
    return serving(folder, watch=True)


def ask(url: str, path: str, *, method: str = "GET", host: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request to the server at url (Host: as a browser sends it, unless given); status, headers, body."""
    address = url.split("/")[2]
    connection = http.client.HTTPConnection(address, timeout=30)
    try:
        connection.putrequest(method, path, skip_host=True)
        connection.putheader("Host", host if host is not None else address)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_a_symlink_out_of_the_output_is_not_followed(site, tmp_path):
    secret = tmp_path / "elsewhere"
    secret.mkdir()
    (secret / "passwd").write_text("root:x:0:0\n")
    (site / "etclink").symlink_to(secret, target_is_directory=True)
    (site / "passwd.txt").symlink_to(secret / "passwd")
    try:
        with serving(site) as url:
            for path in ("/etclink/passwd", "/passwd.txt", "/etclink/", "/../elsewhere/passwd"):
                status, _, body = ask(url, path)
                assert status == 404 and b"root:x" not in body, path
            assert ask(url, "/index.html")[0] == 200
    finally:
        (site / "etclink").unlink()
        (site / "passwd.txt").unlink()


@pytest.mark.parametrize("serve", [serving, previewing])
def test_only_the_servers_own_host_is_answered(site, serve):
    with serve(site) as url:
        port = url.split(":")[2].rstrip("/")
        for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
            assert ask(url, "/index.html", host=host)[0] == 200, host
        for host in ("attacker.example", f"attacker.example:{port}", "127.0.0.1:1", "", f"localhost:{port}.evil"):
            status, _, body = ask(url, "/index.html", host=host)
            assert status == 421 and b"Spacecraft" not in body, host  # a DNS-rebinding page reads nothing
        assert ask(url, "/__reload", host=f"attacker.example:{port}")[0] == 421


def test_head_announces_the_length_get_sends(site):
    with previewing(site) as url:
        for path in ("/index.html", "/static/css/site.css", "/spacecraft/"):
            got_status, got, body = ask(url, path)
            head_status, head, _ = ask(url, path, method="HEAD")
            assert (got_status, head_status) == (200, 200), path
            assert int(head["content-length"]) == int(got["content-length"]) == len(body), path
            assert head["content-type"] == got["content-type"], path


def hang_up_mid_reply(url: str, path: str) -> None:
    """Ask for path, read the first bytes of the reply, then reset the connection (RST, not FIN)."""
    host, port = url.split("/")[2].split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        assert sock.recv(64).startswith(b"HTTP/1.0 200")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def test_hostile_requests_get_an_answer_and_no_traceback(tmp_path):
    with Preview(tmp_path) as preview:
        url = preview.url()
        (tmp_path / "O" / "big.bin").write_bytes(b"\0" * (32 << 20))  # more than the sockets' buffers hold
        assert ask(url, "/%00")[0] == 404
        assert ask(url, "/index.html%00.txt")[0] == 404
        hang_up_mid_reply(url, "/big.bin")
        preview.wait_for(r"127\.0\.0\.1 hung up before the reply to GET /big\.bin was sent")
        assert ask(url, "/index.html")[0] == 200  # and it goes on serving
        lines = preview.stop()
    assert not [line for line in lines if "Traceback" in line or line.startswith("  File ")], lines

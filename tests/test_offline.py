"""The offline guard (tools/offline.py) refuses non-loopback network access before anything is
sent, in-process and inside a notebook kernel started the way nbval starts it (COURSE_OFFLINE=1 +
tools/offline_boot on PYTHONPATH), and leaves loopback and the kernel's own sockets working."""

import os
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import nbformat
import pytest

from tools import bench, offline, testenv
from tools.paths import OFFLINE_BOOT, REPO

TEST_NET = "203.0.113.1"  # TEST-NET-3 (RFC 5737): documentation only, never routed


@pytest.fixture
def guard(monkeypatch):
    """Install the guard with the real socket functions replaced by spies that record calls."""
    calls = []

    def spy(name):
        def record(*args, **kwargs):
            calls.append(name)
            raise AssertionError(f"the real socket function {name} was called")
        return record

    was_installed = offline.is_installed()
    offline.uninstall()
    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, spy(name))
    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex"):
        monkeypatch.setattr(socket, name, spy(name))
    offline.install()
    yield calls
    offline.uninstall()
    monkeypatch.undo()
    if was_installed:
        offline.install()


@pytest.mark.parametrize("host", ["127.0.0.1", "127.3.2.1", "::1", "localhost", "LOCALHOST.",
                                  b"127.0.0.1", None, ""])
def test_loopback_hosts(host):
    assert offline.is_loopback(host)


@pytest.mark.parametrize("host", [TEST_NET, "8.8.8.8", "example.com", "::ffff:203.0.113.1",
                                  "10.0.0.1", "pypi.org"])
def test_other_hosts_are_not_loopback(host):
    assert not offline.is_loopback(host)


def test_is_loopback_rejects_a_non_string_host():
    with pytest.raises(TypeError, match="host"):
        offline.is_loopback(2130706433)


def test_guard_refuses_before_calling_the_real_socket(guard):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(offline.OfflineError, match=f"must run offline.*{TEST_NET}:80"):
            sock.connect((TEST_NET, 80))
        with pytest.raises(offline.OfflineError, match="offline"):
            sock.connect_ex((TEST_NET, 443))
    finally:
        sock.close()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        with pytest.raises(offline.OfflineError, match=f"sending data to {TEST_NET}:53"):
            udp.sendto(b"x", (TEST_NET, 53))
    finally:
        udp.close()
    with pytest.raises(offline.OfflineError, match="looking up 'example.com'"):
        socket.getaddrinfo("example.com", 443)
    with pytest.raises(offline.OfflineError, match="example.com"):
        socket.gethostbyname("example.com")
    with pytest.raises(urllib.error.URLError, match="must run offline"):
        urllib.request.urlopen(f"http://{TEST_NET}/", timeout=1)
    assert guard == [], "a real socket function ran: a packet could have left the machine"


def test_guard_passes_loopback_through(guard):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(AssertionError, match="real socket function connect"):
            sock.connect(("127.0.0.1", 9))
    finally:
        sock.close()
    assert guard == ["connect"]


def test_install_and_uninstall_restore_socket():
    was = offline.is_installed()
    offline.uninstall()
    original = socket.socket.connect, socket.getaddrinfo
    offline.install()
    offline.install()  # idempotent
    assert offline.is_installed() and socket.socket.connect is not original[0]
    offline.uninstall()
    assert (socket.socket.connect, socket.getaddrinfo) == original
    assert not offline.is_installed()
    if was:
        offline.install()


def _kernel_run(*sources, offline_guard=True, cwd=None):
    return bench.run_notebook(bench.code_notebook(*sources), timeout=120, offline=offline_guard,
                              cwd=cwd, allow_errors=True)["notebook"]


# the start-up file loads the guard from its file as the module tools.offline
GUARD_STATE = "import sys\nprint(sys.modules['tools.offline'].is_installed())"


def _outputs(cell):
    return "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
                   for o in cell.outputs)


def test_kernel_refuses_a_download_and_names_the_cell_but_loopback_works():
    """One kernel, started as nbval starts it: a download fails naming the cell, a library that
    swallows the error still gets the cell reported on stderr, loopback works."""
    nb = _kernel_run(
        GUARD_STATE,
        # the error propagates: the cell fails with the guard's message
        f"import socket\nsocket.create_connection(({TEST_NET!r}, 80), timeout=2)",
        # a library catches the error and carries on: stderr still names the problem
        "import urllib.request\ntry:\n    urllib.request.urlopen('http://example.com/w.pth')\n"
        "except OSError:\n    print('fell back')",
        # loopback TCP through a real server socket
        "server = socket.create_server(('127.0.0.1', 0))\n"
        "client = socket.create_connection(server.getsockname(), timeout=5)\n"
        "conn, _ = server.accept(); client.sendall(b'ping'); print(conn.recv(4).decode())",
    )
    assert _outputs(nb.cells[0]).strip() == "True"
    error = next(o for o in nb.cells[1].outputs if o.output_type == "error")
    assert error.ename == "OfflineError"
    assert "must run offline" in error.evalue and TEST_NET in error.evalue
    assert "cell [2] starting `import socket`, at its line 2: `socket.create_connection(" \
        in error.evalue
    third = nb.cells[2].outputs
    assert "fell back" in _outputs(nb.cells[2])
    stderr = "".join(o.text for o in third if o.output_type == "stream" and o.name == "stderr")
    assert "this cell tried to reach the network" in stderr and "example.com" in stderr
    assert _outputs(nb.cells[3]).strip() == "ping"


def test_the_guard_starts_in_a_kernel_outside_the_repository(tmp_path):
    nb = _kernel_run(GUARD_STATE, "import socket\nsocket.getaddrinfo('example.com', 443)",
                     cwd=tmp_path)
    assert _outputs(nb.cells[0]).strip() == "True"
    assert any(o.output_type == "error" and o.ename == "OfflineError" for o in nb.cells[1].outputs)


def test_without_the_guard_the_kernel_is_unrestricted():
    nb = _kernel_run("import sys\nprint('tools.offline' in sys.modules)", offline_guard=False)
    assert _outputs(nb.cells[0]).strip() == "False"


def test_the_makefile_runs_nbval_and_test_repeat_offline():
    makefile = (REPO / "Makefile").read_text()
    offline_def = re.search(r"^OFFLINE :?= (.*)$", makefile, re.MULTILINE)
    assert offline_def and "COURSE_OFFLINE=1" in offline_def.group(1)
    assert f"$(CURDIR)/{OFFLINE_BOOT.relative_to(REPO).as_posix()}" in offline_def.group(1)
    for target in ("nbval", "test-repeat"):
        recipe = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
        # nbval goes through tools.run_tests, whose nbval step always runs with the guard on
        guarded = "$(OFFLINE)" in recipe.group(1) or "tools.run_tests nbval" in recipe.group(1)
        assert recipe and guarded, f"make {target} runs without the guard"
    assert testenv.config_env(testenv.TEST_CONFIG)["COURSE_OFFLINE"] == "1"


def test_nbval_with_the_guard_fails_a_downloading_cell_and_names_it(tmp_path):
    nb = bench.code_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("print(1)", execution_count=1, outputs=[
            nbformat.v4.new_output("stream", name="stdout", text="1\n")]),
        nbformat.v4.new_code_cell("import urllib.request\n"
                                  f"urllib.request.urlopen('http://{TEST_NET}/w.pth', timeout=2)",
                                  execution_count=2),
    ]
    path = tmp_path / "downloads.ipynb"
    nbformat.write(nb, path)
    env = dict(os.environ, COURSE_OFFLINE="1",
               PYTHONPATH=os.pathsep.join([str(OFFLINE_BOOT),
                                           os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env",
                           "-p", "no:cacheprovider", "-q", str(path)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out[-2000:]
    assert "1 failed, 1 passed" in out and "downloads.ipynb::Cell 1" in out
    assert "must run offline" in out and "starting `import urllib.request`" in out

"""The offline guard: refuse every network connection that leaves the machine.

The course must run without a network, so the notebook tests run with this guard installed in
the kernel: with ``COURSE_OFFLINE=1`` and ``tools/offline_boot`` on ``PYTHONPATH`` (the Makefile's
``OFFLINE`` variable), the start-up file ``tools/offline_boot/sitecustomize.py`` loads this file
and installs it in every Python process, whatever its working folder. The module uses only the
standard library, so it loads before anything else is importable. Once
installed, resolving a host name or connecting/sending to an address that is not loopback
(``127.0.0.0/8``, ``::1``, ``localhost``) raises :class:`OfflineError` *before* anything is sent.
Loopback and Unix sockets keep working, and so do the kernel's own ZeroMQ sockets (libzmq does
not go through Python's :mod:`socket` module).

In IPython the error names the cell (its first line and the offending line, and its execution
count where IPython stores one); if a library catches the error and carries on, the cell still
prints a note to stderr, so nbval reports that cell as failed too.
"""

from __future__ import annotations

import ipaddress
import linecache
import socket
import sys

__all__ = ["OfflineError", "install", "uninstall", "is_installed", "is_loopback"]

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
_ORIGINAL: dict = {}
_blocked_in_cell: list[str] = []


class OfflineError(ConnectionRefusedError):
    """A network access the offline guard refused (an ``OSError``, like a refused connection)."""


def is_loopback(host) -> bool:
    """True if ``host`` (an IP address or host name, str or bytes) never leaves this machine.

    ``None`` and ``""`` count as loopback: ``getaddrinfo(None, port)`` means the local host.
    """
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        raise TypeError(f"host must be a str, bytes or None, got {type(host).__name__} {host!r}")
    name = host.strip().rstrip(".").lower()
    if name in ("", *_LOCAL_NAMES) or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name.split("%", 1)[0]).is_loopback
    except ValueError:  # a host name other than localhost: resolving it would query DNS
        return False


def _cell_description() -> str:
    """' in cell [7] starting `...`, at its line 2: `...`' when running in IPython, else ''.

    The running cell is found on the call stack: IPython compiles each cell under a file name
    of its own and keeps the source in ``linecache`` (this works when nbval runs cells without
    storing them in the history, too).
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return ""
    shell = get_ipython()
    if shell is None:
        return ""
    _register_cell_note(shell)
    names = getattr(getattr(shell, "compile", None), "_filename_map", {})
    cell = None
    frame = sys._getframe(1)
    while frame is not None:  # the outermost cell frame is the running cell
        filename = frame.f_code.co_filename
        if filename in names or filename.startswith("<ipython-input-"):
            cell = (filename, frame.f_lineno)
        frame = frame.f_back
    if cell is None:
        return " in a notebook cell"
    filename, lineno = cell
    lines = [line.rstrip() for line in linecache.getlines(filename)]
    first = next((line.strip() for line in lines if line.strip()), "")
    here = lines[lineno - 1].strip() if 0 < lineno <= len(lines) else ""
    # the execution count names the cell only where it is stored in the history (not in nbval)
    count = names.get(filename)
    history = getattr(getattr(shell, "history_manager", None), "input_hist_raw", [])
    source = "\n".join(lines).strip()
    stored = isinstance(count, int) and 0 < count < len(history) \
        and history[count].strip() == source
    where = f" in cell [{count}]" if stored else " in the cell"
    return (f"{where} starting `{_short(first)}`"
            + (f", at its line {lineno}: `{_short(here)}`" if here and lineno > 1 else ""))


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _register_cell_note(shell) -> None:
    """After the cell, print a note to stderr even if a library swallowed the OfflineError."""
    if _after_cell in shell.events.callbacks["post_run_cell"]:
        return
    shell.events.register("post_run_cell", _after_cell)


def _after_cell(result=None) -> None:
    if _blocked_in_cell:
        print(f"offline guard: this cell tried to reach the network "
              f"({'; '.join(dict.fromkeys(_blocked_in_cell))}); the course must run offline.",
              file=sys.stderr)
        _blocked_in_cell.clear()


def _refuse(what: str) -> OfflineError:
    where = _cell_description()
    if where:  # in IPython: the note after the cell lists it
        _blocked_in_cell.append(what)
    return OfflineError(f"The course must run offline: refused {what}{where}. Ship what you "
                        "need with the course (data/ or a pinned package) instead of downloading.")


def _host_of(address):
    if isinstance(address, tuple) and address:
        return address[0]
    return None  # AF_UNIX path or another local family


def _check_address(sock, address, verb: str) -> None:
    if getattr(sock, "family", None) not in (socket.AF_INET, socket.AF_INET6):
        return
    host = _host_of(address)
    if not is_loopback(host):
        port = address[1] if isinstance(address, tuple) and len(address) > 1 else "?"
        raise _refuse(f"{verb} {host}:{port}")


def _guarded_connect(self, address):
    _check_address(self, address, "a connection to")
    return _ORIGINAL["connect"](self, address)


def _guarded_connect_ex(self, address):
    _check_address(self, address, "a connection to")
    return _ORIGINAL["connect_ex"](self, address)


def _guarded_sendto(self, data, *args):
    _check_address(self, args[-1] if args else None, "sending data to")
    return _ORIGINAL["sendto"](self, data, *args)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if not is_loopback(host):
        port = args[0] if args else kwargs.get("port", "?")
        raise _refuse(f"looking up {host!r} (port {port})")
    return _ORIGINAL["getaddrinfo"](host, *args, **kwargs)


def _guarded_by_name(name: str):
    def guarded(host, *args, **kwargs):
        if not is_loopback(host):
            raise _refuse(f"looking up {host!r}")
        return _ORIGINAL[name](host, *args, **kwargs)

    guarded.__name__ = name
    return guarded


def is_installed() -> bool:
    """Whether the guard is active in this process."""
    return bool(_ORIGINAL)


def install() -> None:
    """Install the guard in this process (idempotent). Undo it with :func:`uninstall`."""
    if _ORIGINAL:
        return
    _ORIGINAL.update(connect=socket.socket.connect, connect_ex=socket.socket.connect_ex,
                     sendto=socket.socket.sendto, getaddrinfo=socket.getaddrinfo,
                     gethostbyname=socket.gethostbyname,
                     gethostbyname_ex=socket.gethostbyname_ex)
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
    socket.socket.sendto = _guarded_sendto
    socket.getaddrinfo = _guarded_getaddrinfo
    socket.gethostbyname = _guarded_by_name("gethostbyname")
    socket.gethostbyname_ex = _guarded_by_name("gethostbyname_ex")


def uninstall() -> None:
    """Remove the guard and restore the original socket functions."""
    if not _ORIGINAL:
        return
    for name in ("connect", "connect_ex", "sendto"):
        setattr(socket.socket, name, _ORIGINAL[name])
    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex"):
        setattr(socket, name, _ORIGINAL[name])
    _ORIGINAL.clear()
    _blocked_in_cell.clear()

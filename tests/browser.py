"""Headless Chromium for the tests, driven over the DevTools protocol on a pipe (no driver, no websocket library).

    browser = DevTools(chromium_binary(), tmp_path / "profile", tmp_path / "chromium.log")
    session = browser.open_tab(width=360, height=780)
    browser.navigate(session, url)
    value = browser.evaluate(session, "document.title")
    browser.close()

Used by tests/test_release.py (the page plays its video) and tests/test_page_accessibility.py (axe-core).
"""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import json
import os
import queue
import shutil
import signal
import threading
import time
from pathlib import Path


def chromium_binary() -> str | None:
    """CHROMIUM_BINARY, else `chromium` on PATH; None when there is none."""
    return os.environ.get("CHROMIUM_BINARY") or shutil.which("chromium")


class DevTools:
    """Headless Chromium driven over the DevTools protocol on a pipe: JSON messages ending in NUL, on fds 3 and 4."""

    def __init__(self, binary: str, profile: Path, log: Path):
        commands_read, self._commands = os.pipe()
        self._replies, replies_write = os.pipe()
        argv = [
            binary, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", f"--user-data-dir={profile}",
            "--no-first-run", "--no-default-browser-check", "--mute-audio", "--autoplay-policy=no-user-gesture-required",
            "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
            "about:blank",
        ]
        log_fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        try:
            # posix_spawn, not Popen: the pipe ends must land on fds 3 and 4 exactly.
            self.pid = os.posix_spawn(
                binary, argv, dict(os.environ),
                file_actions=[
                    (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                    (os.POSIX_SPAWN_DUP2, log_fd, 1), (os.POSIX_SPAWN_DUP2, log_fd, 2),
                    (os.POSIX_SPAWN_DUP2, commands_read, 3), (os.POSIX_SPAWN_DUP2, replies_write, 4),
                ],
                setsid=True,  # its own process group, so every helper process it starts can be stopped together
            )
        finally:
            for fd in (commands_read, replies_write, log_fd):
                os.close(fd)
        self.log = log
        self._inbox: queue.Queue[dict | None] = queue.Queue()
        self.events: list[dict] = []
        self._next_id = 0
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        pending = b""
        while chunk := os.read(self._replies, 1 << 16):
            pending += chunk
            *messages, pending = pending.split(b"\0")
            for message in messages:
                self._inbox.put(json.loads(message))
        self._inbox.put(None)  # the browser closed the pipe

    def _receive(self, deadline: float) -> dict:
        try:
            message = self._inbox.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise TimeoutError("Chromium did not answer in time") from None
        if message is None:
            raise RuntimeError(f"Chromium exited; its log ends: {self.log.read_text(errors='replace')[-2000:]}")
        return message

    def send(self, method: str, params: dict | None = None, *, session: str | None = None, timeout: float = 30) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def wait_for(self, method: str, *, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        seen = next((event for event in self.events if event.get("method") == method), None)
        while seen is None:
            event = self._receive(deadline)
            self.events.append(event)
            seen = event if event.get("method") == method else None
        return seen

    def console_errors(self) -> list[str]:
        errors = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                errors.append(params["exceptionDetails"].get("text", "exception"))
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                errors.append(" ".join(str(arg.get("value", arg.get("description"))) for arg in params.get("args", [])))
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                errors.append(f"{params['entry']['text']} ({params['entry'].get('url', '')})")
        return errors

    # --- conveniences over the protocol ---

    def open_tab(self, *, width: int, height: int, scale: float = 1, mobile: bool = False) -> str:
        """Attach to the browser's page at this viewport size (CSS pixels); returns the session id."""
        target = next(t for t in self.send("Target.getTargets")["targetInfos"] if t["type"] == "page")
        session = self.send("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable", session=session)
        self.resize(session, width=width, height=height, scale=scale, mobile=mobile)
        return session

    def resize(self, session: str, *, width: int, height: int, scale: float = 1, mobile: bool = False) -> None:
        self.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile}, session=session)

    def navigate(self, session: str, url: str, *, timeout: float = 30) -> None:
        """Load `url` and wait for its load event."""
        self.events = [event for event in self.events if event.get("method") != "Page.loadEventFired"]
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_for("Page.loadEventFired", timeout=timeout)

    def evaluate(self, session: str, expression: str, *, timeout: float = 60):
        """The value of a JavaScript expression (awaited if a promise); raises with the page's exception."""
        result = self.send("Runtime.evaluate", {"expression": expression, "awaitPromise": True, "returnByValue": True}, session=session, timeout=timeout)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise RuntimeError(f"the page raised: {details.get('exception', {}).get('description') or details.get('text')}")
        return result["result"].get("value")

    def press_tab(self, session: str, *, shift: bool = False) -> None:
        """One press of Tab (Shift+Tab), as a keyboard user moves focus."""
        modifiers = 8 if shift else 0
        for kind in ("rawKeyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", {"type": kind, "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9, "modifiers": modifiers}, session=session)

    def screenshot(self, session: str, path: Path, *, full_page: bool = True) -> Path:
        shot = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": full_page}, session=session)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.send("Browser.close", timeout=5)
        for _ in range(50):
            if os.waitpid(self.pid, os.WNOHANG) != (0, 0):
                break
            time.sleep(0.1)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        self._reader.join(timeout=5)  # it sees the pipe close when the browser is gone
        os.close(self._commands)
        os.close(self._replies)


@contextlib.contextmanager
def serve(folder: Path):
    """A static web host for the release on loopback, on a free port."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()

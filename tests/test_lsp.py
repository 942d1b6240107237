"""govrules lsp: an editor's session over stdio — diagnostics, hover, definition, completion."""

from __future__ import annotations

import json
import queue
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

pytest.importorskip("pygls", reason="the lsp extra is not installed")

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 30.0


class Client:
    """A minimal LSP client: Content-Length framed JSON-RPC over the server's stdio."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "govrules", "lsp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.inbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self.next_id = 0
        assert self.proc.stdout is not None
        self.reader = threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True)
        self.reader.start()

    def _read(self, stream: IO[bytes]) -> None:
        while True:
            headers: dict[str, str] = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                key, _, value = line.decode("ascii").partition(":")
                headers[key.strip().lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            self.inbox.put(json.loads(body))

    def send(self, method: str, params: Any, *, request: bool = False) -> int | None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
        ident = None
        if request:
            self.next_id += 1
            ident = message["id"] = self.next_id
        data = json.dumps(message).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        self.proc.stdin.flush()
        return ident

    def wait(self, match: Any) -> dict[str, Any]:
        """Return the first message ``match`` accepts, within the timeout."""
        while True:
            try:
                message = self.inbox.get(timeout=TIMEOUT)
            except queue.Empty:
                raise AssertionError("the language server did not answer in time") from None
            if match(message):
                return message

    def request(self, method: str, params: Any) -> Any:
        ident = self.send(method, params, request=True)
        reply = self.wait(lambda m: m.get("id") == ident and "method" not in m)
        assert "error" not in reply, reply
        return reply["result"]

    def diagnostics(self, uri: str) -> list[dict[str, Any]]:
        note = self.wait(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
            )
        )
        return list(note["params"]["diagnostics"])

    def close(self) -> int:
        """Shut the server down as an editor does; return its exit code."""
        try:
            self.request("shutdown", None)
            self.send("exit", None)
            return self.proc.wait(timeout=TIMEOUT)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=TIMEOUT)
            self.reader.join(timeout=TIMEOUT)
            for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                if stream is not None:
                    stream.close()


def _start(folder: Path) -> Client:
    client = Client()
    result = client.request(
        "initialize", {"processId": None, "rootUri": folder.as_uri(), "capabilities": {}}
    )
    assert result["serverInfo"]["name"] == "govrules"
    client.send("initialized", {})
    return client


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a policy folder holding a copy of Luju's rule set and text."""
    path = tmp_path_factory.mktemp("town")
    (path / "texts").mkdir()
    shutil.copy(ROOT / "policies" / "luju.rules", path / "luju.rules")
    shutil.copy(ROOT / "policies" / "texts" / "luju.txt", path / "texts" / "luju.txt")
    return path


@pytest.fixture(scope="module")
def session(folder: Path) -> Iterator[tuple[Client, str, list[str]]]:
    """Return a running server with luju.rules open, its uri and its lines."""
    client = _start(folder)
    path = folder / "luju.rules"
    text = path.read_text(encoding="utf-8")
    uri = path.as_uri()
    client.send(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "govrules", "version": 1, "text": text}},
    )
    client.diagnostics(uri)
    yield client, uri, text.split("\n")
    client.close()


def _find(lines: list[str], needle: str) -> tuple[int, int]:
    for i, line in enumerate(lines):
        if needle in line:
            return i, line.index(needle)
    raise AssertionError(needle)


def test_a_session_starts_and_ends_cleanly(folder: Path) -> None:
    """initialize, initialized, shutdown and exit: the server process ends with code 0."""
    client = _start(folder)
    assert client.close() == 0


def test_diagnostics_arrive_on_open_and_change_with_ranges(folder: Path) -> None:
    """On open, change and save the server publishes check's diagnostics with their ranges."""
    client = _start(folder)
    try:
        uri = (folder / "luju.rules").as_uri()
        text = (folder / "luju.rules").read_text(encoding="utf-8")
        broken = text + '\nrule extra {\n    title "x"\n    subject acount\n}\n'
        client.send(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "govrules", "version": 1, "text": broken}},
        )
        found = client.diagnostics(uri)
        line = broken.split("\n").index("    subject acount")
        unknown = [d for d in found if d["message"].startswith("unknown subject 'acount'")]
        assert unknown == [
            {
                "range": {
                    "start": {"line": line, "character": 12},
                    "end": {"line": line, "character": 18},
                },
                "message": "unknown subject 'acount'\nhint: did you mean 'account'?",
                "severity": 1,
                "source": "govrules",
            }
        ]
        assert any(d["severity"] == 2 for d in found)  # luju's declared overlap: a warning
        client.send(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": 2},
                "contentChanges": [{"text": text}],
            },
        )
        assert [d["severity"] for d in client.diagnostics(uri)] == [2]
        client.send("textDocument/didSave", {"textDocument": {"uri": uri}})
        assert [d["severity"] for d in client.diagnostics(uri)] == [2]
    finally:
        assert client.close() == 0


def test_hover_on_an_article_shows_its_text(session: tuple[Client, str, list[str]]) -> None:
    """Hovering 第十五条 in Luju shows the article of Luju's own text."""
    client, uri, lines = session
    line = next(i for i, text in enumerate(lines) if re.fullmatch(r"\s+cites\s+第十五条", text))
    col = lines[line].index("第十五条")
    result = client.request(
        "textDocument/hover",
        {"textDocument": {"uri": uri}, "position": {"line": line, "character": col + 2}},
    )
    assert result["contents"] == {
        "kind": "markdown",
        "value": "**《路居镇政府网站和政务新媒体管理制度》第十五条**\n\n"
        "因工作原因需要变更、关停、注销的政务新媒体，须经本单位集体研究或主要领导同意，"
        "报市政府办公室备案，并向社会公告。公告时间不少于15个工作日。",
    }


def test_hover_on_a_parameter_shows_its_value_through_the_layers(
    session: tuple[Client, str, list[str]],
) -> None:
    """Hovering a parameter lists the base's value, then each layer's, with their articles."""
    client, uri, lines = session
    line, col = _find(lines, "param announcement_period")
    result = client.request(
        "textDocument/hover",
        {"textDocument": {"uri": uri}, "position": {"line": line, "character": col + 8}},
    )
    assert result["contents"]["value"] == (
        "**参数 `announcement_period`**（自上级至本级）\n\n"
        "- `yunnan`：15 workdays（15个工作日），第十八条\n"
        "- `luju`：15 workdays（15个工作日），第十五条"
    )


def test_definition_of_an_overridden_rule_is_in_the_base_file(
    session: tuple[Client, str, list[str]],
) -> None:
    """Go to definition on `override change_close_announcement` lands in yunnan.rules first."""
    client, uri, lines = session
    line, col = _find(lines, "override change_close_announcement")
    result = client.request(
        "textDocument/definition",
        {"textDocument": {"uri": uri}, "position": {"line": line, "character": col + 12}},
    )
    base = Path(__import__("govrules.policies").policies.__file__).parent / "yunnan.rules"
    base_lines = base.read_text(encoding="utf-8").split("\n")
    rule_line = base_lines.index("rule change_close_announcement {")
    assert result[0] == {
        "uri": base.resolve().as_uri(),
        "range": {
            "start": {"line": rule_line, "character": 5},
            "end": {"line": rule_line, "character": 30},
        },
    }
    assert result[1]["uri"] == uri


def test_completion_after_a_subject_offers_its_facts(
    session: tuple[Client, str, list[str]],
) -> None:
    """After `event.` the completion lists the event facts of the vocabulary, in its order."""
    client, uri, lines = session
    line, col = _find(lines, "governing event.date")
    result = client.request(
        "textDocument/completion",
        {"textDocument": {"uri": uri}, "position": {"line": line, "character": col + 16}},
    )
    assert [item["label"] for item in result["items"]] == [
        "type",
        "date",
        "filed_on",
        "announced_on",
        "approved_on",
        "collective_decision",
        "leader_approved",
        "filed_national_system",
        "filed_city_system",
        "materials",
    ]
    assert result["items"][0]["detail"] == "enum: open | change | close | cancel"


def test_completion_of_a_word_offers_names_and_keywords(
    session: tuple[Client, str, list[str]],
) -> None:
    """Typing `announ` offers the parameter, and `overr` the keyword `override`."""
    client, uri, lines = session
    line, col = _find(lines, "announcement_period")
    result = client.request(
        "textDocument/completion",
        {"textDocument": {"uri": uri}, "position": {"line": line, "character": col + 6}},
    )
    assert [(i["label"], i["kind"]) for i in result["items"]] == [("announcement_period", 21)]
    line, col = _find(lines, "override ")
    result = client.request(
        "textDocument/completion",
        {"textDocument": {"uri": uri}, "position": {"line": line, "character": col + 5}},
    )
    assert [i["label"] for i in result["items"]] == ["override"]


def test_without_pygls_the_command_says_how_to_install_it() -> None:
    """With pygls unimportable, `govrules lsp` prints one line naming the extra and exits 2."""
    code = (
        "import sys; sys.modules['pygls'] = None\n"
        "from govrules.cli import main; sys.exit(main(['lsp']))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    assert run.returncode == 2
    assert run.stderr == (
        "govrules: error: the language server needs pygls: pip install 'govrules[lsp]'\n"
    )


def test_completion_after_each_offers_the_filtered_collections_facts(
    session: tuple[Client, str, list[str]], folder: Path
) -> None:
    """In `account.posts where each.`, `each.` completes with the facts of a post."""
    client, _uri, _lines = session
    uri = (folder / "probe.rules").as_uri()
    text = 'ruleset probe { title "t" }\nrule r { let n = count(account.posts where each.'
    client.send(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "govrules", "version": 1, "text": text}},
    )
    client.diagnostics(uri)
    result = client.request(
        "textDocument/completion",
        {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 48}},
    )
    assert [item["label"] for item in result["items"]] == ["date", "original", "repost", "source"]

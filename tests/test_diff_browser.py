"""The HTML diff as a real browser lays it out: headless Chromium, skipped where it is absent.

The page itself carries no script. The test adds one to its own copy, which measures the
laid-out page and writes what it found into the DOM that ``--dump-dom`` prints.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

import govrules
from govrules.diff_formats import render_html

BROWSER = next(
    (b for b in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if b),
    None,
)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no headless Chromium on this machine")

# Measures what a reader sees: the group headings, the section titles, and for every pair of
# articles whether the two sides stand side by side (same top, left before right).
_PROBE = """
<script>
const box = (e) => e.getBoundingClientRect();
const pairs = [...document.querySelectorAll('.pair')].map((p) => {
  const [l, r] = p.querySelectorAll('.article');
  const a = box(l), b = box(r);
  return {
    left: l.querySelector('.label').innerText,
    right: r.querySelector('.label').innerText,
    sideBySide: Math.abs(a.top - b.top) < 2 && a.right <= b.left && a.width > 200,
  };
});
const probe = {
  groups: [...document.querySelectorAll('tr.group th')].map((e) => e.innerText),
  headers: [...document.querySelectorAll('table.changes thead th')].map((e) => e.innerText),
  sections: [...document.querySelectorAll('h2.section')].map((e) => e.innerText),
  pairs,
};
document.body.setAttribute('data-probe', JSON.stringify(probe));
</script>
"""


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    assert BROWSER is not None
    return subprocess.run(
        [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "HOME": os.environ.get("HOME", "/tmp")},
    )


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Write the Yunnan → Puding page to a file."""
    path = tmp_path_factory.mktemp("html") / "yunnan-puding.html"
    path.write_text(render_html(govrules.diff("yunnan", "puding")), encoding="utf-8")
    return path


def test_the_browser_shows_chinese_groups_and_articles_side_by_side(page: Path) -> None:
    """Chromium lays out the Chinese headings, groups in order, and each article pair in a row."""
    probed = page.with_name("probed.html")
    probed.write_text(
        page.read_text(encoding="utf-8").replace("</body>", _PROBE + "</body>"),
        encoding="utf-8",
    )
    result = _chromium("--window-size=1400,1000", "--dump-dom", probed.as_uri())
    found = re.search(r'data-probe="([^"]*)"', result.stdout)
    assert found is not None, result.stderr[-2000:]
    probe = json.loads(found[1].replace("&quot;", '"').replace("&amp;", "&"))
    assert probe["headers"] == ["变化", "义务", "yunnan", "puding", "不同之处"]
    assert probe["groups"] == ["删除（5）", "修改（7）", "仅条号变化（12）"]
    assert probe["sections"] == ["两份文件", "条文对照（2）", "全文对照"]
    assert probe["pairs"] == [
        {"left": "yunnan 第十二条", "right": "puding 第十条", "sideBySide": True},
        {"left": "yunnan 第三十九条", "right": "puding 第三十二条", "sideBySide": True},
    ]


def test_the_browser_renders_a_screenshot(page: Path) -> None:
    """Chromium renders the page to a PNG of the window's size."""
    shot = page.with_name("shot.png")
    result = _chromium("--window-size=1200,900", f"--screenshot={shot}", page.as_uri())
    assert shot.is_file(), result.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1200, 900)

"""The web app in a real browser (Debian's chromium driven by Playwright) against a real server process."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _need_browser() -> None:
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package")
    if not Path(CHROMIUM).exists():
        missing.append("Debian's chromium (apt-get install chromium)")
    if missing:
        message = "browser test needs " + " and ".join(missing)
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.mark.slow
def test_secretary_submits_a_note_and_sees_it_scrubbed_and_ticketed(tmp_path: Path) -> None:
    _need_browser()
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(BENCH))
    try:
        from _harness import BRANCH, Server
    finally:
        sys.path.remove(str(BENCH))
    server = Server(tmp_path)
    server.setup()
    server.start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM,
                args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            )
            page = browser.new_page()
            page.goto(server.url + "/")
            assert page.title() == "心声 · 谈心谈话记录"
            page.wait_for_selector("#health:has-text('正常')")
            page.fill("#token", server.token)
            page.click("#save-token")
            page.fill("#branch", BRANCH)
            page.fill("#text", "王建国反映连续上了三个月夜班，失眠，电话13812345678，希望调整到白班。")
            page.click("button[type=submit]")
            page.wait_for_selector("#result:has-text('已保存')")
            result = page.inner_text("#result")
            assert "〔姓名〕" in result and "〔电话〕" in result
            assert "王建国" not in result and "13812345678" not in result
            assert "工作负荷" in result
            page.wait_for_selector("#tickets tr:has-text('待受理')")
            page.fill("#text", "")
            page.fill("#branch", "NO-SUCH-BRANCH")
            page.fill("#text", "食堂的菜太咸了")
            page.click("button[type=submit]")
            page.wait_for_selector("#result .error")
            assert "NO-SUCH-BRANCH" in page.inner_text("#result .error")
            browser.close()
    finally:
        server.stop()

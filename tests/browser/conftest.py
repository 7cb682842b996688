"""A live Casework server on a SQLite file and a headless Chromium to drive it.

These tests run when Chromium is installed (Debian's `chromium`; `CASEWORK_CHROMIUM` names
another binary) and only in the SQLite run: the browser sees the same pages on either back end.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from casework import create_app
from casework.extensions import db
from config import TestConfig

CHROMIUM = os.environ.get("CASEWORK_CHROMIUM") or shutil.which("chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reason = None
    if CHROMIUM is None:
        reason = "Chromium is not installed (apt-get install chromium)"
    elif os.environ.get("CASEWORK_TEST_DATABASE_URL", "").startswith("postgresql"):
        reason = "browser journeys run once, in the SQLite run"
    for item in items:
        if reason and "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("live")

    class LiveConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'casework.db'}"
        STORAGE_DIR = folder / "files"
        SERVER_NAME = None
        BABEL_DEFAULT_LOCALE = "en"

    app = create_app(LiveConfig)
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture(scope="module")
def live_server(live_app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def screenshots() -> Path | None:
    """Set CASEWORK_SCREENSHOTS to a folder to keep a picture of every page visited."""
    folder = os.environ.get("CASEWORK_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return Path(folder)
    return None

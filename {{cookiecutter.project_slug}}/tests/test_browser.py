"""The pages in a real Chromium (Playwright): each loads with no Content-Security-Policy
violation and no script error, at phone and desktop width, and the forms and scripts work under
the project's CSP.

Marked ``browser`` and left out of a plain ``pytest`` run; ``make test-browser`` runs them. They
need Chromium: the one ``CHROMIUM_PATH`` names, else ``chromium`` on ``PATH``, else the one
``playwright install chromium`` downloads.
"""

import os
import shutil
import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from .conftest import PASSWORD

pytestmark = pytest.mark.browser

#: (name, width, height) in CSS pixels: a common phone and a laptop.
VIEWPORTS = [("phone", 390, 844), ("desktop", 1280, 800)]

#: Collects CSP violations and uncaught errors in the page, before any of its own scripts run.
WATCH = """
window.__problems = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__problems.push(`CSP ${event.violatedDirective} blocked ${event.blockedURI}`);
});
window.addEventListener("error", (event) => window.__problems.push(`error ${event.message}`));
"""


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test app served by werkzeug on a free port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            # No first-run, sync or update traffic: the tests reach only the live server.
            args=[
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(params=VIEWPORTS, ids=[name for name, _, _ in VIEWPORTS])
def page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    _, width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    context.add_init_script(WATCH)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: message.type == "error" and console.append(message.text))
    page.console_errors = console  # type: ignore[attr-defined]
    yield page
    context.close()


def visit(page: Page, url: str, expected_status: int = 200) -> None:
    """Load ``url``; fail on another status, a CSP violation, a script error or a console
    error (a blocked request or resource shows there)."""
    response = page.goto(url)
    assert response is not None
    assert response.status == expected_status, url
    page.wait_for_load_state("networkidle")
    check(page, url, error_page=expected_status >= 400)


def check(page: Page, where: str, error_page: bool = False) -> None:
    console: list[str] = page.console_errors  # type: ignore[attr-defined]
    problems = page.evaluate("window.__problems") + console
    console.clear()  # each check judges what happened since the one before
    if error_page:  # the browser logs the page's own error status; that one is expected
        problems = [p for p in problems if "Failed to load resource" not in p]
    assert problems == [], f"{where}: {problems}"
    # Nothing wider than the screen: no sideways scrolling on a phone.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{where}: {overflow} px wider than the viewport"


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form [type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/auth/login" not in page.url, "the login did not go through"
    check(page, "after login")


def test_public_pages(page, live_server):
    for path in ("/", "/auth/login", "/auth/register", "/auth/reset-password", "/auth/confirm"):
        visit(page, live_server + path)
    visit(page, live_server + "/no-such-page", expected_status=404)


def test_pages_of_a_logged_in_admin(page, live_server, make_user):
    make_user("admin@example.com", role="admin")
    log_in(page, live_server, "admin@example.com")
    visit(page, live_server + "/")
    visit(page, live_server + "/admin/")
    visit(page, live_server + "/account/")
{%- if cookiecutter.celery_broker != "none" %}
    visit(page, live_server + "/tasks/")
    # The page's script starts the task and polls its status (connect-src 'self').
    page.click("#start-task")
    page.wait_for_selector("#task-status:has-text('SUCCESS')", timeout=10_000)
    check(page, "/tasks/ after a run")
{%- endif %}
{%- if cookiecutter.use_mongodb %}
    # Without a MongoDB server the page says so (503); it must still render cleanly.
    response = page.goto(live_server + "/activity/")
    assert response is not None
    page.wait_for_load_state("networkidle")
    check(page, "/activity/", error_page=response.status >= 400)
{%- endif %}
    page.click("form[action$='/auth/logout'] [type=submit]")
    page.wait_for_load_state("networkidle")
    check(page, "after logout")
    visit(page, live_server + "/admin/", expected_status=200)
    assert "/auth/login" in page.url, "the admin page is reachable after logout"
{%- if cookiecutter.use_api %}


def test_swagger_ui_renders_the_api(page, live_server):
    visit(page, live_server + "/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=10_000)
    assert page.locator(".opblock").count() > 0
    check(page, "/api/v1/docs with the spec loaded")
{%- endif %}


def test_forgotten_password_through_the_email_link(page, live_server, make_user, outbox):
    make_user()
    visit(page, live_server + "/auth/login")
    page.click("text=Forgot your password?")
    page.fill("input[name=email]", "user@example.com")
    page.click("form [type=submit]")
    page.wait_for_load_state("networkidle")
    check(page, "after asking for the link")
    assert "we sent it a link" in page.content()

    visit(page, live_server + outbox.link("user@example.com"))
    page.fill("input[name=password]", "staple orbit velvet")
    page.fill("input[name=confirm]", "staple orbit velvet")
    page.click("form [type=submit]")
    page.wait_for_load_state("networkidle")
    check(page, "after setting the password")
    page.fill("input[name=email]", "user@example.com")
    page.fill("input[name=password]", "staple orbit velvet")
    page.click("form [type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/auth/login" not in page.url, "the new password does not log in"
    visit(page, live_server + "/account/")

"""The pages in a real Chromium (Playwright): each loads with no Content-Security-Policy
violation, no script error and nothing wider than the screen, at phone and desktop width, passes
axe-core's WCAG 2.1 A and AA rules, and the forms and scripts work under the project's CSP.

With ``SCREENSHOT_DIR`` set, every page checked is saved there as
``<test>-<width>-<n>-<page>.png``, and a failing test saves the page it failed on.

Marked ``browser`` and left out of a plain ``pytest`` run; ``make test-browser`` runs them. They
need Chromium: the one ``CHROMIUM_PATH`` names, else ``chromium`` on ``PATH``, else the one
``playwright install chromium`` downloads.
"""

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright

from .conftest import FAILED, PASSWORD,{% if cookiecutter.use_socketio and cookiecutter.celery_broker != "none" and (cookiecutter.celery_broker in ("redis", "rabbitmq") or cookiecutter.use_redis) %} TEST_QUEUE_URL,{% endif %} serve

{% if cookiecutter.use_socketio -%}
# Each test's own app: Flask-SocketIO serves the sockets of the app built last in a process.
pytestmark = [pytest.mark.browser, pytest.mark.own_app]
{%- else -%}
pytestmark = pytest.mark.browser
{%- endif %}

#: (name, width, height) in CSS pixels: a common phone and a laptop.
VIEWPORTS = [("phone", 390, 844), ("desktop", 1280, 800)]

#: The axe-core rule sets every page must pass: WCAG 2.0 and 2.1, levels A and AA.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

#: Where screenshots go, when set.
SCREENSHOT_DIR = os.environ.get("SCREENSHOT_DIR")

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
    with serve(app) as address:
        yield f"http://{address}"


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
    page.shots = []  # type: ignore[attr-defined]
    prefix = re.sub(r"[^\w-]+", "-", request.node.name).strip("-")
    page.shot_prefix = prefix  # type: ignore[attr-defined]
    yield page
    if SCREENSHOT_DIR and request.node.stash.get(FAILED, False):  # see conftest.py
        page.screenshot(path=Path(SCREENSHOT_DIR) / f"{prefix}-FAILED.png", full_page=True)
    context.close()


def visit(page: Page, url: str, expected_status: int = 200, axe: bool = True) -> None:
    """Load ``url``; fail on another status, a CSP violation, a script error, a console error
    (a blocked request or resource shows there), a page wider than the screen or, with
    ``axe``, a WCAG A/AA violation."""
    response = page.goto(url)
    assert response is not None
    assert response.status == expected_status, url
    # goto returns at the load event: the page, its stylesheets and its scripts are in. Here and
    # after a click (which returns once the navigation it starts has begun) the tests wait for
    # "load", not "networkidle", which adds half a second of silence to every page: the requests
    # a script makes later (the task page's, the live feed's socket) are waited for by the tests
    # that use them, and their problems are judged by the next check on that page.
    check(page, url, error_page=expected_status >= 400, axe=axe)


def check(page: Page, where: str, error_page: bool = False, axe: bool = True) -> None:
    # After a click that navigates, the new page's text can be there before its stylesheet:
    # judge the page once it has loaded (an unstyled table is wider than a phone).
    page.wait_for_load_state("load")
    console: list[str] = page.console_errors  # type: ignore[attr-defined]
    problems = page.evaluate("window.__problems") + console
    console.clear()  # each check judges what happened since the one before
    if error_page:  # the browser logs the page's own error status; that one is expected
        problems = [p for p in problems if "Failed to load resource" not in p]
    assert problems == [], f"{where}: {problems}"
    # Nothing wider than the screen: no sideways scrolling on a phone.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{where}: {overflow} px wider than the viewport"
    if axe:
        violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
        found = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
            for v in violations
        ]
        assert found == [], f"{where}: {found}"
    if SCREENSHOT_DIR:
        shots: list[str] = page.shots  # type: ignore[attr-defined]
        name = re.sub(r"[^\w-]+", "-", where.split("//", 1)[-1].split("/", 1)[-1]).strip("-")[:40]
        shots.append(name)
        prefix = page.shot_prefix  # type: ignore[attr-defined]
        width = page.viewport_size["width"] if page.viewport_size else 0
        path = Path(SCREENSHOT_DIR) / f"{prefix}-{width}-{len(shots):02d}-{name or 'home'}.png"
        page.screenshot(path=path, full_page=True)


def open_menu(page: Page) -> None:
    """On a narrow screen, unfold the navigation bar (Bootstrap's collapse) so its links can
    be clicked; on a wide one it is always open."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        page.wait_for_selector("#main-nav.show")


def log_out(page: Page) -> None:
    open_menu(page)
    page.click("form[action$='/auth/logout'] [type=submit]")
    check(page, "after logout")


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form [type=submit]")
    page.wait_for_load_state("load")
    assert "/auth/login" not in page.url, "the login did not go through"
    check(page, "after login")


def test_public_pages(page, live_server):
    for path in ("/", "/auth/login", "/auth/register", "/auth/reset-password", "/auth/confirm"):
        visit(page, live_server + path)
    visit(page, live_server + "/no-such-page", expected_status=404)


def test_pages_of_a_logged_in_admin(page, live_server, make_user):
    make_user("admin@example.com", role="admin")
    make_user("member@example.com")
    log_in(page, live_server, "admin@example.com")
    visit(page, live_server + "/")
    visit(page, live_server + "/notes/")
    visit(page, live_server + "/notes/new")
    visit(page, live_server + "/admin/")
    # The admin makes the member an admin with the row's own form.
    page.select_option("select[aria-label='Role for member@example.com']", "admin")
    page.click("tr:has-text('member@example.com') [type=submit]")
    page.wait_for_selector(".alert:has-text('member@example.com is now admin.')")
    check(page, "/admin/ after a role change")
    visit(page, live_server + "/admin/?q=member")
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
    check(page, "/activity/", error_page=response.status >= 400)
{%- endif %}
    log_out(page)
    visit(page, live_server + "/admin/", expected_status=200)
    assert "/auth/login" in page.url, "the admin page is reachable after logout"
{%- if cookiecutter.use_api %}


def test_swagger_ui_renders_the_api(page, live_server):
    # Swagger UI's page is its own markup, not this project's: checked for CSP, script errors
    # and width, not by axe.
    visit(page, live_server + "/api/v1/docs", axe=False)
    page.wait_for_selector(".opblock", timeout=10_000)
    assert page.locator(".opblock").count() > 0
    check(page, "/api/v1/docs with the spec loaded", axe=False)


def test_swagger_ui_authorizes_with_a_token_and_runs_a_request(page, live_server, make_user):
    make_user()
    token = page.request.post(
        live_server + "/api/v1/auth/token",
        data={"email": "user@example.com", "password": PASSWORD},
    ).json()["access_token"]
    visit(page, live_server + "/api/v1/docs", axe=False)
    page.click(".auth-wrapper .authorize")
    page.fill(".modal-ux input", token)
    page.click(".modal-ux .auth-btn-wrapper .authorize")
    page.click(".modal-ux .btn-done")
    operation = page.locator(".opblock-get:has([data-path='/api/v1/notes'])").first
    operation.locator(".opblock-summary").click()
    operation.locator(".try-out__btn").click()
    operation.locator(".execute").click()
    status = operation.locator(".live-responses-table .response .response-col_status")
    status.first.wait_for(timeout=10_000)
    assert status.first.inner_text().strip() == "200"
    check(page, "/api/v1/docs after a request", axe=False)
{%- endif %}

{%- if cookiecutter.use_socketio %}


def test_the_admin_feed_shows_a_login_made_in_another_browser(
    page, browser, live_server, make_user
):
    make_user("admin@example.com", role="admin")
    make_user("member@example.com")
    log_in(page, live_server, "admin@example.com")
    visit(page, live_server + "/admin/")
    page.wait_for_selector("#live-feed-status:has-text('Live:')")
    # A second browser (its own cookies) signs in; the admin's page hears of it.
    other = browser.new_context()
    try:
        second = other.new_page()
        second.goto(f"{live_server}/auth/login")
        second.fill("input[name=email]", "member@example.com")
        second.fill("input[name=password]", PASSWORD)
        second.click("main form [type=submit]")
        second.wait_for_load_state("load")
        assert "/auth/login" not in second.url
    finally:
        other.close()
    page.wait_for_selector("#live-feed li:has-text('member@example.com logged in')")
    check(page, "/admin/ with a live event")
{%- if cookiecutter.celery_broker in ("redis", "rabbitmq") or cookiecutter.use_redis %}
{%- if cookiecutter.celery_broker != "none" %}


@pytest.mark.parametrize("app", [{"SOCKETIO_MESSAGE_QUEUE": TEST_QUEUE_URL}], indirect=True)
def test_task_progress_arrives_over_the_socket_without_polling(page, live_server, make_user):
    make_user()
    log_in(page, live_server, "user@example.com")
    status_requests: list[str] = []
    status_url = re.compile(r"/tasks/[0-9a-f-]{36}$")
    page.on("request", lambda r: status_url.search(r.url) and status_requests.append(r.url))
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    visit(page, live_server + "/tasks/")
    page.click("#start-task")
    page.wait_for_selector("#task-status:has-text('SUCCESS')", timeout=10_000)
    assert page.locator("#task-progress").get_attribute("value") == "3"
    assert status_requests == [], "the page polled the task's status URL"
    assert sockets and "/socket.io/" in sockets[0]
    check(page, "/tasks/ after a run over the socket")
{%- endif %}
{%- endif %}
{%- endif %}


def test_the_phone_menu_unfolds(page, live_server, make_user):
    make_user()
    log_in(page, live_server, "user@example.com")
    notes_link = page.locator("#main-nav a[href='/notes/']")
    if page.locator(".navbar-toggler").is_visible():
        assert not notes_link.is_visible(), "the menu is open before it is asked for"
    open_menu(page)
    assert notes_link.is_visible()
    check(page, "/ with the menu open")
    notes_link.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/notes/")


def test_notes_are_written_found_edited_and_deleted(page, live_server, make_user):
    make_user()
    log_in(page, live_server, "user@example.com")
    visit(page, live_server + "/notes/")
    page.click("text=Write the first one")
    # The title is required: the form comes back with the reason, tied to the field.
    page.fill("textarea[name=body]", "eggs, milk")
    page.click("main form [type=submit]")
    page.wait_for_selector("#title-errors:has-text('This field is required.')")
    check(page, "/notes/new with an error", error_page=True)
    page.fill("input[name=title]", "Groceries")
    page.click("main form [type=submit]")
    page.wait_for_selector(".alert:has-text('Note saved.')")
    check(page, "/notes/ with one note")
    page.fill("input[name=q]", "grocer")
    page.click("form[role=search] [type=submit]")
    page.wait_for_selector("h2:has-text('Groceries')")
    check(page, "/notes/ searched")
    page.click("a[aria-label='Edit Groceries']")
    page.fill("input[name=title]", "Groceries for Sunday")
    page.click("main form [type=submit]")
    page.wait_for_selector("h2:has-text('Groceries for Sunday')")
    # Deleting asks first; the question page has the note and two ways out.
    page.click("a[aria-label='Delete Groceries for Sunday']")
    page.wait_for_selector("h1:has-text('Delete the note?')")
    check(page, "/notes/<id>/delete")
    page.click("main form [type=submit]")
    page.wait_for_selector(".alert:has-text('Note deleted.')")
    assert page.locator("text=You have no notes yet.").is_visible()
    check(page, "/notes/ after deleting")


def test_forgotten_password_through_the_email_link(page, live_server, make_user, outbox):
    make_user()
    visit(page, live_server + "/auth/login")
    page.click("text=Forgot your password?")
    page.fill("input[name=email]", "user@example.com")
    page.click("form [type=submit]")
    check(page, "after asking for the link")
    assert "we sent it a link" in page.content()

    visit(page, live_server + outbox.link("user@example.com"))
    page.fill("input[name=password]", "staple orbit velvet")
    page.fill("input[name=confirm]", "staple orbit velvet")
    page.click("form [type=submit]")
    check(page, "after setting the password")
    page.fill("input[name=email]", "user@example.com")
    page.fill("input[name=password]", "staple orbit velvet")
    page.click("form [type=submit]")
    page.wait_for_load_state("load")
    assert "/auth/login" not in page.url, "the new password does not log in"
    visit(page, live_server + "/account/")

"""The forms in a real browser: notebooks/widgets.ipynb served by Voila, driven by Debian's Chromium.

The test starts a sandbox and hands it to the notebook through the variables a user
would set for a real portal (HUBSPOT_ACCESS_TOKEN, HUBFRAME_BASE_URL), so it can check
the sandbox's state after the clicks. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason=f"{CHROMIUM} is not installed (apt-get install -y chromium)",
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"voila exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"voila did not answer within {timeout:.0f}s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def portal():
    from hubframe.sandbox import Sandbox

    with Sandbox(contacts=200, companies=20, deals=40, seed=0) as sb:
        yield sb


@pytest.fixture(scope="module")
def voila(portal, tmp_path_factory):
    """The notebook served by Voila on 127.0.0.1, connected to ``portal``."""
    tmp = tmp_path_factory.mktemp("voila")
    port = _free_port()
    env = dict(
        os.environ,
        HUBSPOT_ACCESS_TOKEN=portal.token,
        HUBFRAME_BASE_URL=portal.url,
        HUBFRAME_FORMS_URL=portal.forms_url,
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
        JUPYTER_CONFIG_DIR=str(tmp / "config"),
    )
    log = tmp / "voila.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            ["voila", str(REPO / "notebooks" / "widgets.ipynb"), f"--port={port}", "--no-browser",
             "--Voila.ip=127.0.0.1", "--ServerApp.port_retries=0"],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        _wait_for(f"http://127.0.0.1:{port}/voila/static/", proc, log)
        yield f"http://127.0.0.1:{port}/"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.fixture
def page(voila):
    from playwright.sync_api import sync_playwright

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage"]  # fmt: skip
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=args)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.set_default_timeout(60_000)
        page.goto(voila)
        page.get_by_role("tab", name="Search").wait_for()
        try:
            yield page
        finally:
            browser.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def panel_tab(page):
    """The visible tab's contents (the others are hidden, but still in the page)."""
    return page.locator(".widget-tab-contents > .widget-vbox:not(.lm-mod-hidden)")


def test_search_add_to_list_and_enroll_in_the_browser(page, portal):
    with portal.client() as hs:
        customers = hs.contacts.search("lifecyclestage", "customer", progress=False)
    assert len(customers) >= 3

    # Search: contacts whose lifecycle stage is Customer.
    tab = panel_tab(page)
    tab.get_by_label("Property", exact=True).select_option(label="Lifecycle Stage")
    tab.get_by_role("combobox", name="Value", exact=True).select_option(
        label="Customer"
    )  # waits for the new input
    tab.get_by_role("button", name="Search").click()
    tab.get_by_text(f"{len(customers)} contacts found").wait_for()
    table = tab.locator("table.hubframe-table")
    expect(table.locator("tbody tr")).to_have_count(len(customers))
    expect(table).to_contain_text(customers["email"].iloc[0])
    expect(tab.locator(".widget-output")).to_contain_text("100%")  # the tqdm bar, filled
    expect(tab.locator(".widget-output")).to_contain_text(f"{len(customers)}/{len(customers)}")
    expect(table.locator("tbody tr").first).to_contain_text("Customer")  # the label, not "customer"
    expect(tab.locator(".jupyter-widget-tagsinput")).to_contain_text("Email")  # what "Show" holds
    assert "  (" not in tab.get_by_label("Operator", exact=True).inner_text()

    # Pick three found records.
    tab.get_by_label("Records", exact=True).select_option(index=[0, 1, 2])
    shot(page, "panel-search.png")
    # The README's picture, regenerated on every run: the panel after a search.
    page.locator(".widget-tab").screenshot(path=str(REPO / "docs" / "panel.png"))
    picked = customers.iloc[:3]

    # Add them to a list.
    page.get_by_role("tab", name="Add to list").click()
    tab = panel_tab(page)
    expect(tab.get_by_label("Record ids")).to_have_value("\n".join(picked["id"]))
    list_id = portal.list_ids[0]
    tab.get_by_label("List", exact=True).fill(list_id)
    tab.get_by_text(
        f"Will add 3 record(s) to list {portal.store.lists[list_id]['name']} ({list_id})"
    ).wait_for()
    tab.get_by_role("button", name="Add to list").click()
    tab.get_by_text(f"List {list_id}: 3 added.").wait_for()
    rows = tab.locator("table.hubframe-table tbody tr")
    expect(rows).to_have_count(3)
    assert [rows.nth(i).locator("td").nth(1).inner_text() for i in range(3)] == ["added"] * 3
    assert {int(i) for i in picked["id"]} <= set(portal.store.list_members[list_id])
    shot(page, "panel-list.png")

    # Enroll the first one in a workflow.
    page.get_by_role("tab", name="Enroll in workflow").click()
    tab = panel_tab(page)
    emails = tab.get_by_label("Emails")
    expect(emails).to_have_value("\n".join(picked["email"]))
    email = picked["email"].iloc[0]
    emails.fill(email)
    workflow_id = portal.workflow_ids[1]
    name = portal.store.workflows[workflow_id]["name"]
    tab.get_by_label("Workflow", exact=True).fill(
        f"{name} ({workflow_id})"
    )  # as picked from the box's list
    tab.get_by_text(f"Will enroll 1 contact(s) in workflow {name} ({workflow_id})").wait_for()
    tab.get_by_role("button", name="Enroll").click()
    tab.get_by_text(f"Workflow {workflow_id}: 1 enrolled.").wait_for()
    expect(tab.locator("table.hubframe-table")).to_contain_text(email)
    assert int(picked["id"].iloc[0]) in portal.store.enrollments[workflow_id]
    shot(page, "panel-workflow.png")

    assert portal.token not in page.content()


def test_errors_show_in_plain_words_in_the_browser(page, portal):
    page.get_by_role("tab", name="Add to list").click()
    tab = panel_tab(page)
    tab.get_by_label("List", exact=True).fill("999999")
    tab.get_by_label("Record ids").fill("1")
    tab.get_by_role("button", name="Add to list").click()
    alert = tab.locator("[role=alert]")
    expect(alert).to_contain_text("Not found: List with id 999999 does not exist.")
    assert "Traceback" not in page.content()
    expect(tab.get_by_role("button", name="Add to list")).to_be_enabled()
    shot(page, "panel-error.png")

"""Sign-in for real (issue 22): the dashboard served with an ``[auth]`` section against oidc-provider
(tests/idp, a certified OpenID Provider) on 127.0.0.1, and headless Chromium signing in through the
provider's own login form. One provider, one dashboard and one browser for the module; a browser
context (a cookie jar) per user. Every request to a host other than 127.0.0.1 is blocked (the
provider's pages ask for a web font from outside).

The demo organisation's grants: admin@example.com admin, viewer@ and lead@ for Pipeline Süd,
group:sales-north viewer of Neukunden Nord; nobody@ signs in without a grant."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from data.access import AccessRefused, ScopedStore, resolve
from data.entries import record_checkin
from data.errors import UndoRefused
from data.importer import import_uploads
from data.store import Store
from tests.support import TODAY, snapshot, upload
from tests.cli_process import run_cli
from tests.test_browser import ROOT, free_port, start_server, stop
from scripts.settled import settle

IDP = ROOT / "tests" / "idp"
TEAM = "Pipeline Süd"
OTHERS = ("Neukunden Nord", "Key Account Automotive")
PAGES = ["", "import", "sprint_review", "retrospective", "okrs", "teams"]
WAIT = 90_000  # ms: a sign-in round trip took up to 7.5 s on a loaded machine; a page up to a minute
SPRINT = "team,sprint,start_date,end_date,committed,completed\nPipeline Süd,PS Signin 1,2026-11-02,2026-11-13,10,8\n"


def cli(env: dict, *args: str) -> str:
    done = run_cli(list(args), env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    """oidc-provider on a free port of 127.0.0.1, its client registered for the dashboard's port."""
    if not (IDP / "node_modules" / "oidc-provider").is_dir():  # what `make test` does on a fresh checkout
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=IDP, check=True, capture_output=True, timeout=600)
    port, app_port = free_port(), free_port()
    secret = "test-client-secret"
    redirect = f"http://127.0.0.1:{app_port}/oauth2callback"
    process = subprocess.Popen([shutil.which("node") or "node", str(IDP / "provider.mjs"), str(port), secret, redirect],
                               cwd=IDP, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout.readline().strip() == "ready"  # it prints this once it listens
    yield {"url": f"http://127.0.0.1:{port}", "secret": secret, "app_port": app_port, "redirect": redirect}
    stop(process)


@pytest.fixture(scope="module")
def app(idp, tmp_path_factory):
    """The dashboard on the demo data with the module's grants, signing in through the provider."""
    folder = tmp_path_factory.mktemp("signin")
    env = {**os.environ, "DASHBOARD_DB": str(folder / "signin.duckdb"), "DASHBOARD_TODAY": TODAY.isoformat()}
    cli(env, "demo", "--user", "ops")
    for identity, role, team in (("admin@example.com", "admin", None), ("viewer@example.com", "viewer", TEAM),
                                 ("lead@example.com", "lead", TEAM), ("group:sales-north", "viewer", "Neukunden Nord")):
        cli(env, "access", "grant", identity, "--role", role, *(["--team", team] if team else []))
    secrets = folder / "secrets.toml"
    secrets.write_text(f"""[auth]
redirect_uri = "{idp['redirect']}"
cookie_secret = "test-only-cookie-secret-of-32-characters-or-more"
client_id = "dashboard"
client_secret = "{idp['secret']}"
server_metadata_url = "{idp['url']}/.well-known/openid-configuration"

[auth.client_kwargs]
scope = "openid email profile groups"
prompt = "login"
""", encoding="utf-8")
    process, url = start_server(env, "--secrets.files", str(secrets), port=idp["app_port"])
    yield {"url": url, "db": Path(env["DASHBOARD_DB"]), "env": env}
    stop(process)


def only_loopback(route) -> None:
    if urlsplit(route.request.url).hostname == "127.0.0.1":
        route.continue_()
    else:
        route.abort()


def visitor(browser):
    """A fresh browser profile (its own cookies) that reaches nothing but this machine."""
    context = browser.new_context(viewport={"width": 1400, "height": 1400})
    context.route("**/*", only_loopback)
    return context.new_page()


def sign_in(browser, app: dict, login: str):
    """Through the dashboard's Sign in button and the provider's login form, back to the dashboard."""
    page = visitor(browser)
    page.goto(app["url"], wait_until="domcontentloaded")
    page.get_by_role("button", name="Sign in").click(timeout=WAIT)
    page.locator("input[name=login]").fill(login, timeout=WAIT)  # the provider's own form
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    page.wait_for_url(f"{app['url']}/**", timeout=WAIT)
    return page


def everything_shown(page) -> str:
    """The page's text, the cells of its data grids and the labels of its charts."""
    cells = page.eval_on_selector_all("[role=gridcell], [role=columnheader]", "els => els.map(e => e.textContent)")
    return page.locator("[data-testid=stAppViewContainer]").inner_text() + "\n" + "\n".join(cells) + "\n" + \
        "\n".join(page.eval_on_selector_all("svg text", "els => els.map(e => e.textContent)"))


def options_of(page, widget) -> list[str]:
    """The choices a picker offers, read from its open list."""
    widget.click()
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible(timeout=WAIT)
    found = listbox.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    return found


def test_a_viewer_of_one_team_never_sees_another_on_any_page_or_picker(app, browser):
    page = sign_in(browser, app, "viewer@example.com")
    expect(page.get_by_text("Signed in as viewer@example.com")).to_be_visible(timeout=WAIT)
    for path in PAGES:
        page.goto(f"{app['url']}/{path}", wait_until="domcontentloaded")
        settle(page)
        assert not page.get_by_test_id("stException").count(), path
        text = everything_shown(page)
        assert not [team for team in OTHERS if team in text], (path, text[:2000])
        if path != "import":  # the demo import touched every team: it is not this viewer's history
            assert TEAM in text, path
        sidebar_teams = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect")
        assert options_of(page, sidebar_teams) in ([], ["No results"], ["No options to select."]), path
        expect(sidebar_teams.get_by_text(TEAM)).to_be_visible()
        if path == "sprint_review":
            sprints = options_of(page, page.get_by_test_id("stSelectbox").first)
            assert sprints and all(choice.startswith(f"{TEAM} · ") for choice in sprints), sprints
        if path == "import":  # no upload, no undo
            assert not page.locator("input[type=file]").count()
            assert not page.get_by_role("button", name="Undo").count()
            expect(page.get_by_text("Your role lets you read.")).to_be_visible()
    page.context.close()


def test_a_write_forced_below_the_ui_by_a_viewer_is_refused(app):
    store = Store(app["db"])
    viewer = ScopedStore(store, resolve(store, "viewer@example.com"))
    before = snapshot(store)
    with pytest.raises(AccessRefused, match="needs the role member"):
        record_checkin(viewer, "PS-Q3-KR1", 99, day=TODAY)
    with pytest.raises(AccessRefused, match="needs the role lead"):
        import_uploads(viewer, [upload("sprint.csv", SPRINT)])
    with pytest.raises(UndoRefused, match="There is no import 1"):  # every team's demo: not the viewer's
        viewer.undo(1)
    assert snapshot(store) == before


def test_a_lead_imports_into_its_team_and_the_history_names_them(app, browser, tmp_path):
    export = tmp_path / "sprint.csv"
    export.write_text(SPRINT, encoding="utf-8")
    page = sign_in(browser, app, "lead@example.com")
    expect(page.get_by_text("Signed in as lead@example.com")).to_be_visible(timeout=WAIT)
    page.goto(f"{app['url']}/import", wait_until="domcontentloaded")
    page.locator("input[type=file]").set_input_files(str(export), timeout=WAIT)
    expect(page.get_by_text("Preview: the first rows as they will be stored")).to_be_visible(timeout=WAIT)
    page.get_by_test_id("stButton").get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("Imported (import 2)", exact=False)).to_be_visible(timeout=WAIT)
    settle(page)
    assert "lead@example.com" in everything_shown(page)  # the history table's "By" column
    history = json.loads(cli(app["env"], "history", "--json"))
    assert [(row["import_id"], row["user"]) for row in history] == [(2, "lead@example.com"), (1, "ops")]
    page.context.close()


def test_an_identity_without_a_grant_sees_whom_to_ask_and_no_data(app, browser):
    page = sign_in(browser, app, "nobody@example.com")
    expect(page.get_by_text("No access yet")).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("Ask an admin of the dashboard (admin@example.com)", exact=False)).to_be_visible()
    text = everything_shown(page)
    assert not [team for team in (TEAM, *OTHERS) if team in text]
    page.context.close()


def test_a_group_grant_shows_the_group_s_team(app, browser):
    page = sign_in(browser, app, "grouped@example.com")  # its ID token says groups: [sales-north]
    expect(page.get_by_text("Signed in as grouped@example.com")).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("Neukunden Nord · ", exact=False).first).to_be_visible(timeout=WAIT)
    settle(page)
    text = everything_shown(page)
    assert TEAM not in text and "Key Account Automotive" not in text
    page.context.close()


def test_sign_out_ends_the_session(app, browser):
    page = sign_in(browser, app, "viewer@example.com")
    expect(page.get_by_text("Signed in as viewer@example.com")).to_be_visible(timeout=WAIT)
    page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Yes, sign me out").click(timeout=WAIT)  # the provider ends its session too
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=WAIT)
    page.reload(wait_until="domcontentloaded")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=WAIT)
    assert not [c for c in page.context.cookies() if c["name"].startswith("_streamlit_user")]
    assert TEAM not in everything_shown(page)
    page.context.close()


def test_a_forged_sign_in_cookie_is_not_a_sign_in(app, browser):
    page = visitor(browser)
    # a cookie not signed with the dashboard's cookie secret, claiming to be the admin
    page.context.add_cookies([{"name": "_streamlit_user", "value": "admin@example.com|is_logged_in=true",
                               "url": app["url"]}])
    page.goto(app["url"], wait_until="domcontentloaded")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=WAIT)
    assert not page.get_by_test_id("stException").count()
    assert not [team for team in (TEAM, *OTHERS) if team in everything_shown(page)]
    page.context.close()


def test_the_provider_says_what_is_wrong_when_it_is_down_or_refuses_the_client(idp):
    from data.signin import provider_problem
    settings = {"server_metadata_url": f"{idp['url']}/.well-known/openid-configuration", "client_id": "dashboard"}
    assert provider_problem({**settings, "client_secret": idp["secret"]}) is None
    wrong = provider_problem({**settings, "client_secret": "not-the-secret"})
    assert "does not accept this dashboard (its client id or client secret is wrong)" in wrong
    down = provider_problem({**settings, "server_metadata_url": f"http://127.0.0.1:{free_port()}/.well-known/x"})
    assert "does not answer" in down

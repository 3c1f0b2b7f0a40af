"""Sign-in and team access (issue 22) below the browser: grants in a real DuckDB store, the one
access layer (ScopedStore) every read and write passes, who did what in the history, the CLI's
access / whoami / --user, and the dashboard's gate in Streamlit's AppTest with a seeded st.user."""
from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data import aggregates, service
from data.access import (AccessRefused, IdentityInvalid, ScopedStore, grant, grants, operator, resolve, revoke,
                         single_user)
from data.backup import backup_bytes
from data.demo import load_demo
from data.entries import record_checkin, record_retro_action
from data.errors import UndoRefused
from data.importer import import_uploads
from data.store import Store
from tests.support import TODAY, snapshot, static_tables, upload
from tests.test_cli import run

SPRINTS = ("team,sprint,start_date,end_date,committed,completed\n"
           "Nord,N1,2026-10-05,2026-10-16,20,18\n"
           "Süd,S1,2026-10-05,2026-10-16,10,5\n")
NORD_ONLY = "team,sprint,start_date,end_date,committed,completed\nNord,N2,2026-10-19,2026-10-30,12,12\n"
SUED_ONLY = "team,sprint,start_date,end_date,committed,completed\nSüd,S2,2026-10-19,2026-10-30,8,8\n"
OKRS = ("team,cycle,cycle_start,cycle_end,objective_id,objective,kr_id,key_result,start_value,target_value\n"
        "Nord,Q4,2026-10-01,2026-12-31,O1,Mehr Kunden,KR-N,40 Meetings,0,40\n"
        "Süd,Q4,2026-10-01,2026-12-31,O2,Pipeline,KR-S,Deals,0,10\n")
CHECKINS = "kr_id,date,value,confidence\nKR-N,2026-10-09,8,7\nKR-S,2026-10-09,2,5\n"
ADMIN, VIEWER, MEMBER, LEAD = "admin@example.com", "viewer@example.com", "member@example.com", "lead@example.com"


@pytest.fixture
def org(store):
    """Two teams, Nord and Süd: import 1 brings both teams' sprints, OKRs and check-ins (made by the
    operator), import 2 Süd's second sprint, import 3 Nord's; grants for Nord only."""
    admin = ScopedStore(store, operator("ops"))
    import_uploads(admin, [upload("sprints.csv", SPRINTS), upload("okrs.csv", OKRS), upload("checkins.csv", CHECKINS)])
    import_uploads(admin, [upload("sued.csv", SUED_ONLY)])
    import_uploads(admin, [upload("nord.csv", NORD_ONLY)])
    grant(admin, ADMIN, "admin", [])
    for who, role in ((VIEWER, "viewer"), (MEMBER, "member"), (LEAD, "lead")):
        grant(admin, who, role, ["Nord"])
    return store


def as_user(store: Store, email: str, groups=()) -> ScopedStore:
    return ScopedStore(store, resolve(store, email, groups))


def test_a_viewer_reads_its_own_team_and_nothing_of_another(org):
    viewer = as_user(org, VIEWER)
    assert viewer.teams() == ["Nord"]
    assert set(viewer.current("sprints")["team"]) == {"Nord"}
    assert viewer.current("sprints", ["Süd"]).empty           # asked by name: still nothing
    assert list(viewer.current("checkins")["kr_id"]) == ["KR-N"]  # a check-in is its key result's team's
    assert set(viewer.versions("checkins")["kr_id"]) == {"KR-N"}
    assert set(viewer.versions("key_results")["team"]) == {"Nord"}
    assert viewer.known_key_results() == {"KR-N"}
    # the paths the pages take: the service's sprint table and DuckDB's item sums (data.aggregates)
    assert set(service.sprint_table(viewer, None)["team"]) == {"Nord"}
    assert aggregates.teams_with_sprints(viewer, None) == ["Nord"]
    assert aggregates.teams_with_sprints(viewer, ["Süd"]) == []
    # imports 1 (both teams) and 2 (Süd) are not the viewer's history; import 3 (Nord) is
    assert list(viewer.history()["import_id"]) == [3]
    assert list(viewer.import_files()["import_id"]) == [3]
    assert viewer.history()["user"].tolist() == ["ops"]
    # the admin sees everything, and the plain store (the operator's) too
    assert as_user(org, ADMIN).teams() == ["Nord", "Süd"] == org.teams()
    assert list(as_user(org, ADMIN).history()["import_id"]) == [3, 2, 1]


def test_writes_the_role_does_not_allow_are_refused_below_the_ui_and_change_nothing(org):
    before = snapshot(org)
    viewer, member, lead = as_user(org, VIEWER), as_user(org, MEMBER), as_user(org, LEAD)
    with pytest.raises(AccessRefused) as refused:
        record_checkin(viewer, "KR-N", 12, day=date(2026, 10, 16))
    assert "viewer@example.com may not do this for team 'Nord'" in str(refused.value)
    assert "needs the role member, and the role there is viewer" in str(refused.value)
    with pytest.raises(AccessRefused):
        import_uploads(member, [upload("nord.csv", NORD_ONLY.replace("N2", "N3"))])  # imports: leads only
    with pytest.raises(AccessRefused) as hidden:
        import_uploads(lead, [upload("sued.csv", SUED_ONLY.replace("S2", "S3"))])  # not Nord's lead's team
    assert "Süd" not in str(hidden.value)  # never names a team the identity cannot see
    with pytest.raises(AccessRefused):
        viewer.undo(3)  # Nord's own import: leads only
    with pytest.raises(UndoRefused, match="There is no import 2"):
        lead.undo(2)  # Süd's import: as if there were none
    with pytest.raises(AccessRefused):
        load_demo(lead, TODAY)  # the demo: admins only
    with pytest.raises(AccessRefused):
        backup_bytes(lead)  # the whole store: admins only
    with pytest.raises(AccessRefused):
        grant(lead, VIEWER, "lead", ["Nord"])
    assert snapshot(org) == before


def test_who_did_what_is_in_the_history(org):
    member, lead = as_user(org, MEMBER), as_user(org, LEAD)
    checkin = record_checkin(member, "KR-N", 12, day=date(2026, 10, 16))
    action = record_retro_action(member, "Nord", "N1", "Fewer meetings")
    imported = import_uploads(lead, [upload("nord.csv", NORD_ONLY.replace("N2", "N3"))])
    assert (checkin.import_id, action.import_id, imported.import_id) == (4, 5, 6)  # after the fixture's 3
    assert lead.undo(6) == [6]
    history = org.history().set_index("import_id")
    assert history.loc[4, "user"] == MEMBER and history.loc[5, "user"] == MEMBER
    assert history.loc[6, "user"] == LEAD and history.loc[6, "undone_by"] == LEAD
    assert history.loc[1, "user"] == "ops" and pd.isna(history.loc[1, "undone_by"])  # made, never undone


def test_roles_per_team_groups_and_every_team(store):
    admin = ScopedStore(store, operator("ops"))
    grant(admin, "Anna@Example.com", "viewer", ["Nord"])  # kept in lower case
    grant(admin, "group:sales", "lead", ["*"])
    grant(admin, "group:sales", "member", ["Nord"])
    anna = resolve(store, "anna@example.com", ["sales", "other"])
    assert anna.role("Nord") == "lead"           # viewer, member and lead (every team): the highest wins
    assert anna.role("Not imported yet") == "lead"  # '*' is every team, present and future
    assert resolve(store, "anna@example.com").role("Nord") == "viewer"
    assert resolve(store, "anna@example.com").role("Süd") is None
    assert not resolve(store, "bob@example.com").has_any()
    assert grant(admin, "bob@example.com", "admin", ["Nord"]) == ["*"]  # admin is always every team
    assert resolve(store, "BOB@example.com").admin
    assert revoke(admin, "group:sales", ["Nord"]) == 1
    assert resolve(store, "x@example.com", ["sales"]).role("Nord") == "lead"  # '*' still holds
    assert revoke(admin, "group:sales") == 1
    assert grants(store)["identity"].tolist() == ["anna@example.com", "bob@example.com"]
    for bad in ("anna", "group:", "a b@example.com", ""):
        with pytest.raises(IdentityInvalid):
            grant(admin, bad, "viewer", ["Nord"])
    with pytest.raises(IdentityInvalid):
        grant(admin, "anna@example.com", "owner", ["Nord"])
    with pytest.raises(IdentityInvalid):
        grant(admin, "anna@example.com", "viewer", [])  # a team must be named


def test_the_cli_grants_revokes_and_says_who_may_do_what(tmp_path):
    db = tmp_path / "cli.duckdb"
    sprints = tmp_path / "sprints.csv"
    sprints.write_text(SPRINTS, encoding="utf-8")
    assert run("import", str(sprints), "--user", "ops@example.com", db=db).returncode == 0
    done = run("access", "grant", "viewer@example.com", "--role", "viewer", "--team", "Nord", "--user", "boss", db=db)
    assert done.returncode == 0, done.stderr
    assert run("access", "grant", "group:sales", "--role", "lead", "--team", "*", db=db).returncode == 0
    rows = json.loads(run("access", "--json", db=db).stdout)
    assert [(r["identity"], r["team"], r["role"], r["granted_by"]) for r in rows] == [
        ("group:sales", "*", "lead", rows[0]["granted_by"]), ("viewer@example.com", "Nord", "viewer", "boss")]
    assert rows[0]["granted_by"]  # the operating-system user, without --user
    me = json.loads(run("whoami", "--user", "viewer@example.com", "--json", db=db).stdout)
    assert me == {"identity": "viewer@example.com", "admin": False, "teams": {"Nord": "viewer"}}
    grouped = json.loads(run("whoami", "--user", "viewer@example.com", "--group", "sales", "--json", db=db).stdout)
    assert grouped["teams"] == {"*": "lead", "Nord": "lead", "Süd": "lead"}  # lead beats viewer on Nord
    assert run("access", "revoke", "group:sales", db=db).returncode == 0
    assert json.loads(run("whoami", "--user", "x@example.com", "--group", "sales", "--json", db=db).stdout)["teams"] == {}
    bad = run("access", "grant", "not-an-identity", "--role", "viewer", "--team", "Nord", db=db)
    assert bad.returncode == 2 and "is not an identity" in bad.stderr
    assert run("access", "grant", "a@example.com", "--role", "viewer", db=db).returncode == 2  # no --team
    history = json.loads(run("history", "--json", db=db).stdout)
    assert [row["user"] for row in history] == ["ops@example.com"]
    assert run("undo", "1", "--user", "undoer@example.com", db=db).returncode == 0
    assert json.loads(run("history", "--json", db=db).stdout)[0]["undone_by"] == "undoer@example.com"


# --- the dashboard's gate, in AppTest with a seeded st.user ---------------------------------------

AUTH = {"auth": {"redirect_uri": "http://127.0.0.1:1/oauth2callback", "cookie_secret": "test-only-" * 4,
                 "client_id": "dashboard", "client_secret": "secret",
                 # nothing listens on port 1: the provider is down
                 "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"}}
DEMO_TEAMS = ("Key Account Automotive", "Neukunden Nord", "Pipeline Süd")


@pytest.fixture
def granted(demo_dashboard):
    store = Store(demo_dashboard)
    admin = ScopedStore(store, operator("ops"))
    grant(admin, ADMIN, "admin", [])
    grant(admin, VIEWER, "viewer", ["Pipeline Süd"])
    grant(admin, "group:north", "member", ["Neukunden Nord"])
    return demo_dashboard


def signed(user: dict | None, page: str = "pages/home.py") -> AppTest:
    at = AppTest.from_file("../dashboard.py", default_timeout=90)
    at.secrets = AUTH
    at.user = {"is_logged_in": False} if user is None else {"is_logged_in": True, **user}
    at.run()
    if page != "pages/home.py":
        at.switch_page(page).run()
    return at


def shown(at: AppTest) -> str:
    """Every text, caption, heading, metric and widget option of a run, as one string."""
    parts = [e.value for kind in ("text", "caption", "title", "subheader", "markdown", "info", "warning", "error")
             for e in getattr(at, kind)]
    parts += [str(m.label) + str(m.value) for m in at.metric]
    for kind in ("selectbox", "multiselect"):
        for widget in [*getattr(at, kind), *getattr(at.sidebar, kind)]:
            parts += [str(option) for option in widget.options]
    for frame in [*(grid.value for grid in at.dataframe), *static_tables(at)]:  # grids and static tables (Teams is one)
        parts.append(frame.to_string())
    return "\n".join(map(str, parts))


def test_signed_out_with_the_provider_down_a_sentence_and_no_data(granted):
    at = signed(None)
    assert not at.exception
    assert at.error[0].value == "Sign-in is not possible right now"
    assert "The sign-in service 127.0.0.1:1 does not answer" in shown(at)
    assert not any(team in shown(at) for team in DEMO_TEAMS)


@pytest.mark.parametrize("page", ["pages/home.py", "pages/import.py", "pages/sprint_review.py",
                                  "pages/retrospective.py", "pages/okrs.py", "pages/teams.py"])
def test_a_viewer_sees_its_team_only_on_every_page_and_may_not_write(granted, page):
    at = signed({"email": VIEWER}, page)
    assert not at.exception and not at.error
    text = shown(at)
    assert "Key Account Automotive" not in text and "Neukunden Nord" not in text
    if page == "pages/home.py":  # AppTest keeps the entry point's sidebar only on the first page it runs
        assert "Signed in as viewer@example.com" in text
        assert at.sidebar.multiselect[0].options == ["Pipeline Süd"]
    assert not at.get("file_uploader")                      # no upload
    assert not [b for b in at.button if b.key in ("do_undo", "load_demo")]  # no undo, no demo
    # no check-in, retro action or lessons form (a member's forms start with these pickers)
    assert not [s for s in at.selectbox if s.key in ("checkin_kr", "action_sprint", "lessons_objective")]
    if page != "pages/import.py":
        assert "Pipeline Süd" in text


def test_a_group_grant_lets_its_members_record_check_ins_for_their_team(granted):
    at = signed({"email": "nora@example.com", "groups": ["north"]})
    assert at.sidebar.multiselect[0].options == ["Neukunden Nord"]
    at.switch_page("pages/okrs.py").run()
    assert not at.exception
    krs = at.selectbox(key="checkin_kr").options
    assert krs and all(kr.startswith("NN") for kr in krs), krs  # Neukunden Nord's key results only


def test_an_identity_without_a_grant_or_without_an_email_gets_whom_to_ask_and_no_data(granted):
    nobody = signed({"email": "nobody@example.com"})
    assert not nobody.exception
    assert nobody.subheader[0].value == "No access yet"
    assert "ask an admin of the dashboard (admin@example.com)" in shown(nobody).lower()
    assert not any(team in shown(nobody) for team in DEMO_TEAMS)
    nameless = signed({"name": "No Email"})  # a provider that leaves email out of the ID token
    assert not nameless.exception
    assert "did not tell the dashboard a verified email address" in shown(nameless)
    assert not any(team in shown(nameless) for team in DEMO_TEAMS)


def test_without_sign_in_one_person_on_this_computer_and_home_says_so(granted):
    at = AppTest.from_file("../dashboard.py", default_timeout=90).run()
    assert not at.exception
    assert "Single user on this computer" in at.caption[0].value
    assert at.sidebar.multiselect[0].options == list(DEMO_TEAMS)
    assert single_user().admin and single_user().local


@pytest.fixture
def shared_address():
    """The server bound to every interface, as `streamlit run --server.address 0.0.0.0` sets it."""
    from streamlit import config
    config.set_option("server.address", "0.0.0.0")
    yield
    config.set_option("server.address", None)


def test_without_sign_in_on_a_shared_address_it_refuses_naming_the_setting(demo_dashboard, shared_address,
                                                                            monkeypatch):
    at = AppTest.from_file("../dashboard.py", default_timeout=90).run()
    assert not at.exception
    assert at.subheader[0].value == "Sign-in is required on this address"
    assert "DASHBOARD_ALLOW_ANONYMOUS=1" in at.text[0].value
    assert not any(team in shown(at) for team in DEMO_TEAMS)
    monkeypatch.setenv("DASHBOARD_ALLOW_ANONYMOUS", "1")
    at.run()
    assert not at.exception and "Pipeline Süd" in shown(at)


def test_a_backup_restores_into_a_new_server_whose_admin_granted_first(org, tmp_path):
    from data.backup import restore_bytes
    data = backup_bytes(org)
    fresh = Store(tmp_path / "fresh.duckdb")
    with pytest.raises(AccessRefused):
        restore_bytes(as_user(fresh, LEAD), data)  # no grant on the new server: not an admin
    grant(fresh, "it@example.com", "admin", [], now=pd.Timestamp("2030-01-01").to_pydatetime())
    grant(fresh, VIEWER, "lead", ["Süd"], now=pd.Timestamp("2030-01-01").to_pydatetime())
    restore_bytes(as_user(fresh, "it@example.com"), data)  # grants alone do not make a store "not empty"
    assert fresh.teams() == ["Nord", "Süd"]
    rows = grants(fresh)
    # the backup's four grants and the new server's two; viewer@ keeps Nord (backup) and Süd (new)
    assert list(zip(rows["identity"], rows["team"], rows["role"])) == [
        (ADMIN, "*", "admin"), ("it@example.com", "*", "admin"), (LEAD, "Nord", "lead"), (MEMBER, "Nord", "member"),
        (VIEWER, "Nord", "viewer"), (VIEWER, "Süd", "lead")]
    assert list(as_user(fresh, VIEWER).history()["import_id"]) == [3, 2, 1]  # it sees both teams now: every import


def test_an_admin_sees_the_grants_and_who_changed_them_on_the_import_page(granted):
    at = signed({"email": ADMIN}, "pages/import.py")
    assert not at.exception and not at.error
    assert "Access" in [h.value for h in at.subheader]
    frames = [frame.value for frame in at.dataframe]
    grants_shown = next(f for f in frames if "Identity" in f.columns and "Granted by" in f.columns)
    assert grants_shown[["Identity", "Team", "Role"]].values.tolist() == [
        [ADMIN, "*", "admin"], ["group:north", "Neukunden Nord", "member"], [VIEWER, "Pipeline Süd", "viewer"]]
    changes_shown = next(f for f in frames if "Change" in f.columns)
    assert set(changes_shown["Change"]) == {"granted"} and set(changes_shown["By"]) == {"ops"}
    assert at.get("file_uploader")  # an admin imports too


def test_imports_made_before_teams_were_recorded_are_placed_by_their_rows(org):
    org._run(lambda cur: cur.execute("UPDATE imports SET teams = NULL"))  # as a store migrated from schema 4 has them
    viewer = as_user(org, VIEWER)
    # import 1 wrote both teams' rows (check-in KR-S counts as Süd through its key result), 2 Süd's, 3 Nord's
    assert list(viewer.history()["import_id"]) == [3]
    assert list(as_user(org, ADMIN).history()["import_id"]) == [3, 2, 1]

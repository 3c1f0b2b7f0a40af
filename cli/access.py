"""Who may see and do what (issue 22): ``access`` lists the grants, ``access grant`` and ``access
revoke`` change them (recorded with ``--user``), ``whoami`` says what one identity may see and do."""
from __future__ import annotations

import sys

from cli.common import open_store
from cli.output import emit, records


def cmd_access(args) -> int:
    from data.access import IdentityInvalid, grant, grants, revoke
    store = open_store(args)
    try:
        if args.action == "grant":
            teams = grant(store, args.identity, args.role, args.team or [])
            print(f"{args.identity}: {args.role} for {', '.join(teams)} (granted by {store.access.identity}).")
            return 0
        if args.action == "revoke":
            taken = revoke(store, args.identity, args.team)
            print(f"{args.identity}: {taken} grant(s) revoked (by {store.access.identity}).")
            return 0
    except IdentityInvalid as problem:
        print(str(problem), file=sys.stderr)
        return 2
    frame = grants(store)
    if frame.empty and not args.json:
        print("No grants: with sign-in configured nobody can open the dashboard yet. "
              "Grant an admin first: python -m analytics access grant EMAIL --role admin")
        return 0
    emit(args, records(frame), frame)
    return 0


def cmd_whoami(args) -> int:
    from data.access import IdentityInvalid, resolve
    store = open_store(args)
    try:
        access = resolve(store, args.user, args.group or [])
    except IdentityInvalid as problem:
        print(str(problem), file=sys.stderr)
        return 2
    payload = access.as_dict(store.teams())
    if args.json:
        emit(args, payload)
    elif not payload["teams"]:
        print(f"{payload['identity']}: no access (no grant names this identity or its groups).")
    else:
        print(f"{payload['identity']}{' (admin: every team, settings, backup and restore)' if access.admin else ''}")
        for team, role in payload["teams"].items():
            print(f"  {team:<30} {role}")
    return 0

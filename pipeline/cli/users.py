"""CLI: python -m pipeline users add|list|set-role|disable|ensure-admin."""
from __future__ import annotations

import os

from pipeline.cli.output import print_json
from pipeline.config import Settings


def _desk(s: Settings):
    from pipeline.review.desk import ReviewDesk
    from pipeline.store.database import DraftStore
    return ReviewDesk(DraftStore.for_data_dir(s.data_dir))


def cmd_users(args, s: Settings) -> int:
    desk = _desk(s)
    if args.action == "list":
        people = desk.list_users()
        if args.json:
            print_json([u.__dict__ for u in people])
        for u in [] if args.json else people:
            print(f"{u.username:<20} {u.role:<9} {'active' if u.active else 'disabled'}")
        return 0
    if args.action == "add":
        password = os.environ.get(args.password_env) if args.password_env else None
        user, password = desk.add_user(args.username, args.role, password)
        print(f"user {user.username} ({user.role}) created" +
              ("" if args.password_env else f"; password (shown once): {password}"))
        return 0
    if args.action == "set-role":
        desk.set_role(args.username, args.role)
        print(f"{args.username} is now {args.role}")
        return 0
    if args.action == "disable":
        desk.disable(args.username)
        print(f"{args.username} can no longer sign in")
        return 0
    if args.action == "ensure-admin":  # first run: an admin exists, password from STUDIO_ADMIN_PASSWORD or printed
        if desk.count_users():
            return 0
        user, password = desk.add_user("admin", "admin", os.environ.get("STUDIO_ADMIN_PASSWORD") or None)
        shown = "from STUDIO_ADMIN_PASSWORD" if os.environ.get("STUDIO_ADMIN_PASSWORD") else f"{password} (shown once)"
        print(f"first admin created: user 'admin', password {shown}")
        return 0
    return 2


def add_parser(sub) -> None:
    from pipeline.review.desk import ROLES
    u = sub.add_parser("users", help="manage who can review and approve (roles: " + ", ".join(ROLES) + ")")
    usub = u.add_subparsers(dest="action", required=True)
    ul = usub.add_parser("list")
    ul.add_argument("--json", action="store_true")
    ua = usub.add_parser("add")
    ua.add_argument("username")
    ua.add_argument("--role", choices=ROLES, default="editor")
    ua.add_argument("--password-env", help="read the password from this environment variable (else one is generated)")
    ur = usub.add_parser("set-role")
    ur.add_argument("username")
    ur.add_argument("role", choices=ROLES)
    ud = usub.add_parser("disable")
    ud.add_argument("username")
    usub.add_parser("ensure-admin", help="create the first admin if there is no user yet")
    u.set_defaults(func=cmd_users)

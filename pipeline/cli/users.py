"""CLI: python -m pipeline users add|list|set-role|disable|passwd|ensure-admin."""
from __future__ import annotations

import getpass
import os
import sys

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
    if args.action == "passwd":
        return _passwd(desk, args)
    if args.action == "ensure-admin":  # first run: an admin exists, password from STUDIO_ADMIN_PASSWORD or printed
        if desk.count_users():
            return 0
        user, password = desk.add_user("admin", "admin", os.environ.get("STUDIO_ADMIN_PASSWORD") or None)
        shown = "from STUDIO_ADMIN_PASSWORD" if os.environ.get("STUDIO_ADMIN_PASSWORD") else f"{password} (shown once)"
        print(f"first admin created: user 'admin', password {shown}")
        return 0
    return 2


def _passwd(desk, args) -> int:
    """Change USER's password: with USER's current password, or (--as ADMIN) with an admin's. Passwords come from
    the named environment variables or a prompt that does not echo; none is ever printed."""
    who = args.as_admin or args.username
    old = _secret(args.old_password_env, f"{'admin ' + who if args.as_admin else 'current'} password for {who}: ")
    new = _secret(args.password_env, f"new password for {args.username}: ")
    if not args.password_env and _secret(None, "new password again: ") != new:
        from pipeline.errors import ReviewError
        raise ReviewError("the two new passwords differ", fix="run the command again and type the same one twice")
    if args.as_admin:
        desk.reset_password(args.as_admin, old, args.username, new)
        print(f"password of {args.username} set by {args.as_admin}; any sign-in delay on the account is lifted")
    else:
        desk.change_password(args.username, old, new)
        print(f"password changed for {args.username}")
    return 0


def _secret(env_name: str | None, prompt: str) -> str:
    """The value of the environment variable `env_name`, else what is typed at a prompt that does not echo."""
    from pipeline.errors import ReviewError
    if env_name:
        value = os.environ.get(env_name)
        if not value:
            raise ReviewError(f"the environment variable {env_name} is empty or not set",
                              fix=f"set {env_name}, or leave its option out to be asked at a prompt")
        return value
    if not sys.stdin.isatty():  # getpass would wait on the terminal, or read a password from a pipe
        raise ReviewError("no terminal to ask for the password on",
                          fix="run it in a terminal, or name variables: --old-password-env VAR --password-env VAR")
    return getpass.getpass(prompt)


def add_parser(sub) -> None:
    from pipeline.review.desk import ROLES
    u = sub.add_parser("users", help="manage who can review and approve (roles: " + ", ".join(ROLES) + ")")
    usub = u.add_subparsers(dest="action", required=True)
    ul = usub.add_parser("list")
    ul.add_argument("--json", action="store_true")
    ua = usub.add_parser("add")
    ua.add_argument("username")
    ua.add_argument("--role", choices=ROLES, default="editor")
    ua.add_argument("--password-env", help="read the password from this environment variable (else one is generated); "
                    "checked for strength (zxcvbn)")
    ur = usub.add_parser("set-role")
    ur.add_argument("username")
    ur.add_argument("role", choices=ROLES)
    ud = usub.add_parser("disable")
    ud.add_argument("username")
    up = usub.add_parser("passwd", help="change a password: your own (the current one is asked), or anyone's as an "
                         "admin (--as ADMIN: the admin's password is asked); checked for strength")
    up.add_argument("username")
    up.add_argument("--as", dest="as_admin", metavar="ADMIN", help="an admin sets it (their own password is asked)")
    up.add_argument("--old-password-env", metavar="VAR",
                    help="read the current password (the admin's, with --as) from this variable (else a prompt)")
    up.add_argument("--password-env", metavar="VAR", help="read the new password from this variable (else a prompt)")
    usub.add_parser("ensure-admin", help="create the first admin if there is no user yet")
    u.set_defaults(func=cmd_users)

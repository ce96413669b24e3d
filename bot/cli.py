"""`python -m bot ...`: the practitioner's and administrator's command line."""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

from bot.config import PROJECT_ROOT, SettingsError, load_settings

LOGIN_RECORDS_KEPT = timedelta(days=1)  # a log-in is kept a day, then `purge` forgets it


class CommandError(Exception):
    """A clear message for the person at the keyboard; exit status 2."""


def main(argv: Optional[List[str]] = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args) or 0
    except (CommandError, SettingsError, ValueError, LookupError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Own Words")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(name: str, handler, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.set_defaults(handler=handler)
        return sub

    command("env", _env, "create .env from .env.example with a fresh data key (once)")
    keys = command("keys", lambda a: None, "data keys")
    key_commands = keys.add_subparsers(required=True, metavar="KEYS_COMMAND")
    key_commands.add_parser("new", help="print a new data key").set_defaults(handler=_keys_new)
    key_commands.add_parser(
        "rotate", help="a new data key in .env, and everything stored re-encrypted with it (stop Own Words first)"
    ).set_defaults(handler=_keys_rotate)
    command("migrate", _migrate, "create or upgrade the database")
    command("validate", _validate, "check the training data and domain (rasa data validate --fail-on-warnings)")
    command("lint", _lint, "the prompt lint: everything the bot says, checked against prompt_lint.yml")
    nlu_report = command("nlu-report", _nlu_report, "how typed words are taken, on messages kept apart from training")
    _messages_options(nlu_report, "tests/nlu/child_messages.yml")
    command("train", _train, "train the model if the config, domain or data changed")
    command("model-path", _model_path, "print the path of the model for the current files")
    command("wait-ready", _wait_ready, "wait for both servers, then say where to send messages")

    session = command("session", lambda a: None, "direct-work sessions")
    session_commands = session.add_subparsers(required=True, metavar="SESSION_COMMAND")
    new = session_commands.add_parser("new", help="start a session; prints its id (the Rasa sender id)")
    new.set_defaults(handler=_session_new)
    new.add_argument("--case", required=True, help="case reference (created if new)")
    new.add_argument("--child-name", required=True, help="the name the child chose to be called")
    new.add_argument("--age", required=True, type=int, help="the child's age, 4 to 17")
    new.add_argument("--language", required=True, help="language of the prompts, e.g. en")
    new.add_argument("--practitioner", required=True, help="the practitioner's name")
    new.add_argument("--present", help="who else is present")
    new.add_argument("--place", help="where the session takes place")
    new.add_argument("--case-about", help="what the case is about, in neutral words said to the child "
                                          "(e.g. \"where you live\"); leave it out to skip the question that names it")
    new.add_argument("--seen-alone", choices=["yes", "no"], help="whether the child is seen alone")
    new.add_argument("--plan", help="activities in order, comma-separated (default: activities.yml)")
    new.add_argument(
        "--child-chooses", choices=["yes", "no"], default="yes",
        help="offer the child a choice of which planned activity comes next (default: yes)",
    )

    users = command("users", lambda a: None, "accounts for the web app")
    user_commands = users.add_subparsers(required=True, metavar="USERS_COMMAND")
    add = user_commands.add_parser("add", help="add an account (the password is asked for, never given here)")
    add.set_defaults(handler=_users_add)
    add.add_argument("name", help="the user name to log in with")
    add.add_argument("--role", required=True, choices=["fca", "trainer", "admin"])
    add.add_argument("--display-name", help="the name the child is told (default: the user name)")
    add.add_argument(
        "--password-stdin", action="store_true",
        help="read the password from standard input (for scripts) instead of asking twice",
    )
    token = user_commands.add_parser(
        "token", help="print a new API token for scripted use of the web app's API (it works for API_TOKEN_DAYS)"
    )
    token.set_defaults(handler=_users_token)
    token.add_argument("name")
    revoke = user_commands.add_parser("revoke-tokens", help="end every API token of a user at once")
    revoke.set_defaults(handler=_users_revoke_tokens)
    revoke.add_argument("name")

    cases = command("cases", lambda a: None, "cases (an administrator's commands)")
    case_commands = cases.add_subparsers(required=True, metavar="CASES_COMMAND")
    reallocate = case_commands.add_parser("reallocate", help="give a case, with all its sessions, to another practitioner")
    reallocate.set_defaults(handler=_cases_reallocate)
    reallocate.add_argument("case_reference")
    reallocate.add_argument("user", help="the practitioner (fca) it now belongs to")
    close = case_commands.add_parser(
        "close", help="the proceedings have ended: `purge` erases the case RETENTION_DAYS after today"
    )
    close.set_defaults(handler=_cases_close)
    close.add_argument("case_reference")

    erase = command("erase", _erase, "erase a case now, from every store (an audit event records that it was)")
    erase.add_argument("case_reference")
    erase.add_argument("--yes", action="store_true", help="do not ask to confirm (for scripts)")
    command("purge", _purge, "erase every case closed more than RETENTION_DAYS ago")

    command("web", _web, "serve the web app (WEB_HOST:WEB_PORT)")

    export = command("export", _export, "write the summary of a session")
    export.add_argument("session_id")
    export.add_argument("--format", choices=["json", "md", "html", "docx"], default="md")
    export.add_argument("--all", action="store_true", help="every answer, also those the practitioner left out")
    export.add_argument("--as", dest="as_user", metavar="USER",
                        help="export as this practitioner: refused unless the case is theirs")
    export.add_argument("--page", metavar="ACTIVITY",
                        help="just this activity, on a page of its own to file alone (judge_message)")
    export.add_argument("--output", "-o", help="file to write (default: standard output; needed for docx)")

    audit = command("audit", _audit, "list the audit events of a case: who viewed, exported or changed what, when")
    audit.add_argument("case_reference")

    flags = command("flags", _flags, "list the safeguarding flags no one has acknowledged yet, oldest first")
    flags.add_argument("--as", dest="as_user", metavar="USER", help="just this practitioner's cases")
    flags.add_argument("--format", choices=["text", "json"], default="text")

    safeguarding = command("safeguarding-report", _safeguarding_report,
                           "how the word list and the trained model find disclosures, on messages kept apart")
    _messages_options(safeguarding, "tests/nlu/safeguarding.yml")

    verify = command("verify", _verify, "check that a session's turns and answers are as they were written "
                     "(its record's chain): says intact, or where it breaks (exit 1)")
    verify.add_argument("session_id")

    transcript = command("transcript", _transcript, "print a session's full transcript")
    transcript.add_argument("session_id")
    transcript.add_argument("--format", choices=["json", "text"], default="text")
    return parser


def _messages_options(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument("--messages", default=str(PROJECT_ROOT / default),
                        help=f"a YAML file of labelled messages, labels as keys (default: {default})")
    parser.add_argument("--counts-only", action="store_true",
                        help="print the figures but not the messages missed (for a sealed set, kept unseen)")


def _messages_file(args) -> Path:
    path = Path(args.messages)
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    import yaml

    from bot.pack.nlu_eval import load_messages

    try:
        load_messages(path)
    except (ValueError, yaml.YAMLError) as error:
        raise CommandError(f"{path}: {error}") from None
    return path


def _write(text: Union[str, bytes], output: Optional[str] = None) -> None:
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    if output:
        Path(output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def _store():
    from bot.store.repository import Store

    return Store.from_settings()


def _env(_args) -> None:
    from bot.envfile import ensure_env_file

    print(ensure_env_file(PROJECT_ROOT))


def _keys_new(_args) -> None:
    from bot.store.crypto import new_key

    print(new_key())


def _cases_close(args) -> None:
    from bot.store.reviews import Reviews

    store = _store()
    closed = store.close_case(args.case_reference)
    Reviews(store).audit(f"command line ({getpass.getuser()})", "close_case", case_reference=args.case_reference)
    print(f"Case {args.case_reference} closed on {closed:%Y-%m-%d}; `purge` erases it after "
          f"{load_settings().retention_days} days (RETENTION_DAYS).")


def _erase(args) -> None:
    from bot.store.erasure import NoSuchCase, erase_case

    if not args.yes:
        answer = input(f"Erase case {args.case_reference} and everything the child said in it, for good? "
                       "Type the case reference to confirm: ")
        if answer.strip() != args.case_reference:
            raise CommandError("not confirmed: nothing was erased")
    try:
        erased = erase_case(_store(), load_settings().tracker_db, args.case_reference,
                            f"command line ({getpass.getuser()})")
    except NoSuchCase as error:
        raise CommandError(str(error)) from None
    print(f"Erased case {erased.case_reference}: {erased.sessions} sessions, {erased.answers} answers, "
          f"{erased.conversation_events} conversation events.")


def _purge(_args) -> None:
    from bot.store.accounts import Accounts
    from bot.store.erasure import purge
    from bot.store.logins import Logins
    from bot.store.repository import utcnow

    settings = load_settings()
    store = _store()
    erased = purge(store, settings.tracker_db, settings.retention_days, f"command line ({getpass.getuser()})")
    for case in erased:
        print(f"Erased case {case.case_reference}: {case.sessions} sessions, {case.answers} answers.")
    print(f"{len(erased)} cases closed more than {settings.retention_days} days ago erased.")
    # what log-ins leave behind: failed attempts past their window, log-ins over a day old
    failures = Accounts(store).forget_failures()
    logins = Logins(store).forget_older_than(utcnow() - LOGIN_RECORDS_KEPT)
    print(f"Forgot {failures} failed log-ins and {logins} log-ins that have ended or expired.")


def _keys_rotate(_args) -> None:
    from bot.store.rotation import RotationRefused, rotate

    try:
        done = rotate(load_settings(), PROJECT_ROOT / ".env")
    except RotationRefused as error:
        raise CommandError(str(error)) from None
    print(f"New data key in .env. Re-encrypted {done.values} values in our tables and {done.events} "
          "conversation events in Rasa's tracker store.")


def _migrate(_args) -> None:
    from bot.private_files import tighten
    from bot.store.crypto import Cipher
    from bot.store.db import migrate
    from bot.store.tracker_events import encrypt_plain_rows

    settings = load_settings()
    tighten(PROJECT_ROOT / "var")  # as an older version may have left it: readable by its owner alone
    migrate(settings.database_url, data_key=settings.data_key)
    encrypted = encrypt_plain_rows(settings.tracker_db, Cipher(settings.data_key, settings.previous_data_keys))
    if encrypted:
        print(f"Encrypted {encrypted} conversation events Rasa's tracker store held in the clear.")
    print("Database is up to date.")


def _validate(_args) -> int:
    from bot.pack.validate_data import validate

    problems = validate(PROJECT_ROOT)
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    if problems:
        return 1
    print("The training data and domain are valid.")
    return 0


def _lint(_args) -> int:
    from bot.pack.lint import lint_project

    findings = lint_project(PROJECT_ROOT)
    for finding in findings:
        print(finding.line)
    if findings:
        print(f"{len(findings)} finding{'s' if len(findings) != 1 else ''}: change the wording (or prompt_lint.yml), "
              "then run `make validate` again.")
        return 1
    print("No findings.")
    return 0


def _nlu_report(args) -> None:
    from bot.pack.model import model_path
    from bot.pack.nlu_eval import evaluate

    evaluation = evaluate(model_path(), _messages_file(args))
    print(evaluation.table())
    if not args.counts_only:
        for message, expected, taken in evaluation.controls_missed():
            print(f"{expected} taken as {taken}: {message!r}")
        for message, taken in evaluation.answers_taken_as_controls():
            print(f"answer taken as {taken}: {message!r}")
        for message, taken in evaluation.answers_checked():
            print(f"answer checked with the child ({taken}): {message!r}")


def _train(_args) -> None:
    from bot.pack.model import ensure_trained

    ensure_trained()


def _model_path(_args) -> None:
    from bot.pack.model import model_path

    print(model_path())


def _wait_ready(_args) -> int:
    from bot.ready import announce_and_wait

    return announce_and_wait(load_settings())


def _session_new(args) -> None:
    from bot.dialogue.sessions import start_session
    from bot.pack.prompt_pack import PromptPack

    plan = [key.strip() for key in args.plan.split(",")] if args.plan else None
    store = _store()
    session = start_session(
        store,
        PromptPack.load(),
        case_reference=args.case,
        child_name=args.child_name,
        age=args.age,
        language=args.language,
        practitioner=args.practitioner,
        present=args.present,
        place=args.place,
        case_about=args.case_about,
        plan=plan,
        child_chooses=args.child_chooses == "yes",
        seen_alone={"yes": True, "no": False}.get(args.seen_alone),
    )
    print(session.id)


def _users_add(args) -> None:
    from bot.store.accounts import Accounts

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Same password again: ") != password:
            raise CommandError("the two passwords differ; nothing was changed")
    user = Accounts(_store()).add(args.name, password, args.role, args.display_name)
    print(f"added {user.name} ({user.role})")


def _users_token(args) -> None:
    from bot.store.accounts import Accounts

    token, expires = Accounts(_store()).new_token(args.name, load_settings().api_token_days)
    print(token)  # alone on standard output, for TOKEN=$(python -m bot users token NAME)
    print(f"It works until {expires:%Y-%m-%d %H:%M} UTC (API_TOKEN_DAYS); "
          f"`python -m bot users revoke-tokens {args.name}` ends it sooner.", file=sys.stderr)


def _users_revoke_tokens(args) -> None:
    from bot.store.accounts import Accounts

    count = Accounts(_store()).revoke_tokens(args.name)
    print(f"Revoked {count} API tokens of {args.name}.")


def _cases_reallocate(args) -> None:
    from bot.store.accounts import Accounts
    from bot.store.reviews import Reviews

    store = _store()
    user = Accounts(store).by_name(args.user)
    if user.role != "fca":
        raise CommandError(f"{user.name} is not a practitioner (fca)")
    store.reallocate_case(args.case_reference, user.id, user.display_name)
    Reviews(store).audit(f"command line ({getpass.getuser()})", "reallocate", case_reference=args.case_reference,
                         detail={"to": user.name})
    print(f"case {args.case_reference} now belongs to {user.name}")


def _web(_args) -> None:
    import logging

    from waitress import serve

    from bot import logs
    from bot.store.drawing_image import MAX_DRAWING_BYTES
    from bot.web import create_app

    settings = load_settings()
    logs.configure()
    app = create_app(settings)
    logging.getLogger("waitress").setLevel(logging.WARNING)
    print(f"Own Words web app: {settings.web_url}", flush=True)
    # The largest body any request may have (a drawing's), kept in memory: waitress would otherwise
    # accept a gigabyte and spool anything over 512 KB to a temporary file, a drawing in the clear.
    largest = MAX_DRAWING_BYTES + 64 * 1024
    serve(app, host=settings.web_host, port=settings.web_port, threads=8, ident=None,
          max_request_body_size=largest, inbuf_overflow=largest)


def _export(args) -> None:
    from bot.pack.prompt_pack import PromptPack
    from bot.report.render import render
    from bot.report.summary import build_summary
    from bot.store.accounts import Accounts
    from bot.store.reviews import Reviews

    if args.format == "docx" and not args.output:
        raise CommandError("a Word document needs a file: add -o summary.docx")
    pack = PromptPack.load()
    if args.page and args.page not in pack.own_pages:
        raise CommandError(f"--page can be one of: {', '.join(pack.own_pages)}")
    settings = load_settings()
    store = _store()
    actor = f"command line ({getpass.getuser()})"
    if args.as_user:
        user = Accounts(store).by_name(args.as_user)
        session = store.get_session(args.session_id)
        if user.role != "fca" or session is None or session.owner_id != user.id:
            raise CommandError(f"{user.name} has no session {args.session_id!r} among their cases")
        actor = user.name
    summary = build_summary(store, pack, args.session_id, settings.report_time_zone, include_all=args.all)
    _write(render(summary, args.format, page=args.page), args.output)
    Reviews(store).audit(
        actor, "export", case_reference=summary["session"]["case_reference"],
        session_id=args.session_id,
        detail={"format": args.format, "all": args.all, "page": args.page, "content_hash": summary["content_hash"]},
    )


def _flags(args) -> None:
    from bot.pack.prompt_pack import PromptPack
    from bot.store.accounts import Accounts
    from bot.store.flags import Flags
    from bot.store.reviews import Reviews

    store = _store()
    owner, actor = None, f"command line ({getpass.getuser()})"
    if args.as_user:
        user = Accounts(store).by_name(args.as_user)
        if user.role != "fca":
            raise CommandError(f"{user.name} is not a practitioner (fca): they have no cases")
        owner, actor = user.id, user.name
    flags = Flags(store).unacknowledged(owner)
    pack = PromptPack.load()
    rows = [
        {"flag": f.id, "at": f.at.isoformat(), "case_reference": f.case_reference, "session_id": f.session_id,
         "activity": pack.title(f.activity) if f.activity in pack.activities else None, "words": f.words}
        for f in flags
    ]
    for row in rows:
        Reviews(store).audit(actor, "view_flag", case_reference=row["case_reference"], session_id=row["session_id"],
                             detail={"flag": row["flag"]})
    if args.format == "json":
        _write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    if not rows:
        print("No safeguarding flags wait for acknowledgement.")
        return
    for row in rows:
        print(f"{row['at']}  case {row['case_reference']}  session {row['session_id']}  {row['activity'] or ''}")
        print("    " + json.dumps(row["words"], ensure_ascii=False))


def _safeguarding_report(args) -> None:
    from bot.pack.model import model_path
    from bot.safeguarding.evaluation import evaluate

    evaluation = evaluate(model_path(), _messages_file(args))
    print(evaluation.table())
    print("\n" + evaluation.summary())
    if not args.counts_only:
        for message in evaluation.missed():
            print(f"disclosure missed: {message!r}")
        for message, by in evaluation.false_alarms():
            print(f"false alarm ({by}): {message!r}")


def _audit(args) -> None:
    from bot.store.reviews import Reviews

    for event in Reviews(_store()).audit_events(args.case_reference):
        detail = json.dumps(event["detail"], ensure_ascii=False) if event["detail"] else ""
        print(f"{event['at']}  {event['actor']}  {event['action']}  {event['session_id'] or ''}  {detail}".rstrip())


def _verify(args) -> int:
    verdict = _store().verify(args.session_id)
    if verdict.intact:
        print(f"intact: {verdict.entries} turns and answers, as they were written (chain head {verdict.head})")
        return 0
    print(f"NOT INTACT: session {verdict.session_id}" if verdict.chained else f"not checked: session {verdict.session_id}")
    for problem in verdict.problems:
        print(f"- {problem}")
    return 1


def _transcript(args) -> None:
    from bot.store.reviews import Reviews

    store = _store()
    session = store.get_session(args.session_id)
    if session is None:
        raise CommandError(f"no session has the id {args.session_id!r}")
    from bot.store.drawings import Drawings

    turns = store.transcript(args.session_id)
    Reviews(store).audit(f"command line ({getpass.getuser()})", "view_transcript",
                         case_reference=session.case_reference, session_id=session.id)
    # a child's turn that sent a drawing: the drawing named by its SHA-256, not the payload
    sent = Drawings(store).sent_in(session.id, turns)

    def drawing(t) -> Optional[Dict[str, Any]]:
        drawing_id, found = sent[t.seq]
        return {"id": drawing_id, "sha256": found.sha256 if found else None, "kept": found is not None}

    if args.format == "json":
        rows = [
            {
                "order": t.seq,
                "speaker": t.speaker,
                "input": t.input,
                "text": t.text,
                "payload": t.payload,
                "buttons": t.buttons,
                "entered_by": t.entered_by,
                "scribe": t.scribe,
                "at": t.at.isoformat(),
                **({"drawing": drawing(t)} if t.seq in sent else {}),
            }
            for t in turns
        ]
        _write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    lines, shown = [], []
    for t in turns:
        if t.speaker == "bot":
            shown = t.buttons or shown
        title = next((b.get("title") for b in shown if b.get("payload") == t.payload), t.payload)
        if t.seq in sent:
            sha256 = drawing(t)["sha256"]
            said = f"[drawing {sha256[:12]}]" if sha256 else "[drawing, not kept]"
        else:
            said = t.text if t.text is not None else f"[tapped {title}]"
        buttons = " ".join(f"[{b.get('title')}]" for b in (t.buttons or []))
        scribed = f"  (written down by {t.scribe})" if t.entered_by == "practitioner" else ""
        lines.append(f"{t.at:%H:%M:%S} {t.speaker:>5}: {said}{'  ' + buttons if buttons else ''}{scribed}")
    _write("\n".join(lines) + "\n")

"""Email delivery against a real SMTP server (aiosmtpd) on this machine, with STARTTLS and a login.

The server's certificate comes from a throwaway certificate authority (trustme); the client trusts
it through COMPLIANCE_SMTP_CAFILE, exactly as a council would trust its own mail server's CA.
"""

from __future__ import annotations

import email
import os
import socket
import sqlite3
import ssl
import subprocess
import sys
from email import policy
from pathlib import Path

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

import compliance.nightly._run
from compliance.errors import InputError
from compliance.nightly._html import CONTENT_SECURITY_POLICY
from compliance.nightly._mail import (MailError, MailSettings, build_message, check_address, check_header_text,
                                      load_settings, send)

from conftest import FIXTURES, ROOT, printed_input_error

COUNCIL = FIXTURES / "report" / "council.yaml"
USER, PASSWORD = "reports", "correct horse battery staple"


class Inbox:
    """An aiosmtpd handler that keeps every message with whether it came over TLS from a logged-in client."""

    def __init__(self) -> None:
        self.messages: list[tuple[email.message.EmailMessage, bool, bool, list[str]]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append((message, session.ssl is not None, bool(session.authenticated), envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False)  # not handled: the server answers 235 or 535 itself


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture(scope="module")
def cafile(ca, tmp_path_factory):
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture
def server(ca):
    """A real SMTP server on 127.0.0.1 that requires STARTTLS before anything else, and a login."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), tls_context=context,
                            require_starttls=True, authenticator=authenticate, auth_require_tls=True)
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def plain_server():
    """A real SMTP server that offers no STARTTLS."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def smtp_env(controller, cafile, **overrides):
    env = {"COMPLIANCE_SMTP_HOST": "127.0.0.1", "COMPLIANCE_SMTP_PORT": str(controller.port),
           "COMPLIANCE_SMTP_USER": USER, "COMPLIANCE_SMTP_PASSWORD": PASSWORD,
           "COMPLIANCE_SMTP_FROM": "compliance-bot@example-council.gov.uk", "COMPLIANCE_SMTP_CAFILE": str(cafile)}
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def test_the_report_arrives_over_starttls_with_its_attachments(server, cafile, tmp_path, monkeypatch, run_cli):
    controller, inbox = server
    for key, value in smtp_env(controller, cafile).items():
        monkeypatch.setenv(key, value)
    code, _, err = run_cli("report", str(COUNCIL), "--as-of", "2026-11-20", "--out", str(tmp_path),
                           "--mail-to", "childrens-services@example-council.gov.uk", "head@example-council.gov.uk")
    assert code == 1, err  # overdue duties: the report was still mailed
    assert "mailed the report to childrens-services@example-council.gov.uk" in err
    (message, over_tls, logged_in, recipients), = inbox.messages
    assert over_tls and logged_in
    assert recipients == ["childrens-services@example-council.gov.uk", "head@example-council.gov.uk"]
    assert message["Subject"] == ("Statutory deadlines report as of 2026-11-20: 2 overdue, 2 due within "
                                  "10 working days, 0 late completions")
    assert message["From"] == "compliance-bot@example-council.gov.uk"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "## Summary" in text and "- **2** overdue" in text
    assert html.startswith("<!DOCTYPE html>") and 'data-summary="overdue"' in html
    attached = {part.get_filename(): part for part in message.iter_attachments()}
    assert set(attached) == {"report-2026-11-20.html", "findings-2026-11-20.csv", "deadlines-2026-11-20.ics"}
    run = tmp_path / "2026-11-20"
    assert attached["report-2026-11-20.html"].get_content() == (run / "report.html").read_text()
    assert attached["findings-2026-11-20.csv"].get_content_type() == "text/csv"
    assert attached["deadlines-2026-11-20.ics"].get_content_type() == "text/calendar"
    assert attached["deadlines-2026-11-20.ics"].get_payload(decode=True) == (run / "deadlines.ics").read_bytes()


def test_a_wrong_password_is_a_clear_error_and_the_report_stays_written(server, cafile, tmp_path, monkeypatch,
                                                                        run_cli):
    controller, inbox = server
    for key, value in smtp_env(controller, cafile, COMPLIANCE_SMTP_PASSWORD="wrong").items():
        monkeypatch.setenv(key, value)
    code, _, err = run_cli("report", str(COUNCIL), "--as-of", "2026-11-20", "--out", str(tmp_path),
                           "--mail-to", "a@example-council.gov.uk")
    assert code == 2
    assert f"refused the login for '{USER}'" in err and "Traceback" not in err
    assert f"; run 1 is published in {tmp_path / '2026-11-20'} and recorded" in err
    assert (tmp_path / "latest.html").is_file()
    assert inbox.messages == []


def test_an_untrusted_certificate_is_refused(server, tmp_path):
    controller, inbox = server
    settings = MailSettings(host="127.0.0.1", port=controller.port, sender="a@example.gov.uk", user=USER,
                            password=PASSWORD)
    with pytest.raises(MailError, match="certificate verify failed"):
        send(settings, build_message("a@example.gov.uk", ["b@example.gov.uk"], "s", "t"))
    assert inbox.messages == []


def test_a_server_without_starttls_is_refused(plain_server):
    controller, inbox = plain_server
    settings = MailSettings(host="127.0.0.1", port=controller.port, sender="a@example.gov.uk")
    with pytest.raises(MailError, match="does not offer STARTTLS"):
        send(settings, build_message("a@example.gov.uk", ["b@example.gov.uk"], "s", "t"))
    assert inbox.messages == []


def test_a_trusted_local_relay_without_tls(plain_server):
    controller, inbox = plain_server
    settings = load_settings({"COMPLIANCE_SMTP_HOST": "127.0.0.1", "COMPLIANCE_SMTP_PORT": str(controller.port),
                              "COMPLIANCE_SMTP_FROM": "a@example.gov.uk", "COMPLIANCE_SMTP_STARTTLS": "false"})
    send(settings, build_message(settings.sender, ["b@example.gov.uk"], "Nightly", "body"))
    (message, over_tls, _, _), = inbox.messages
    assert message["Subject"] == "Nightly" and not over_tls


def test_nothing_listening_is_a_clear_error():
    settings = MailSettings(host="127.0.0.1", port=free_port(), sender="a@example.gov.uk", timeout=5)
    with pytest.raises(MailError, match=r"could not send the report by email through 127\.0\.0\.1:\d+"):
        send(settings, build_message("a@example.gov.uk", ["b@example.gov.uk"], "s", "t"))


def test_settings_from_an_ini_file_overlaid_by_the_environment(tmp_path):
    ini = tmp_path / "smtp.ini"
    ini.write_text("[smtp]\nhost = mail.example-council.gov.uk\nport = 2525\nuser = reports\n"
                   "password = from-file\nfrom = bot@example-council.gov.uk\n")
    settings = load_settings({"COMPLIANCE_SMTP_PASSWORD": "from-env"}, ini)
    assert (settings.host, settings.port, settings.user, settings.password, settings.starttls) == (
        "mail.example-council.gov.uk", 2525, "reports", "from-env", True)
    assert "from-env" not in repr(settings)


def test_settings_from_a_yaml_file_named_in_the_environment(tmp_path):
    config = tmp_path / "smtp.yaml"
    config.write_text("smtp:\n  host: relay.internal\n  from: bot@example-council.gov.uk\n  starttls: false\n")
    settings = load_settings({"COMPLIANCE_SMTP_CONFIG": str(config)})
    assert (settings.host, settings.port, settings.starttls) == ("relay.internal", 25, False)


@pytest.mark.parametrize("env, config, message", [
    ({}, None, "no mail host or from is set"),
    ({"COMPLIANCE_SMTP_HOST": "h", "COMPLIANCE_SMTP_FROM": "f", "COMPLIANCE_SMTP_PORT": "smtp"}, None,
     "port must be a number"),
    ({"COMPLIANCE_SMTP_HOST": "h", "COMPLIANCE_SMTP_FROM": "f", "COMPLIANCE_SMTP_STARTTLS": "maybe"}, None,
     "starttls must be true or false"),
    ({"COMPLIANCE_SMTP_HOST": "h", "COMPLIANCE_SMTP_FROM": "f", "COMPLIANCE_SMTP_STARTTLS": "no",
      "COMPLIANCE_SMTP_USER": "u"}, None, "send the password in clear"),
    ({}, "[smtp]\nhost = h\nfrom = f\nhsot = typo\n", "unknown setting 'hsot'"),
    ({}, "[mail]\nhost = h\n", r"no \[smtp\] section"),
    ({}, "[smtp]\nhost = h\nfrom = f\nport = 99999\n", "port must be a number from 1 to 65535, not '99999'"),
    ({}, "[smtp]\nhost = h\nfrom = f\nport = " + "9" * 5000 + "\n", "port must be a number from 1 to 65535"),
])
def test_bad_settings_are_named(tmp_path, env, config, message):
    path = None
    if config is not None:
        path = tmp_path / "smtp.ini"
        path.write_text(config)
    with pytest.raises(InputError, match=message):
        load_settings(env, path)


@pytest.mark.parametrize("config, message", [
    # Found by tests/test_fuzz.py: each was a TypeError or UnicodeDecodeError traceback.
    ("smtp:\n  host: h\n  from: a@example.gov.uk\n  null: 587\n  2024-01-01: x\n", "unknown setting 2024-01-01"),
    ("smtp:\n  host: [a, b]\n  from: a@example.gov.uk\n", "smtp.host: must be one value, not a list or mapping"),
    ("smtp:\n  host: h\n  from: a@example.gov.uk\n  port: true\n", "port must be a number from 1 to 65535, not 'true'"),
])
def test_a_yaml_settings_file_of_the_wrong_shape_is_named_not_a_traceback(tmp_path, config, message):
    path = tmp_path / "smtp.yaml"
    path.write_text(config)
    with pytest.raises(InputError) as caught:
        load_settings({}, path)
    assert message in str(caught.value) and "None" not in str(caught.value)


def test_a_settings_file_that_is_not_utf8_is_named(tmp_path):
    path = tmp_path / "smtp.ini"
    path.write_bytes(b"[smtp]\nhost = caf\xe9\n")
    with pytest.raises(InputError, match="not UTF-8 text"):
        load_settings({}, path)


def test_mail_to_without_settings_stops_before_writing(tmp_path, monkeypatch, run_cli):
    for key in ("HOST", "FROM", "CONFIG"):
        monkeypatch.delenv(f"COMPLIANCE_SMTP_{key}", raising=False)
    code, _, err = run_cli("report", str(COUNCIL), "--as-of", "2026-11-20", "--out", str(tmp_path / "out"),
                           "--mail-to", "a@example-council.gov.uk")
    assert code == 2 and "no mail host or from is set" in err
    assert not Path(tmp_path / "out").exists()


ALIAS_BOMB = "".join(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
                     for prev, name in zip([None, *"abcdefgh"], "abcdefghi"))


def test_an_alias_bomb_in_a_yaml_settings_file_is_refused_within_a_memory_cap(tmp_path):
    """Nine levels of nine aliases would be 387 million values; the capped loader stops at a million.

    It runs in a child process allowed 1 GiB of address space and a minute, so a loader without the
    cap (plain yaml.safe_load takes gigabytes) cannot pass by luck.
    """
    config = tmp_path / "smtp.yaml"
    config.write_text(ALIAS_BOMB + "smtp:\n  host: *i\n  from: bot@example.gov.uk\n")
    printed = printed_input_error("from compliance.nightly import load_mail_settings\n"
                                  "load_mail_settings({}, sys.argv[1])", str(config))
    assert printed.startswith(f"{config}:") and "too many values (alias bomb?)" in printed


def test_the_html_part_carries_the_content_security_policy(server, cafile, tmp_path, monkeypatch, run_cli):
    controller, inbox = server
    for key, value in smtp_env(controller, cafile).items():
        monkeypatch.setenv(key, value)
    run_cli("report", str(COUNCIL), "--as-of", "2026-11-20", "--out", str(tmp_path), "--mail-to", "a@example.gov.uk")
    (message, _, _, _), = inbox.messages
    html = message.get_body(("html",)).get_content()
    assert f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">' in html


def test_files_too_large_to_attach_are_named_not_attached(server, cafile, tmp_path, monkeypatch, run_cli):
    controller, inbox = server
    for key, value in smtp_env(controller, cafile).items():
        monkeypatch.setenv(key, value)
    limit = 52_000  # room for the page (about 42 KB) and the calendar (7 KB), not for the CSV (8 KB) as well
    monkeypatch.setattr(compliance.nightly._run, "MAIL_ATTACHMENTS_LIMIT", limit)
    code, _, err = run_cli("report", str(COUNCIL), "--as-of", "2026-11-20", "--out", str(tmp_path),
                           "--mail-to", "a@example.gov.uk")
    assert code == 1, err
    size = {name: (tmp_path / "2026-11-20" / name).stat().st_size for name in ("report.html", "deadlines.ics",
                                                                                 "findings.csv")}
    assert size["report.html"] + size["deadlines.ics"] <= limit < sum(size.values())
    (message, _, _, _), = inbox.messages
    assert {p.get_filename() for p in message.iter_attachments()} == {"report-2026-11-20.html",
                                                                     "deadlines-2026-11-20.ics"}
    text = message.get_body(("plain",)).get_content()
    assert "Too large to attach: findings.csv" in text and str(tmp_path / "2026-11-20") in text
    assert "not attached, too large: findings.csv" in err


def test_an_address_that_is_not_one_never_reaches_the_server(server, cafile, tmp_path, monkeypatch, run_cli):
    controller, inbox = server
    for key, value in smtp_env(controller, cafile).items():
        monkeypatch.setenv(key, value)
    code, _, err = run_cli("report", str(COUNCIL), "--as-of", "2026-11-20", "--out", str(tmp_path / "out"),
                           "--mail-to", "a@example.gov.uk", "not an address")
    assert code == 2 and "--mail-to: 'not an address' is not an email address" in err
    assert inbox.messages == [] and not (tmp_path / "out").exists()


def test_every_unicode_line_break_and_control_character_is_refused_in_a_header_value():
    """What Python's own str.splitlines breaks a line at (and every control character) ends a header too."""
    breaks = [chr(c) for c in range(0x110000) if len(f"a{chr(c)}b".splitlines()) == 2]
    assert {"\n", "\r", "\x85", "\u2028", "\u2029"} <= set(breaks)
    for value in [f"Nightly{c}Bcc: x@evil.example" for c in breaks + [chr(c) for c in range(0x80, 0xa0)]]:
        with pytest.raises(InputError, match="contains a line break or control character"):
            check_header_text(value, "--title")
        with pytest.raises(InputError, match="contains a line break or control character"):
            check_address(value.replace("Nightly", "a@example.gov.uk"), "--mail-to")



@pytest.mark.parametrize("address", ["head\u202eku.vog.example@council.gov.uk", "head\u200b@council.gov.uk",
                                     "\ufeffhead@council.gov.uk", "head\U000e0041@council.gov.uk"])
def test_an_address_holding_a_character_that_shows_nothing_is_refused(address):
    with pytest.raises(InputError) as exc:
        check_address(address, "--mail-to")
    assert str(exc.value).startswith("--mail-to: ") and "is not an email address" in str(exc.value)
    assert check_address("jörg@council.gov.uk", "--mail-to") == "jörg@council.gov.uk"  # a letter is not refused


class DrippingServer:
    """A mail server that greets (or not), then answers with a continuation line every ``every`` seconds, for ever:
    each read is well within any per-read timeout, and the reply never ends."""

    def __init__(self, every: float, greet: bool) -> None:
        import threading

        self.every, self.greet = every, greet
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        self.listener.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                continue
            with conn:
                try:
                    if self.greet:
                        conn.sendall(b"220 mail.example-council.gov.uk ESMTP\r\n")
                        conn.recv(1024)  # EHLO
                    while not self.stopped.wait(self.every):
                        conn.sendall(b"250-still thinking\r\n" if self.greet else b"220-still thinking\r\n")
                except OSError:
                    pass  # the client cut the connection

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=10)
        self.listener.close()


@pytest.fixture(params=[False, True], ids=["dripping-greeting", "dripping-ehlo-answer"])
def dripping(request):
    server = DrippingServer(0.2, greet=request.param)
    yield server
    server.stop()


def test_a_server_that_drips_is_cut_off_at_the_deadline(dripping):
    settings = MailSettings(host="127.0.0.1", port=dripping.port, sender="a@example.gov.uk", starttls=False,
                            timeout=1.5)
    with pytest.raises(MailError, match=r"127.0.0.1:\d+ had not taken the message after 1.5 s "
                                        r"\(COMPLIANCE_SMTP_TIMEOUT\)"):
        send(settings, build_message("a@example.gov.uk", ["b@example.gov.uk"], "s", "t"))


def test_a_report_whose_mail_server_drips_exits_2_with_the_report_published(dripping, tmp_path):
    env = {**os.environ, "COMPLIANCE_SMTP_HOST": "127.0.0.1", "COMPLIANCE_SMTP_PORT": str(dripping.port),
           "COMPLIANCE_SMTP_FROM": "bot@example-council.gov.uk", "COMPLIANCE_SMTP_STARTTLS": "false",
           "COMPLIANCE_SMTP_TIMEOUT": "2"}
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "report", str(COUNCIL), "--as-of", "2026-11-20",
                           "--out", str(tmp_path), "--quiet", "--mail-to", "head@example-council.gov.uk"],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 2, done.stderr
    line, = done.stderr.strip().splitlines()
    assert "had not taken the message after 2 s (COMPLIANCE_SMTP_TIMEOUT)" in line and "is published in" in line
    assert (tmp_path / "latest.html").is_file() and (tmp_path / "2026-11-20" / "findings.json.gz").is_file()
    assert sqlite3.connect(tmp_path / "history.sqlite3").execute("SELECT COUNT(*) FROM runs").fetchone() == (1,)


@pytest.mark.parametrize("value", ["soon", "0", "-5", "nan", "90000"])
def test_a_timeout_that_is_not_a_number_of_seconds_is_refused(value):
    with pytest.raises(InputError, match="timeout must be a number of seconds"):
        load_settings({"COMPLIANCE_SMTP_HOST": "h", "COMPLIANCE_SMTP_FROM": "a@example.gov.uk",
                       "COMPLIANCE_SMTP_TIMEOUT": value})
    assert load_settings({"COMPLIANCE_SMTP_HOST": "h", "COMPLIANCE_SMTP_FROM": "a@example.gov.uk",
                          "COMPLIANCE_SMTP_TIMEOUT": "45"}).timeout == 45


def test_an_encoded_word_in_the_title_or_an_address_is_refused_before_anything_is_sent(server, cafile, tmp_path,
                                                                                     monkeypatch, run_cli):
    """Python decodes an RFC 2047 word in a header it is given: =0A is a line break, so a title could add a Bcc
    header, which smtplib then sent the report to; and an address could become another."""
    controller, inbox = server
    for key, value in smtp_env(controller, cafile).items():
        monkeypatch.setenv(key, value)
    title = "Nightly =?utf-8?q?report=0ABcc=3A_leak=40evil.example?="
    code, _, err = run_cli("report", str(COUNCIL), "--as-of", "2026-11-20", "--out", str(tmp_path / "out"),
                           "--title", title, "--mail-to", "a@example.gov.uk")
    assert code == 2 and "--title: " in err and "an encoded word (RFC 2047)" in err, err
    assert inbox.messages == [] and not (tmp_path / "out").exists()
    code, _, err = run_cli("report", str(COUNCIL), "--as-of", "2026-11-20", "--out", str(tmp_path / "out"),
                           "--mail-to", "=?utf-8?q?leak=40evil.example?=@example.gov.uk")
    assert code == 2 and "--mail-to: " in err and "reads as another address" in err, err
    assert inbox.messages == [] and not (tmp_path / "out").exists()


def test_a_bidirectional_control_in_the_title_is_shown_as_its_escape_in_the_subject(server, cafile, tmp_path,
                                                                                   monkeypatch, run_cli):
    controller, inbox = server
    for key, value in smtp_env(controller, cafile).items():
        monkeypatch.setenv(key, value)
    code, _, err = run_cli("report", str(COUNCIL), "--as-of", "2026-11-20", "--out", str(tmp_path),
                           "--title", "Harrow \u202eevif\u202c", "--mail-to", "a@example.gov.uk")
    assert code == 1, err
    (message, _, _, recipients), = inbox.messages
    assert recipients == ["a@example.gov.uk"]
    assert message["Subject"].startswith("Harrow \\u202eevif\\u202c as of 2026-11-20: ")

"""Sending the report by email over SMTP with STARTTLS; settings from environment variables or a config file.

Environment variables (each overrides the config file): COMPLIANCE_SMTP_HOST, COMPLIANCE_SMTP_PORT,
COMPLIANCE_SMTP_USER, COMPLIANCE_SMTP_PASSWORD, COMPLIANCE_SMTP_FROM, COMPLIANCE_SMTP_STARTTLS
(true or false, default true), COMPLIANCE_SMTP_CAFILE (a CA bundle for a private mail server),
COMPLIANCE_SMTP_TIMEOUT (seconds the whole exchange with the server may take, default 300) and
COMPLIANCE_SMTP_CONFIG (the config file). The config file is INI with an ``[smtp]`` section, or YAML
with an ``smtp:`` mapping, with the same keys in lower case: host, port, user, password, from,
starttls, cafile, timeout.
"""

from __future__ import annotations

import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Mapping, Sequence

from ..errors import ComplianceError, InputError, Problem, shown
from ..yamlio import load_yaml

if TYPE_CHECKING:
    import smtplib
    from email.message import EmailMessage

ENV_PREFIX = "COMPLIANCE_SMTP_"
CONFIG_ENV = ENV_PREFIX + "CONFIG"
_KEYS = ("host", "port", "user", "password", "from", "starttls", "cafile", "timeout")
#: Seconds the whole exchange with the mail server may take: a server that answers a line every few
#: seconds would otherwise hold the nightly run for ever, each read being within its own timeout.
DEFAULT_TIMEOUT = 300.0
MAX_TIMEOUT = 24 * 3600.0
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


class MailError(ComplianceError):
    """The mail server could not be reached, refused the login, or refused the message."""


# One address: a local part and a domain of ordinary characters, nothing that could end a header or an
# SMTP command (no space or line break of any kind, no control character, no angle bracket, comma or semicolon).
_ADDRESS = re.compile(r"[^\s@<>,;:\"()\[\]\\\x00-\x1f\x7f-\x9f]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")
# What would end a header line or an SMTP command, or act on a terminal: C0 and C1 control characters (NEL,
# U+0085, among them) and Unicode's line and paragraph separators, which mail libraries treat as line breaks.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# An RFC 2047 encoded word, as Python's email package finds one (its rfc2047_matcher): setting a header decodes
# it, so ``=?utf-8?q?x=0ABcc=3A_a=40evil.example?=`` in a title became a Bcc header, and a recipient.
_ENCODED_WORD = re.compile(r"=\?[^?]*\?[qQbB]\?.*?\?=")


def check_address(value: str, field: str, where: str | None = None) -> str:
    """``value`` if it is one plain email address (name@example.gov.uk); otherwise InputError naming ``field``."""
    # A character that shows nothing (category Cf: U+202E reverses what follows it in the To: line a mail program
    # shows) is no part of an address one could have meant.
    encoded = _ENCODED_WORD.search(value)
    if not _ADDRESS.fullmatch(value) or encoded or any(unicodedata.category(c) == "Cf" for c in value):
        problem = ("contains a line break or control character" if _CONTROL.search(value) else
                   "holds an encoded word (RFC 2047), which a mail program reads as another address"
                   if encoded else "is not an email address")
        raise InputError(Problem(f"{value!r} {problem}", file=where, field=field,
                                 hint="give one address like name@example-council.gov.uk"))
    return value


def check_header_text(value: str, field: str) -> str:
    """``value`` if it fits on one header line (no line break or control character) and a mail program reads it as
    written (no encoded word); otherwise InputError."""
    if _CONTROL.search(value):
        raise InputError(Problem(f"{value!r} contains a line break or control character", field=field,
                                 hint="give it on one line"))
    if _ENCODED_WORD.search(value):
        raise InputError(Problem(f"{value!r} holds an encoded word (RFC 2047), which a mail program reads as other "
                                 "text", field=field, hint="write it without =?...?="))
    return value


@dataclass(frozen=True)
class MailSettings:
    """Where and how to send: an SMTP server, an optional login, and the sender's address."""

    host: str
    sender: str
    port: int = 587
    user: str | None = None
    password: str | None = None
    starttls: bool = True
    cafile: str | None = None
    #: Seconds for the whole exchange, connecting to QUIT.
    timeout: float = DEFAULT_TIMEOUT

    def __repr__(self) -> str:  # never print the password into a log
        return f"MailSettings(host={self.host!r}, port={self.port}, user={self.user!r}, starttls={self.starttls})"


@dataclass(frozen=True)
class Attachment:
    """A file to attach: its name, its content and its MIME type."""

    filename: str
    data: bytes
    mime_type: str


def _read_config(path: Path) -> dict[str, str]:
    where = str(path)
    if not path.is_file():
        raise InputError(Problem("no such mail config file", file=where, hint=f"check the path, or unset {CONFIG_ENV}"))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(Problem("the mail config file is not UTF-8 text", file=where, hint="save it as UTF-8")) from None
    except OSError as exc:
        raise InputError(Problem(f"cannot read the mail config file: {exc.strerror}", file=where)) from None
    if path.suffix.lower() in (".yaml", ".yml"):
        doc = load_yaml(text, where).value
        section = doc.get("smtp") if isinstance(doc, dict) else None
        if not isinstance(section, dict):
            raise InputError(Problem("no smtp: mapping", file=where, hint="write smtp:, then host:, port:, from: ..."))
        values: Mapping[str, Any] = section
    else:
        import configparser

        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(text, source=where)
        except configparser.Error as exc:
            raise InputError(Problem(f"invalid INI: {exc.message}", file=where)) from None
        if not parser.has_section("smtp"):
            raise InputError(Problem("no [smtp] section", file=where, hint="write [smtp], then host =, port =, from = ..."))
        values = dict(parser["smtp"])
    unknown = sorted((k for k in values if k not in _KEYS), key=str)
    if unknown:
        raise InputError(Problem(f"unknown setting {shown(unknown[0])}", file=where, field=f"smtp.{unknown[0]}"
                                 if isinstance(unknown[0], str) else "smtp",
                                 hint="known settings: " + ", ".join(_KEYS)))
    listed = next((k for k, v in values.items() if isinstance(v, (dict, list))), None)
    if listed is not None:
        raise InputError(Problem("must be one value, not a list or mapping", file=where, field=f"smtp.{listed}"))
    return {k: shown(v) if isinstance(v, bool) else str(v) for k, v in values.items() if v is not None}


def load_settings(environ: Mapping[str, str], config: str | Path | None = None) -> MailSettings:
    """Settings from a config file (``config``, else $COMPLIANCE_SMTP_CONFIG) overlaid by the environment."""
    path = config or environ.get(CONFIG_ENV)
    values = _read_config(Path(path)) if path else {}
    where = str(path) if path else "environment"
    for key in _KEYS:
        value = environ.get(ENV_PREFIX + key.upper())
        if value:
            values[key] = value
    missing = [k for k in ("host", "from") if not values.get(k)]
    if missing:
        raise InputError(Problem(f"no mail {' or '.join(missing)} is set", file=where,
                                 hint=f"set {', '.join(ENV_PREFIX + m.upper() for m in missing)} or give --mail-config"))
    starttls_text = values.get("starttls", "true").strip().lower()
    if starttls_text not in _TRUE | _FALSE:
        raise InputError(Problem(f"starttls must be true or false, not {values['starttls']!r}", file=where,
                                 field="starttls"))
    starttls = starttls_text in _TRUE
    port_text = (values.get("port") or str(587 if starttls else 25)).strip()
    if not re.fullmatch(r"[0-9]{1,5}", port_text) or not 0 < int(port_text) < 65536:
        raise InputError(Problem(f"port must be a number from 1 to 65535, not {port_text!r}", file=where,
                                 field="port"))
    port = int(port_text)
    if values.get("user") and not starttls:
        raise InputError(Problem("a login over an unencrypted connection would send the password in clear",
                                 file=where, field="starttls", hint="turn STARTTLS on, or use a relay that needs no login"))
    check_address(values["from"], f"{ENV_PREFIX}FROM" if environ.get(ENV_PREFIX + "FROM") else "from",
                  None if environ.get(ENV_PREFIX + "FROM") else where)
    check_header_text(values["host"], "host")
    timeout_text = values.get("timeout", "").strip() or str(DEFAULT_TIMEOUT)
    try:
        timeout = float(timeout_text)
    except ValueError:
        timeout = -1.0
    if not 0 < timeout <= MAX_TIMEOUT:
        raise InputError(Problem(f"timeout must be a number of seconds from 1 to {MAX_TIMEOUT:.0f}, not "
                                 f"{timeout_text!r}", file=where, field="timeout",
                                 hint=f"the default, {DEFAULT_TIMEOUT:.0f} s, gives a slow server time enough"))
    return MailSettings(host=values["host"], sender=values["from"], port=port, user=values.get("user"),
                        password=values.get("password"), starttls=starttls, cafile=values.get("cafile"),
                        timeout=timeout)


def build_message(sender: str, to: Sequence[str], subject: str, text: str, html: str | None = None,
                  attachments: Sequence[Attachment] = ()) -> EmailMessage:
    """A multipart message: plain text, an HTML alternative, then the attachments."""
    from email.message import EmailMessage
    from email.utils import formatdate, make_msgid

    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for a in attachments:
        maintype, _, subtype = a.mime_type.partition("/")
        # Bytes keep a file exactly as written (an .ics needs its CRLFs); the charset says how to read text.
        params = {"charset": "utf-8"} if maintype == "text" else None
        message.add_attachment(a.data, maintype=maintype, subtype=subtype, filename=a.filename, params=params)
    return message


def send(settings: MailSettings, message: EmailMessage) -> None:
    """Deliver ``message``: STARTTLS (verifying the server's certificate) and a login when settings ask for them.

    The whole exchange, from connecting to QUIT, must end within ``settings.timeout`` seconds.
    """
    import smtplib

    where = f"{settings.host}:{settings.port}"
    smtp = smtplib.SMTP(timeout=settings.timeout)  # not connected yet: the deadline covers the greeting too
    smtp._host = settings.host  # the name STARTTLS verifies the certificate for, which connecting here does not set
    with _deadline(smtp, settings.timeout) as expired:
        try:
            _exchange(smtp, settings, message, where)
        except MailError:
            if expired:
                raise MailError(f"the mail server {where} had not taken the message after {settings.timeout:g} s "
                                f"({ENV_PREFIX}TIMEOUT), so the exchange was cut off") from None
            raise
        finally:
            smtp.close()


def _exchange(smtp: smtplib.SMTP, settings: MailSettings, message: EmailMessage, where: str) -> None:
    import smtplib
    import ssl

    try:
        smtp.connect(settings.host, settings.port)
        with smtp:
            smtp.ehlo()
            if settings.starttls:
                if not smtp.has_extn("starttls"):
                    raise MailError(f"the mail server {where} does not offer STARTTLS; set "
                                    f"{ENV_PREFIX}STARTTLS=false only for a trusted local relay")
                smtp.starttls(context=ssl.create_default_context(cafile=settings.cafile))
                smtp.ehlo()
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            smtp.send_message(message)
    except MailError:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        answer = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        raise MailError(f"the mail server {where} refused the login for {settings.user!r}: "
                        f"{exc.smtp_code} {answer}") from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise MailError(f"the mail server {where} refused the recipients {', '.join(exc.recipients)}") from None
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        raise MailError(f"could not send the report by email through {where}: {exc}") from None


@contextmanager
def _deadline(smtp: smtplib.SMTP, seconds: float) -> Iterator[list[bool]]:
    """Cut the connection once ``seconds`` have passed, whatever it is waiting for; yields a list that holds True
    from then on. Each read has a timeout of its own, but a server sending a line every few seconds never trips it."""
    import socket
    import threading

    done = threading.Event()
    expired: list[bool] = []

    def watch() -> None:
        if done.wait(seconds):
            return
        expired.append(True)
        while True:  # the socket may not exist yet, and STARTTLS replaces it: cut whichever is there, until done
            sock = smtp.sock
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            if done.wait(0.05):
                return

    watcher = threading.Thread(target=watch, name="smtp-deadline", daemon=True)
    watcher.start()
    try:
        yield expired
    finally:
        done.set()
        watcher.join()

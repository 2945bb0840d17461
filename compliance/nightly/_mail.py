"""Sending the report by email over SMTP with STARTTLS; settings from environment variables or a config file.

Environment variables (each overrides the config file): COMPLIANCE_SMTP_HOST, COMPLIANCE_SMTP_PORT,
COMPLIANCE_SMTP_USER, COMPLIANCE_SMTP_PASSWORD, COMPLIANCE_SMTP_FROM, COMPLIANCE_SMTP_STARTTLS
(true or false, default true), COMPLIANCE_SMTP_CAFILE (a CA bundle for a private mail server) and
COMPLIANCE_SMTP_CONFIG (the config file). The config file is INI with an ``[smtp]`` section, or YAML
with an ``smtp:`` mapping, with the same keys in lower case: host, port, user, password, from,
starttls, cafile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from ..errors import ComplianceError, InputError, Problem, shown
from ..yamlio import load_yaml

if TYPE_CHECKING:
    from email.message import EmailMessage

ENV_PREFIX = "COMPLIANCE_SMTP_"
CONFIG_ENV = ENV_PREFIX + "CONFIG"
_KEYS = ("host", "port", "user", "password", "from", "starttls", "cafile")
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


def check_address(value: str, field: str, where: str | None = None) -> str:
    """``value`` if it is one plain email address (name@example.gov.uk); otherwise InputError naming ``field``."""
    if not _ADDRESS.fullmatch(value):
        problem = "contains a line break or control character" if _CONTROL.search(value) else "is not an email address"
        raise InputError(Problem(f"{value!r} {problem}", file=where, field=field,
                                 hint="give one address like name@example-council.gov.uk"))
    return value


def check_header_text(value: str, field: str) -> str:
    """``value`` if it fits on one header line (no line break or control character); otherwise InputError."""
    if _CONTROL.search(value):
        raise InputError(Problem(f"{value!r} contains a line break or control character", field=field,
                                 hint="give it on one line"))
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
    timeout: float = 30.0

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
    return MailSettings(host=values["host"], sender=values["from"], port=port, user=values.get("user"),
                        password=values.get("password"), starttls=starttls, cafile=values.get("cafile"))


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
    """Deliver ``message``: STARTTLS (verifying the server's certificate) and a login when settings ask for them."""
    import smtplib
    import ssl

    where = f"{settings.host}:{settings.port}"
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
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

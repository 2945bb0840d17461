"""The `compliance` command: parse arguments, call the library, choose the exit code.

Each command is one function that builds its parser, beside the one that handles it. Only the
command being run is built in full, and each handler imports what it uses, so `compliance --help`
and `compliance deadline` start without loading the rule engine, numpy or pyarrow.

Exit codes: 0 nothing late or overdue, 1 something is, 2 bad input or a fault in the environment
(a one-line message), 3 an internal error (one line, and where the traceback was written).
"""

from __future__ import annotations

import argparse
import difflib
import gc
import os
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

# numpy starts a pool of BLAS threads when it is imported, which spin waiting for work that never comes (some
# 0.1 s of CPU on two cores while the records are read); nothing here multiplies matrices.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

Handler = Callable[[argparse.Namespace], int]
Adder = Callable[[Any, str], None]

#: Every command: its one-line help and the function that builds its parser, in the order --help lists them.
COMMANDS: dict[str, tuple[str, Adder]] = {}


def command(name: str, help_text: str) -> Callable[[Adder], Adder]:
    """Register the function that builds a command's parser."""
    def register(add: Adder) -> Adder:
        COMMANDS[name] = (help_text, add)
        return add
    return register


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors exit with code 2 and a one-line hint, like every other bad input, and
    name the command or option meant where one was misspelt (`chek`, `--asof`), as every other message does."""

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: argparse.Namespace | None = None) -> argparse.Namespace:
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            known = self._options(parsed)
            meant = {given: word for given in extras if given.startswith("--")
                     for word in difflib.get_close_matches(given.split("=")[0], known, n=1)}
            said = " and ".join(f"{word} for {given}" for given, word in meant.items()) if len(meant) > 1 else \
                "".join(meant.values())
            self.error(f"unrecognized arguments: {' '.join(extras)}" + (f" (did you mean {said}?)" if said else ""))
        return parsed

    def _options(self, parsed: argparse.Namespace) -> list[str]:
        """The long options of this parser and of the command (and its action) given."""
        found = [o for o in self._option_string_actions if o.startswith("--")]
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                chosen = action.choices.get(getattr(parsed, action.dest, None))
                if isinstance(chosen, _Parser):
                    found += chosen._options(parsed)
        return found

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        if action.choices is not None and isinstance(value, str) and value not in action.choices:
            close = difflib.get_close_matches(value, [str(c) for c in action.choices], n=1)
            if close:
                listed = ", ".join(map(repr, action.choices))
                raise argparse.ArgumentError(action, f"invalid choice: {value!r} (did you mean {close[0]!r}? "
                                                     f"choose from {listed})")
        super()._check_value(action, value)

    def error(self, message: str) -> None:  # type: ignore[override]
        from compliance.errors import one_line

        # The message quotes the arguments it could not take, escape codes and all: shown escaped, on one line.
        self.exit(2, f"{self.prog}: error: {one_line(message)}\n(see `{self.prog} --help` for an example)\n")


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


def _command(sub: Any, name: str, help_text: str, example: str, handler: Handler) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text, description=help_text, epilog="example:\n" + example,
                            formatter_class=_formatter)
    parser.set_defaults(handler=handler)
    return parser


def _group(sub: Any, name: str, help_text: str, example: str) -> Any:
    """A command made of actions (``calendar show``, ``rules test``): without one it prints its help, exit 2."""
    parser = _command(sub, name, help_text, example, lambda args: (parser.print_help(), 2)[1])
    return parser.add_subparsers(dest=f"{name}_command", metavar="ACTION", parser_class=_Parser)


def _rule_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rules", action="append", metavar="FILE_OR_DIR",
                   help="a rule file or folder to use instead of the bundled rules (repeat for more)")
    p.add_argument("--add-rules", action="append", metavar="FILE_OR_DIR",
                   help="a rule file or folder to use as well as the bundled rules, such as local targets "
                        "(repeat for more)")


def _rule_paths(args: argparse.Namespace) -> list[str] | None:
    """The rule packs a command was given: --rules in place of the bundled ones, --add-rules on top of them."""
    if not args.rules and not args.add_rules:
        return None
    from compliance.resources import rules_dir

    return [_found(p) for p in list(args.rules or [str(rules_dir())]) + list(args.add_rules or [])]


def _encoding_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--encoding", default="utf-8", metavar="NAME",
                   help="the text encoding of CSV files: utf-8 (the default, with or without a BOM), or another "
                        "such as cp1252 for a Windows-1252 export (what Excel saves as plain \"CSV\")")


def _extract_date_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--extract-date", metavar="DATE",
                   help=f"the day the files were drawn, {DATES}, where they do not say (an Annex A list; a census "
                        "says in its header, a record in its extract_date column): they hold nothing after it, so a "
                        "duty falling due later is \"not in this extract\", never overdue; without it such files are "
                        "judged as drawn on the as-of date, with a warning. Given where they do say, it is taken "
                        "instead, with a warning")


def _extract_date(args: argparse.Namespace) -> date | None:
    from compliance.calendars import parse_date

    return parse_date(args.extract_date, "--extract-date") if getattr(args, "extract_date", None) else None


def _encoding(args: argparse.Namespace) -> str:
    """The codec --encoding names; an unknown one stops the command before any work."""
    from compliance.records import codec_name

    return codec_name(args.encoding)


#: How every date the command line takes may be written (calendars.parse_date reads them all).
DATES = "DD/MM/YYYY, YYYY-MM-DD or 14 December 2018"


def _as_of(value: str | None) -> date:
    from compliance.calendars import parse_date

    return parse_date(value, "--as-of") if value is not None else date.today()


#: The most a count option takes: more than any machine's cores or any council's nights of runs, and within what
#: the history database stores.
_MOST = 1_000_000


def _bounded(value: int | None, name: str, least: int = 1, most: int | None = _MOST, example: int = 2) -> None:
    """Refuse a number below ``least`` (--jobs 0, --seed -1), or past ``most``, before any work. ``most`` None:
    no number is too large (a seed; a --limit, since runs of millions of records are measured)."""
    if value is not None and not (least <= value and (most is None or value <= most)):
        from compliance.errors import InputError, Problem

        allowed = f"from {least} to {most:,}" if most is not None else f"{least} or more"
        raise InputError(Problem(f"--{name} must be {allowed}, not {value}", field=name,
                                 hint=f"e.g. --{name} {example}"))


def _seconds(value: float, name: str) -> None:
    """Refuse a wait that is not a number of seconds from 0 to a day (nan, inf, -1) before any work."""
    if not 0 <= value <= 86_400:  # nan fails every comparison
        from compliance.errors import InputError, Problem

        raise InputError(Problem(f"--{name} must be from 0 to 86,400 seconds, not {value}", field=name,
                                 hint=f"e.g. --{name} 60"))


#: What a folder given as record files is read for: the files the record readers read, or, with --mapping, extracts.
#: What --output does: a file appears only once complete (compliance/atomic.py); a device or pipe is written to.
OUTPUT_HELP = "write to this file instead of the terminal (replaced only once complete; a read-only file is refused)"
RECORD_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".yaml", ".yml", ".json")
EXTRACT_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".xml")


def _inputs(paths: Iterable[str], suffixes: Sequence[str] = RECORD_SUFFIXES, folders: bool = True,
            output: str | None = None) -> list[str]:
    """The files to read, each found readable before any work and before anything is written; a database URL is
    kept as given once it is found to hold no password (whether the database can be reached is found when it is
    opened). ``output``, the file the command will write, must not be one of them: it would replace the records.

    A folder stands for the files in it that ``suffixes`` name (when ``folders``), and ``examples/NAME`` not in
    the working folder for the copy installed with the package: each is said on stderr, so what was read is known.
    """
    from compliance.atomic import dead_end
    from compliance.errors import InputError, Problem, one_line
    from compliance.records import check_database_url, is_database_url

    problems, files = [], []
    read: dict[tuple[int, int], str] = {}  # each file read, by its device and inode: one lookup, not one a file
    for text in paths:
        if is_database_url(text):
            try:
                check_database_url(text)
            except InputError as exc:
                problems.extend(exc.problems)
            else:
                files.append(text)
            continue
        path = Path(_found(text))
        if path.is_dir() and folders:
            found, others = _folder(path, suffixes)
            if not found:
                problems.append(Problem(f"a folder with no record files ({', '.join(suffixes)}) in it", file=text,
                                        hint=f"give the files to read, e.g. {Path(text) / ('*' + suffixes[0])}"))
                continue
            # A file's name may hold an escape code or a line break: shown escaped, on one line.
            print(one_line(f"compliance: {text} is a folder: reading the {len(found)} record "
                           f"file{'s' if len(found) != 1 else ''} in it ({', '.join(p.name for p in found)})"
                           + (f"; not read: {', '.join(others)}" if others else "")),
                  file=sys.stderr)
            candidates = found
        else:
            candidates = [path]
        for candidate in candidates:
            if not candidate.is_file():
                what = "a folder, not a file" if candidate.is_dir() else "not a file" if candidate.exists() \
                    else dead_end(candidate) or "no such file"
                problems.append(Problem(what, file=text, hint="check the path"))
                continue
            try:
                with candidate.open("rb"):
                    pass
            except OSError as exc:
                problems.append(Problem(f"cannot read: {exc.strerror}", file=str(candidate),
                                        hint="check its permissions"))
                continue
            key = _file_key(str(candidate))
            twice = read.get(key) if key else None
            if twice is not None:
                # Read twice, every record would be its own duplicate, each said at its own row.
                again = "given more than once" if twice == str(candidate) else f"the file {twice} given again"
                print(one_line(f"compliance: {candidate} is {again}: read once"), file=sys.stderr)
                continue
            if key:
                read[key] = str(candidate)
            files.append(str(candidate))
    if output and _file_key(output) in read:
        problems.append(Problem("--output names a file this command reads: writing it would replace those records",
                                file=output, field="output",
                                hint="write to a file of its own, e.g. --output findings.csv"))
    problems.extend(_output_problems(output))
    if problems:
        raise InputError(*problems)
    return files


def _file_key(path: str) -> tuple[int, int] | None:
    """What makes a file the same file under any name (its device and inode, links followed), or None."""
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return None
    return found.st_dev, found.st_ino


def _same_file(a: str, b: str) -> bool:
    try:
        return Path(a).samefile(b)
    except OSError:
        return False


def _found(text: str) -> str:
    """``text``, or for ``examples/NAME`` not in the working folder the copy installed with the package (said on
    stderr): the README's examples run from any folder."""
    from compliance.resources import example_file

    bundled = example_file(text)
    if bundled is None:
        return text
    print(f"compliance: {text} is not in this folder: reading the copy installed with the package, {bundled}",
          file=sys.stderr)
    return str(bundled)


def _folder(path: Path, suffixes: Sequence[str]) -> tuple[list[Path], list[str]]:
    """The files in a folder that ``suffixes`` name, in name order, and the names of everything else in it but the
    hidden files (.DS_Store, synth's marker), which nobody means to give."""
    found, others = [], []
    for entry in sorted(path.iterdir(), key=lambda p: p.name):
        readable = entry.is_file() and entry.suffix.lower() in suffixes and not entry.name.startswith((".", "~$"))
        if readable:
            found.append(entry)
        elif not entry.name.startswith("."):
            others.append(entry.name + ("/" if entry.is_dir() else ""))
    return found, others


def _emit(data: str | bytes, output: str | None) -> None:
    """Write text or a binary file to ``output`` atomically, or text to the terminal."""
    if output:
        from compliance.atomic import write_atomic

        write_atomic(output, data)
    elif isinstance(data, bytes):
        from compliance.errors import InputError, Problem

        raise InputError(Problem("a spreadsheet cannot be shown in the terminal", field="output",
                                 hint="give --output FILE.xlsx"))
    elif sys.stdout.isatty():
        from compliance.errors import printable

        sys.stdout.write(printable(data))
    else:
        sys.stdout.write(data)


def _needs_output(args: argparse.Namespace) -> None:
    """Refuse, before any work, to write a workbook or a Parquet file to the terminal, or a chart to a --chart path
    no file can be written at (a folder, a broken link) or named other than .svg; _inputs checks --output with the
    files read."""
    from compliance.errors import InputError, Problem

    if args.format in ("xlsx", "parquet") and not args.output:
        what = "an Excel workbook" if args.format == "xlsx" else "a Parquet file"
        raise InputError(Problem(f"{what} cannot be shown in the terminal", field="format",
                                 hint=f"give --output FILE.{args.format}"))
    # --chart is written after --output: a chart that cannot be written must stop the run before --output is.
    chart = getattr(args, "chart", None)
    problems = _output_problems(chart, "chart")
    if problems:
        raise InputError(*problems)
    where = Path(chart) if chart else None
    # A device or a pipe (/dev/stdout) goes by no extension: the chart is written through it as asked.
    if where is not None and where.suffix.lower() != ".svg" and (where.is_file() or not where.exists()):
        named = where.suffix or "a file without an extension"
        raise InputError(Problem(f"the chart is SVG: cannot write it as {named}", file=chart, field="chart",
                                 hint="name the file .svg, e.g. --chart kpi.svg"))


#: Each option naming where a command writes, and what to give it. Empty (an unset variable in a cron line), it
#: would write where nobody asked: to the terminal, into the working folder, or over a default file; only spaces,
#: to a file or folder named by them.
_PLACES = {
    "output": "name the file to write, or leave --output out",
    "chart": "name the chart's file, e.g. --chart kpi.svg",
    "out": "give the folder for the report, e.g. --out reports",
    "db": "give --db a file, e.g. --db reports/history.sqlite3",
    "output_dir": "give the folder to write to, e.g. --output-dir extracts",
}


def _blank_places(args: argparse.Namespace) -> None:
    """Refuse, before any work, an option of _PLACES given empty or only spaces."""
    from compliance.errors import InputError, Problem

    for dest, hint in _PLACES.items():
        value = getattr(args, dest, None)
        if value is not None and not value.strip():
            option = dest.replace("_", "-")
            raise InputError(Problem(f"--{option} is {'only spaces' if value else 'empty'}", field=option,
                                     hint=hint))


def _kept_inputs(args: argparse.Namespace) -> None:
    """Refuse, before any work, a file to write that is one the command reads besides its records (a rule pack, a
    mapping, a calendar file: `--add-rules local.yaml --output local.yaml` replaced the council's rules with
    findings), and a report folder that is the folder of records read (the next night would read the report's
    files as records). The records themselves are guarded where they are found (_inputs)."""
    written = [(f"--{dest}", getattr(args, dest, None)) for dest in ("output", "chart", "db")]
    written = [(option, path) for option, path in written if path and Path(path).exists()]
    out = getattr(args, "out", None)
    if not written and not out:
        return  # nothing written over: no rule folder walked, no import, on every start
    from compliance.errors import InputError, Problem
    from compliance.resources import calendar_dirs

    read: list[Path] = []
    for given in list(getattr(args, "rules", None) or []) + list(getattr(args, "add_rules", None) or []):
        path = Path(given)
        read += sorted(path.rglob("*")) if path.is_dir() else [path]
    mapping = getattr(args, "mapping", None)
    if mapping and Path(mapping).is_file():
        read.append(Path(mapping))
    if args.command != "calendar":  # `calendar import --output` writes a calendar file on purpose
        read += [f for folder in calendar_dirs()[:-1] if folder.is_dir() for f in sorted(folder.iterdir())]
    for option, path in written:
        hit = next((f for f in read if f.is_file() and _same_file(path, str(f))), None)
        if hit is not None:
            raise InputError(Problem(f"{option} names {hit}, which this command reads: writing it would replace it",
                                     file=path, field=option.lstrip("-"),
                                     hint="write to a file of its own, e.g. --output findings.csv"))
    folders = [p for p in getattr(args, "records", None) or [] if Path(p).is_dir()]
    if out and Path(out).is_dir() and any(_same_file(out, folder) for folder in folders):
        raise InputError(Problem("--out is the folder of records this command reads: the report's own files "
                                 "(latest.csv) would be read as records the next night", file=out, field="out",
                                 hint="give the report a folder of its own, e.g. --out reports"))


def _output_problems(path: str | None, field: str = "output") -> list[Any]:
    """What makes ``path`` no place to write a file, found without writing anything: [] when it is one."""
    if not path:
        return []
    from compliance.atomic import output_problem

    problem = output_problem(path, field)
    return [problem] if problem else []


#: The format a file's extension says, for a command given --output without --format.
_EXTENSIONS = {".xlsx": "xlsx", ".csv": "csv", ".json": "json", ".md": "md", ".markdown": "md",
               ".parquet": "parquet", ".ics": "ics", ".svg": "svg"}
#: Extensions of formats the tool never writes: given --output so with no --format, the file would hold the text
#: table under a name that says otherwise (Excel warns that an .xls "does not match", then shows one column).
_FOREIGN = {".xls": "an old Excel workbook: .xlsx is Excel's", ".xlsm": "a macro workbook: .xlsx is Excel's",
            ".ods": "an OpenDocument sheet: .xlsx opens in LibreOffice too", ".html": "a web page",
            ".htm": "a web page", ".yaml": "YAML", ".yml": "YAML", ".tsv": "tab-separated text: .csv is comma-separated",
            ".xml": "XML", ".pdf": "a PDF", ".docx": "a Word document", ".doc": "a Word document"}


def _output_format(args: argparse.Namespace, formats: Sequence[str], default: str) -> None:
    """Set ``args.format``: as given, else what --output's extension says, else ``default``. A format the
    extension contradicts (--format csv --output x.xlsx), or an extension naming a format the command cannot
    write, is refused before any work."""
    from compliance.errors import InputError, Problem

    suffix = Path(args.output).suffix.lower() if args.output else ""
    implied = _EXTENSIONS.get(suffix)
    if args.format is not None and implied is not None and implied != args.format:
        raise InputError(Problem(f"--format {args.format} contradicts --output {args.output}, which says "
                                 f"{implied}", field="format",
                                 hint=f"leave out --format, or give the file a .{args.format} name"
                                 if args.format in _EXTENSIONS.values() else "leave out --format"))
    if args.format is None:
        if suffix in _FOREIGN and not _names_an_input(args):  # (that is refused as such, with the inputs)
            raise InputError(Problem(f"this command writes no {suffix} file ({_FOREIGN[suffix]})", field="output",
                                     hint="give a file name ending " + ", ".join(
                                         sorted({e for e, f in _EXTENSIONS.items() if f in formats}))
                                     + (", or .txt for the table" if default == "table" else "")))
        if implied is not None and implied not in formats:
            # An .svg --output would have held the text table: the chart has an option of its own.
            chart = f"the chart is written with --chart {args.output}; " if implied == "svg" and "chart" in args else ""
            raise InputError(Problem(f"this command writes no {suffix} file", field="output",
                                     hint=chart + "give a file name ending " + ", ".join(
                                         sorted({e for e, f in _EXTENSIONS.items() if f in formats}))))
        args.format = implied or default


def _names_an_input(args: argparse.Namespace) -> bool:
    """Whether --output is a file the command was also given to read (refused for that with the inputs, which says
    the more useful thing: that the file would be replaced)."""
    given = [v for key, value in vars(args).items() if key != "output"
             for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
    return Path(args.output).is_file() and any(Path(g).is_file() and _same_file(args.output, g) for g in given)


def _sql_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--show-sql", action="store_true",
                   help="print the SQL this command would run on the database URL given, for its administrator to "
                        "approve, and stop: nothing is read or written (so not with --output)")


def _show_sql(args: argparse.Namespace, sources: Sequence[str]) -> int:
    """--show-sql: the queries a command runs on each database it is given, printed without connecting."""
    from compliance.errors import InputError, Problem
    from compliance.records import is_database_url, load_mapping, show_sql
    from compliance.rules import load_rules

    urls = [s for s in sources if is_database_url(s)]
    if not urls or not args.mapping:
        raise InputError(Problem("--show-sql shows the SQL run on a database: give a database URL and --mapping",
                                 field="show-sql", hint=f"e.g. compliance {args.command} postgresql://reader@host/ssd "
                                                        "--mapping ssd --show-sql"))
    if getattr(args, "output", None):  # printed, never written: the file would be left as it was, without a word
        raise InputError(Problem("--show-sql prints the SQL and writes nothing: --output would be left as it is",
                                 field="output", hint="leave --output out; to keep the SQL in a file, add "
                                                      "> queries.sql after the command"))
    ruleset = load_rules(_rule_paths(args))
    mapping = load_mapping(args.mapping, ruleset.vocabulary)
    rules = None if args.command == "map" else mapping.duties(ruleset)  # map writes every field of every record
    print("\n".join(show_sql(url, mapping, rules, args.command) for url in urls), end="")
    return 0


def _left_out_text(problems: Sequence[Any]) -> str:
    """What the summary says the problems left out: rows, or (``Problem.rows`` 0: a database not reached, a table not
    there or whose query failed) what they name, where no row was named."""
    whole = [p for p in problems if not p.rows]
    if not whole:
        return "the rows they name were left out"
    return ("the tables or databases they name were not read" if len(whole) == len(problems) else
            "the rows, tables or databases they name were left out")


def _print_problems(problems: Sequence[Any]) -> list[Any]:
    """Print each problem on stderr; return those that are errors (a warning rejects nothing)."""
    for p in problems:
        print(f"{'warning' if p.warning else 'error'}: {p}", file=sys.stderr)
    return [p for p in problems if not p.warning]


# -- plan -------------------------------------------------------------------------------------------

@command("plan", "List every deadline that an event starts: what must be done, by when, and why.")
def add_plan(sub: Any, help_text: str) -> None:
    from compliance.engines import DEFAULT_OCCURRENCES
    from compliance.reports import PLAN_FORMATS

    p = _command(sub, "plan", help_text,
                 "  compliance plan inspection report_received=2024-12-03 framework=ILACS\n"
                 "    -> publish the report by Fri 17 Jan 2025; the written statement and the action plan\n"
                 "       by Fri 14 Mar 2025; with the working, the days skipped and the law\n"
                 "  compliance plan child-protection strategy_discussion=16/12/2020 child=C001 --format ics \\\n"
                 "      --output icpc.ics\n"
                 "    -> events \"Child C001: hold the initial child protection conference\"; another child's plan\n"
                 "       adds its own events, even on the same dates\n"
                 "  compliance plan inspection id=haringey-2018-ilacs authority=Haringey framework=ILACS \\\n"
                 "      report_received=\"14 December 2018\" --format ics --remind 5 --output haringey.ics\n"
                 "    -> events \"Haringey: publish the inspection report\", each with a reminder 5 working days\n"
                 "       before; importing a newer plan for the same id updates them\n"
                 "  compliance plan looked-after became_looked_after=04/11/2024 --occurrences 5\n\n"
                 "Give the record's kind, then the events you know with their dates (DD/MM/YYYY, YYYY-MM-DD or\n"
                 "\"14 December 2018\"; unknown where it has happened but its date is not known)\n"
                 "and any attributes (framework=ILACS). Duties whose clock starts with an event you have not\n"
                 "given are listed as starting when it happens; conditions you have not given are shown as\n"
                 "\"only if\". Names: `compliance template KIND` lists every column of a kind of record.\n\n"
                 "exit codes: 0 nothing late or overdue on the dates given, 1 something is, 2 bad input",
                 cmd_plan)
    p.add_argument("kind", help="the kind of record: inspection, referral, child-protection, looked-after, "
                                "care-proceedings, complaint or missing-episode")
    p.add_argument("items", nargs="*", metavar="EVENT=DATE|ATTRIBUTE=VALUE",
                   help="an event with its date (report_received=03/12/2024, or =unknown where it has happened on a "
                        "date not known; several dates of a repeating event separated by ;), an attribute with its "
                        "value (framework=ILACS, authority=Haringey, child=C001), or id=NAME, the record's id")
    _rule_options(p)
    p.add_argument("--as-of", help=f"reckon what is due or overdue as of this date, {DATES} (default today)")
    p.add_argument("--format", choices=PLAN_FORMATS,
                   help="table (default), json, md, or ics: a calendar file for Outlook, Google or Apple calendars; "
                        "without --format, --output's extension says (deadlines.ics)")
    p.add_argument("--output", help=OUTPUT_HELP)
    p.add_argument("--remind", type=int, metavar="N",
                   help="with --format ics, a reminder N working days before each deadline, at 09:00")
    p.add_argument("--occurrences", type=int, default=DEFAULT_OCCURRENCES, metavar="N",
                   help="for a recurring duty, how many deadlines to show from the first open one, each after the "
                        "first assuming the one before is held on its deadline (default %(default)s)")


def cmd_plan(args: argparse.Namespace) -> int:
    from compliance.calendars import day_of
    from compliance.engines import dates_after, exit_status, make_plan, plan_record
    from compliance.errors import InputError, Problem
    from compliance.reports import PLAN_FORMATS, render_plan
    from compliance.rules import load_rules

    _output_format(args, PLAN_FORMATS, "table")
    if args.remind is not None and args.format != "ics":
        raise InputError(Problem(f"--remind sets a calendar's reminders; --format {args.format} has none",
                                 field="remind", hint="add --format ics --output FILE.ics"))
    if args.remind is not None and args.remind < 1:
        raise InputError(Problem(f"--remind must be 1 or more working days, not {args.remind}", field="remind",
                                 hint="e.g. --remind 5"))
    _bounded(args.occurrences, "occurrences", example=5)
    ruleset = load_rules(_rule_paths(args))
    record = plan_record(args.kind, args.items, ruleset.vocabulary)
    as_of = _as_of(args.as_of)
    later = dates_after(record, as_of)
    if later and args.as_of is not None:
        # What happened after the as-of date cannot count on it: say so rather than reckon on another day.
        raise InputError(*(Problem(f"{_day(d)} is after --as-of ({_day(as_of)}), so the plan could not count it",
                                   field=name, hint=f"give --as-of {day_of(max(d for _, d in later)):%d/%m/%Y} or "
                                   "later, or leave --as-of out to reckon as of the latest date given")
                           for name, d in later))
    plan = make_plan(record, ruleset, as_of, args.occurrences)
    if plan.asked_as_of is not None:
        print(f"compliance: note: {', '.join(f'{name} {_day(d)}' for name, d in later)} is after today "
              f"({_day(as_of)}): the plan is reckoned as of {_day(plan.as_of)}, supposing it has happened by then "
              "(give --as-of to choose the day)", file=sys.stderr)
    _emit(render_plan(plan, args.format, datetime.now().astimezone(), args.remind), args.output)
    left_out = plan.uncounted() if args.format == "ics" else []
    if left_out:
        from compliance.errors import one_line

        # A calendar missing a duty shows nothing amiss to whoever subscribes: said here, and in its description.
        print(one_line("compliance: warning: the calendar has no event for " + "; ".join(
            f"{entry.rule.id}: {step.finding.reason}" for entry, step in left_out)), file=sys.stderr)
    return exit_status(plan.findings())


def _day(d: date) -> str:
    """A date as the plan and its messages write one: Fri 14 Dec 2018."""
    return d.strftime("%a %d %b %Y %H:%M" if isinstance(d, datetime) else "%a %d %b %Y")


# -- template ---------------------------------------------------------------------------------------

@command("template", "Write a ready tracker for a kind of record: the columns the rules read, to fill in.")
def add_template(sub: Any, help_text: str) -> None:
    p = _command(sub, "template", help_text,
                 "  compliance template inspection --output tracker.xlsx\n"
                 "    -> a workbook: the columns to fill in (dates shown DD/MM/YYYY, drop-down lists),\n"
                 "       and a sheet explaining each column; then: compliance check tracker.xlsx\n"
                 "  compliance template referral --output referrals.csv   (the header row alone)\n"
                 "  compliance template inspection                       (list the columns)\n\n"
                 "Dates: DD/MM/YYYY (the UK's day first, never month first), YYYY-MM-DD or 14 December 2018;\n"
                 "a time as DD/MM/YYYY HH:MM; several dates of a repeating event in one cell, separated by ;.",
                 cmd_template)
    p.add_argument("kind", help="the kind of record: inspection, referral, child-protection, looked-after, "
                                "care-proceedings, complaint or missing-episode")
    p.add_argument("--output", metavar="FILE.xlsx|FILE.csv",
                   help="write a new tracker (whole, never over a file already there): .xlsx for a workbook, .csv "
                        "for the header row alone; without it, list the columns")
    _rule_options(p)


def cmd_template(args: argparse.Namespace) -> int:
    from compliance.errors import InputError, Problem, one_line
    from compliance.records.template import template_columns, template_csv, template_xlsx
    from compliance.rules import load_rules

    ruleset = load_rules(_rule_paths(args))
    columns = template_columns(ruleset, args.kind)
    if not args.output:
        width = max(len(c.name) for c in columns)
        for c in columns:
            values = f" [{', '.join(c.values)}]" if c.values else ""
            # A --rules pack's vocabulary is text from a file: shown, never obeyed.
            print(one_line(f"{c.name.ljust(width)}  {c.form:<9}  {c.description}{values}"))
        return 0
    suffix = Path(args.output).suffix.lower()
    if Path(args.output).exists():
        # A tracker is filled in by hand: a new blank one must never take its place.
        raise InputError(Problem("the file already exists: a template is a new, empty tracker", file=args.output,
                                 field="output", hint="give a new file name, or move the old file away first"))
    if suffix == ".csv":
        _emit(template_csv(columns), args.output)
    elif suffix == ".xlsx":
        description = str(ruleset.vocabulary.kinds[args.kind].get("description") or "")
        _emit(template_xlsx(columns, args.kind, description), args.output)
    else:
        raise InputError(Problem(f"cannot write a tracker as {suffix or 'a file without an extension'}",
                                 file=args.output, field="output", hint="name the file .xlsx or .csv"))
    print(one_line(f"wrote {args.output}: {len(columns)} columns for {args.kind} records; fill it in, then run "
                   f"`compliance check {args.output}`"), file=sys.stderr)
    return 0


# -- deadline ---------------------------------------------------------------------------------------

@command("deadline", "Compute a deadline and show the working.")
def add_deadline(sub: Any, help_text: str) -> None:
    from compliance.calendars import DEFAULT_CALENDAR

    p = _command(sub, "deadline", help_text,
                 '  compliance deadline 2018-12-05 "70 working days"\n'
                 '    -> 2019-03-18, skipping Christmas Day, Boxing Day and New Year\'s Day\n'
                 '  compliance deadline 2025-04-01 "26 weeks" --including   (CA 1989 s.32: 2025-09-29)\n'
                 '  compliance deadline "05/12/2018 10:00" "72 hours"         (clock time: 2018-12-08 10:00)',
                 cmd_deadline)
    p.add_argument("start", help=f"the trigger date, {DATES} (not counted); with a time (DD/MM/YYYY HH:MM) for a "
                                 "period in hours")
    p.add_argument("period", help='e.g. "70 working days", "10 days", "26 weeks", "3 months", "72 hours"')
    p.add_argument("--calendar", default=DEFAULT_CALENDAR, help="working-day calendar (default %(default)s)")
    p.add_argument("--including", action="store_true",
                   help='count the start day as day 1 ("beginning with"); not for a period in hours')
    p.add_argument("--roll", action="store_true",
                   help="move a deadline on a non-working day to the next working day; not for a period in hours")
    p.add_argument("--json", action="store_true", help="print JSON for machines")


def _moment(value: Any) -> str:
    """A day as YYYY-MM-DD, a time of day to the minute (2018-12-08T10:00), or the second where it has one; BST or GMT
    after a time London clocks showed twice (the hour after 01:30 BST ends at 01:30 GMT)."""
    if isinstance(value, datetime):
        from compliance.calendars import with_zone

        return with_zone(value, "%Y-%m-%dT%H:%M" if not value.second and not value.microsecond else "%Y-%m-%dT%H:%M:%S")
    return value.isoformat()


def cmd_deadline(args: argparse.Namespace) -> int:
    from compliance.calendars import Period, compute_deadline, parse_date, parse_period

    period = parse_period(args.period)
    if period.unit == "hours" and (args.including or args.roll):  # said, not left out of the sum without a word
        from compliance.errors import InputError, Problem

        option, does = (("--including", "counts the start day as day 1") if args.including else
                        ("--roll", "moves a deadline off a day that is not a working day"))
        raise InputError(Problem(f"{option} {does}: a period in hours runs from the time given to a time, weekends "
                                 "and holidays counted", field=option.lstrip("-"), hint=f"leave out {option}"))
    start = _start_time(args.start) if period.unit == "hours" else parse_date(args.start, "start date")
    period = Period(period.amount, period.unit, "including" if args.including else "excluding", args.roll)
    deadline = compute_deadline(start, period, args.calendar)
    if args.json:
        import json

        print(json.dumps(deadline.to_dict(), indent=2))
        return 0
    print(f"{_moment(deadline.end)}  ({period} {'beginning with' if args.including else 'after'} {_moment(start)}, "
          f"{deadline.calendar})")
    for step in deadline.steps:
        print(f"  {step}")
    if deadline.skipped:
        print("  Non-working days skipped:")
        for s in deadline.skipped:
            print(f"    {s}")
    return 0


def _start_time(text: str) -> Any:
    """The start of a period in hours: a time of day counts there (a return from missing at 22:00), and a date
    alone starts the clock at an unknown hour of that day (the deadline is then approximate, and says so)."""
    from compliance.errors import InputError, Problem
    from compliance.records import DATE_HINT, parse_event_date

    try:
        return parse_event_date(text)
    except ValueError as exc:
        raise InputError(Problem(str(exc), field="start date", hint=DATE_HINT)) from None


# -- calendar ---------------------------------------------------------------------------------------

@command("calendar", "Show or import working-day calendars.")
def add_calendar(sub: Any, help_text: str) -> None:
    actions = _group(sub, "calendar", help_text,
                     "  compliance calendar show 2022\n  compliance calendar import bank-holidays.json")
    add_calendar_show(actions)
    add_calendar_import(actions)


def add_calendar_show(actions: Any) -> None:
    from compliance.calendars import DEFAULT_CALENDAR

    p = _command(actions, "show", "List the non-working days of a year, with their names.",
                 "  compliance calendar show 2022 --calendar england-and-wales\n"
                 "    -> includes 2022-09-19 State Funeral of Queen Elizabeth II\n"
                 "  compliance calendar show 19/09/2022\n"
                 "    -> Mon 19 Sep 2022 is not a working day (State Funeral of Queen Elizabeth II); then 2022",
                 cmd_calendar_show)
    p.add_argument("when", nargs="?", metavar="YEAR|DATE",
                   help=f"a year, or a date ({DATES}) to say whether it is a working day (default this year)")
    p.add_argument("--calendar", default=DEFAULT_CALENDAR, help="calendar name (default %(default)s)")


def cmd_calendar_show(args: argparse.Namespace) -> int:
    from compliance.calendars import get_calendar, parse_date
    from compliance.errors import InputError, Problem, one_line

    cal = get_calendar(args.calendar)
    when = (args.when or "").strip()
    day = None
    if not when:
        year = date.today().year
    elif when.isdigit():
        if len(when) < 4:
            raise InputError(Problem(f"{when!r} is not a year", field="year", hint="give the year in full, e.g. 2022"))
        year = int(when)
    else:
        day = parse_date(when, "date")
        year = day.year
    if day is not None:
        cal.check_in_range(day)
        reason = cal.reason_not_working(day)
        # A calendar file's titles and holiday names (COMPLIANCE_CALENDARS) are text from a file: shown, never obeyed.
        print(one_line(f"{day:%a %d %b %Y} is " + (f"not a working day ({reason})" if reason else "a working day")
                       + f" on the {cal.spec.title} calendar."))
    days = cal.holidays(year)
    status = "provisional: not yet announced by GOV.UK" if year > cal.spec.announced_through else "announced"
    print(one_line(f"{cal.spec.title}: non-working weekdays in {year} ({status}); every Saturday and Sunday too"))
    for d in days:
        print(one_line(f"  {d}"))
    data = cal.provenance
    print(one_line(f"Calendar data: holidays {data['holidays_package']}, {data['file']} "
                   f"(sha256 {data['file_sha256'][:12]})"))
    return 0


def add_calendar_import(actions: Any) -> None:
    from compliance.calendars import DEFAULT_CALENDAR

    p = _command(actions, "import", "Pin GOV.UK's bank-holidays.json into a calendar file.",
                 "  compliance calendar import bank-holidays.json --calendar england-and-wales \\\n"
                 "      --output calendars/england-and-wales.yaml\n"
                 "  then use it with COMPLIANCE_CALENDARS=calendars compliance check ...", cmd_calendar_import)
    p.add_argument("file", help="a file in GOV.UK's https://www.gov.uk/bank-holidays.json format")
    p.add_argument("--calendar", default=DEFAULT_CALENDAR,
                   help="which division to import (england-and-wales, scotland, northern-ireland)")
    p.add_argument("--output", help="calendar file to write (default calendars/NAME.yaml)")


def cmd_calendar_import(args: argparse.Namespace) -> int:
    from compliance.calendars.govuk import import_govuk
    from compliance.errors import InputError, one_line

    problems = _output_problems(args.output)  # Path() would drop a final / that says a folder was meant
    if problems:
        raise InputError(*problems)
    out = Path(args.output) if args.output else Path("calendars") / f"{args.calendar}.yaml"
    [source] = _inputs([args.file], folders=False)  # a file: a FIFO would block for ever, /dev/zero fill the memory
    print(one_line(import_govuk(Path(source), args.calendar, out)))  # it names the file written
    return 0


# -- rules ------------------------------------------------------------------------------------------

@command("rules", "Validate, list, show and test rules.")
def add_rules(sub: Any, help_text: str) -> None:
    actions = _group(sub, "rules", help_text,
                     "  compliance rules validate rules/inspections.yaml\n  compliance rules test")
    add_rules_validate(actions)
    add_rules_list(actions)
    add_rules_show(actions)
    add_rules_test(actions)


def add_rules_validate(actions: Any) -> None:
    p = _command(actions, "validate", "Check rule files; report each problem as file:line:column.",
                 "  compliance rules validate rules/inspections.yaml my-targets.yaml\n"
                 "    rules/x.yaml:12:14: rules.0.period: unknown unit 'wrking days' ...\n"
                 "  compliance rules validate --add-rules my-targets.yaml  # with the bundled rules, as check reads it",
                 cmd_rules_validate)
    p.add_argument("files", nargs="*", help="rule files or directories (default the bundled rules)")
    p.add_argument("--add-rules", action="append", metavar="FILE_OR_DIR",
                   help="a rule file or folder to check as `check --add-rules` reads it: beside the bundled rules "
                        "(or the files given), where a version of one of their duties is refused (repeat for more)")


def cmd_rules_validate(args: argparse.Namespace) -> int:
    from compliance.engines import check_rule_tests
    from compliance.resources import rules_dir
    from compliance.rules import check_rules

    given = [_found(f) for f in args.files]
    added = [_found(f) for f in args.add_rules or []]
    paths = given
    if added:  # on top of the files given, else of the bundled rules, as check reads --add-rules
        paths = (given or [str(rules_dir())]) + added
    ruleset, problems = check_rules(paths)
    problems += check_rule_tests(ruleset)
    order = {f: n for n, f in enumerate(ruleset.files)}
    problems.sort(key=lambda p: (order.get(p.file or "", len(order)), p.line or 0, p.column or 0))
    if problems:
        for p in problems:
            print(str(p), file=sys.stderr)
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in "
              f"{len(ruleset.files)} file{'s' if len(ruleset.files) != 1 else ''}", file=sys.stderr)
        return 2
    print(f"ok: {len(ruleset)} rules in {len(ruleset.files)} file(s)")
    bundled = Path(rules_dir()).resolve()
    resolved = [Path(f).resolve() for f in given]
    if not added and bundled not in resolved and any(not path.is_relative_to(bundled) for path in resolved):
        # A pack of local targets passes on its own and may still be refused beside the bundled rules (a rule
        # that gives a bundled duty as its own): say how to check it as check will read it.
        print("  checked with these files alone: `compliance rules validate --add-rules FILE` checks a file beside "
              "the bundled rules, as `check --add-rules` reads it")
    return 0


def add_rules_list(actions: Any) -> None:
    p = _command(actions, "list", "List rules with their periods and citations.",
                 "  compliance rules list\n  compliance rules list --add-rules examples/local-targets.yaml",
                 cmd_rules_list)
    _rule_options(p)


def cmd_rules_list(args: argparse.Namespace) -> int:
    from compliance.rules import load_rules

    from compliance.errors import one_line

    ruleset = load_rules(_rule_paths(args))
    width = max((len(r.id) for r in ruleset), default=4)
    for r in ruleset:
        window = str(r.in_force)
        print(one_line(f"{r.id.ljust(width)}  {str(r.period):<17} {r.kind:<12} {window:<26} {r.source.citation}"))
    return 0


def add_rules_show(actions: Any) -> None:
    p = _command(actions, "show", "Show one rule in full.", "  compliance rules show la-publish-report", cmd_rules_show)
    p.add_argument("id", help="the rule id")
    _rule_options(p)


def cmd_rules_show(args: argparse.Namespace) -> int:
    from compliance.errors import one_line
    from compliance.rules import load_rules

    ruleset = load_rules(_rule_paths(args))
    rule = ruleset.get(_known_rule(ruleset, args.id, "id"))
    conditions = "; ".join(f"{k} in {list(v)}" for k, v in rule.when) or "none"
    lines = [
        f"{rule.id}: {rule.title}",
        f"  duty:          {rule.duty} ({rule.kind}), held by {rule.duty_holder}",
        f"  applies to:    {rule.applies_to} records; conditions: {conditions}",
        f"  clock:         {rule.period} ({rule.period.counting} the trigger day"
        f"{', rolls forward' if rule.period.roll else ''}) from {rule.trigger} to {rule.completion}",
        f"  in force:      {rule.in_force} (judged on the {rule.trigger} date)",
        f"  source:        {rule.source.citation} [{rule.source.verification}]",
    ]
    if rule.source.wording:
        lines.append(f"  wording:       {rule.source.wording}")
    if rule.source.url:
        lines.append(f"  url:           {rule.source.url}")
    if rule.trigger_optional:
        lines.append(f"  may not start: with no {rule.trigger} recorded, the duty never arose (not applicable)")
    if rule.no_earlier_than:
        lines.append(f"  trigger bound: {rule.trigger} is no earlier than {' and '.join(rule.no_earlier_than)}")
    if rule.no_later_than:
        lines.append(f"  trigger bound: {rule.trigger} is no later than {' and '.join(rule.no_later_than)}")
    if rule.extension:
        ext = rule.extension
        late = ("one granted after the deadline runs from the day granted" if ext.after_deadline == "from_grant"
                else "one recorded after the deadline extends nothing")
        lines.append(f"  extension:     on {ext.event}: " + (f"{ext.period} in all" if ext.period else f"+{ext.adds} each")
                     + f"; {late}")
    if rule.recurrence:
        steps = ", then ".join(f"{s.period}" + (f" x{s.times}" if s.times else "")
                               + (f" while within {s.while_within}" if s.while_within else "")
                               + "".join(f" when {k} in {list(v)}" for k, v in s.when)
                               for s in rule.recurrence.steps)
        lines.append(f"  recurrence:    first {rule.period}, then {steps}; until {rule.recurrence.until}")
    for c in rule.caveats:
        where = "".join(f" when {k} in {list(v)}" for k, v in c.when)
        lines.append(f"  caveat:        {c.window}{where}: {c.note}")
    if rule.notes:
        lines.append(f"  notes:         {rule.notes}")
    lines.append(f"  tests:         {len(rule.tests)}; defined at {rule.file}:{rule.line}")
    print("\n".join(map(one_line, lines)))
    return 0


def _known_rule(ruleset: Any, rule_id: str, field: str) -> str:
    """``rule_id`` when a rule has it; otherwise stop, naming the ids nearest to it."""
    import difflib

    from compliance.errors import InputError, Problem

    ids = [r.id for r in ruleset]
    if rule_id in ids:
        return rule_id
    close = difflib.get_close_matches(rule_id, ids, n=3, cutoff=0.5) or difflib.get_close_matches(
        rule_id.lower(), ids, n=3, cutoff=0.3)
    nearest = f"the nearest: {', '.join(close)}; " if close else ""
    raise InputError(Problem(f"no rule with id {rule_id!r}", field=field,
                             hint=f"{nearest}`compliance rules list` shows every id"))


def add_rules_test(actions: Any) -> None:
    p = _command(actions, "test", "Run the example records each rule carries.",
                 "  compliance rules test\n  compliance rules test rules/inspections.yaml --rule la-publish-report",
                 cmd_rules_test)
    p.add_argument("files", nargs="*", help="rule files or directories (default the bundled rules)")
    p.add_argument("--rule", help="only this rule id")


def cmd_rules_test(args: argparse.Namespace) -> int:
    from compliance.engines import run_rule_tests
    from compliance.errors import one_line
    from compliance.rules import load_rules

    ruleset = load_rules([_found(f) for f in args.files] or None)
    if args.rule is not None:
        _known_rule(ruleset, args.rule, "--rule")
    results = run_rule_tests(ruleset, args.rule)
    if args.rule is not None and not results:
        print(f"{args.rule} has no worked examples of its own (no tests: in its rule file) to run")
        return 0
    failed = [r for r in results if not r.passed]
    for r in results:
        mark = "PASS" if r.passed else "FAIL"
        # A test's name and the values it compares come from a rule file: shown escaped, as `rules show` does.
        print(one_line(f"{mark}  {r.rule}: {r.name}"))
        for d in r.differences:
            print(one_line(f"        {d}  ({r.location})"))
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


# -- check ------------------------------------------------------------------------------------------

@command("check", "Evaluate records against the rules as of a date.")
def add_check(sub: Any, help_text: str) -> None:
    from compliance.reports import BINARY, FORMATS

    p = _command(sub, "check", help_text,
                 "  compliance check examples/inspections.yaml --as-of 2026-11-20\n"
                 "  compliance check tracker.xlsx --format xlsx --output findings.xlsx\n"
                 "  compliance check tracker.xlsx --format csv --output findings.csv\n"
                 "  compliance check examples/inspections.yaml --add-rules examples/local-targets.yaml\n\n"
                 "Trackers (.csv, .xlsx): a header row of id, kind, then attributes and events (see\n"
                 "`compliance template KIND`); dates DD/MM/YYYY (day first, never month first),\n"
                 "YYYY-MM-DD or 14 December 2018, a time as DD/MM/YYYY HH:MM, several dates in one cell\n"
                 "separated by ;.\n"
                 "An Excel date column shown as numbers (45901) has lost its date format: format it as a date.\n\n"
                 "Table columns: # is the occurrence of a recurring duty (2 = the second review);\n"
                 "MARGIN is how far within or past the deadline, in working days where the period is.",
                 cmd_check)
    p.add_argument("records", nargs="+", help=f"record files: .yaml, .json, .csv or .xlsx (dates {DATES}); or a "
                                              "database URL read through --mapping (postgresql://reader@host/ssd "
                                              "--mapping ssd)")
    _rule_options(p)
    p.add_argument("--as-of", help=f"evaluate as of this date, {DATES} (default today)")
    p.add_argument("--format", choices=FORMATS + BINARY,
                   help="output format: table (the default), json, csv, md, or xlsx (an Excel workbook) and "
                        "parquet (typed columns for pandas, Polars, DuckDB, Power BI), which need --output; "
                        "without it, --output's extension says (findings.xlsx)")
    p.add_argument("--output", help=OUTPUT_HELP)
    p.add_argument("--engine", choices=("native", "durable"), default="native",
                   help="evaluation engine (durable needs the [durable] extra)")
    p.add_argument("--explain", action="store_true",
                   help="show each finding's working: in the table under its row, in CSV's explanation column; "
                        "JSON and Parquet list every weekend day skipped, not only the count")
    p.add_argument("--all", action="store_true",
                   help="list not-applicable findings too (every format counts them; by default only the findings "
                        "that apply are listed)")
    p.add_argument("--jobs", type=int, metavar="N",
                   help="processes evaluating a large run (default: one per core; 1 for a single process)")
    p.add_argument("--mapping", help="read the files through this column mapping (a bundled name such as "
                                     "cin-census or annex-a-list5, or a mapping file): the duties the extract "
                                     "can answer are checked record by record")
    _extract_date_option(p)
    _encoding_option(p)
    _sql_options(p)


def _mapped(args: argparse.Namespace, ruleset: Any, as_of: date) -> tuple[list[Any], list[Any], Any]:
    """Records read through --mapping (to be judged as of ``as_of``), each id once, and the rules they can answer
    (said on stderr)."""
    from compliance.errors import InputError, Problem, one_line
    from compliance.records import load_extract

    mapping, records, problems, answered = load_extract(args.records, args.mapping, ruleset, encoding=args.encoding,
                                                        extract_date=_extract_date(args), as_of=as_of)
    if not answered:
        # Nothing is read for a mapping no duty can be judged through: "no records, add a row" would blame the data.
        raise InputError(Problem(f"the {mapping.name} mapping answers none of the rules' duties: no rule's "
                                 "completion, with its trigger or an event that bounds it, is among the events it "
                                 "maps, so no record was read",
                                 field="mapping", hint="map the events a duty starts and ends with (docs/mappings.md), "
                                                       "or give the rules the mapping was written for (--rules)"))
    _warn_undated(mapping, args)
    # A duty is checked only where some record read is measured for it: a table that could not be read leaves out
    # every record of its kind, and so its duties.
    alike = {(r.kind, r.measured): r for r in records}.values()
    versions: dict[str, list[str]] = {}
    for rule in answered:
        versions.setdefault(rule.duty, []).append(rule.id)
    checked = [r.id for r in answered
               if any(rec.kind == r.applies_to and rec.measures(r.duty, versions[r.duty]) for rec in alike)]
    unread = [r.id for r in answered if r.id not in checked]
    print(one_line(f"{len(records)} record(s) read through {mapping.name}; duties checked: "
                   f"{', '.join(checked) or 'none'}"
                   + (f"; not checked (no record of theirs was read): {', '.join(unread)}" if unread else "")
                   + _drawn_text(records)), file=sys.stderr)
    return records, problems, answered


def _warn_undated(mapping: Any, args: argparse.Namespace) -> None:
    """Say so where the mapping's files hold no date and --extract-date was not given (records.undated_warning)."""
    from compliance.records import undated_warning

    warning = undated_warning(mapping, _extract_date(args))
    if warning:
        _print_problems([warning])


def _drawn_text(records: Sequence[Any]) -> str:
    """What the summary line says of the day the records' extract was drawn."""
    days = sorted({r.extract_date for r in records if r.extract_date is not None})
    return f"; extract drawn on {', '.join(d.isoformat() for d in days)}" if days else ""


def cmd_check(args: argparse.Namespace) -> int:
    from itertools import chain

    from compliance.engines import available_cores, check_as_of, targets_checked
    from compliance.errors import errors, one_line
    from compliance.records import redrawn, stream_records
    from compliance.reports import BINARY, FORMATS, CheckSettings, write_check
    from compliance.rules import load_rules

    if args.show_sql:
        return _show_sql(args, args.records)
    _output_format(args, FORMATS + BINARY, "table")
    _needs_output(args)
    args.encoding = _encoding(args)
    args.records = _inputs(args.records, EXTRACT_SUFFIXES if args.mapping else RECORD_SUFFIXES, output=args.output)
    _bounded(args.jobs, "jobs")
    ruleset = load_rules(_rule_paths(args))
    as_of = _as_of(args.as_of)
    check_as_of(ruleset, as_of)  # before any output is written
    rules: Any = ruleset
    # The records are checked as they are read; each step's problems are listed in this order once all are read.
    read: list[Any] = []
    redrawn_warnings: list[Any] = []
    named: list[Any] = []
    records: Any
    if args.mapping:
        records, read, rules = _mapped(args, ruleset, as_of)
    else:
        records = stream_records(args.records, ruleset.vocabulary, read, encoding=args.encoding)
        if _extract_date(args):
            records = redrawn(records, _extract_date(args), redrawn_warnings)
    checked = targets_checked(records, ruleset, named)
    first = next(checked, None)  # (with none, every record has been read)

    def problems() -> list[Any]:
        return read + redrawn_warnings + named

    if first is None and not errors(problems()):
        # A header row and nothing under it (a tracker just made by `template`): say so, not "no findings".
        said = one_line(f"no records in {', '.join(args.records)}: nothing to check; add a row for each record")
        if args.format == "table" and not args.output:
            _print_problems(problems())
            print(f"Compliance as of {as_of.isoformat()}: {said}.")
            return 0
        print(f"compliance: {said}", file=sys.stderr)
    settings = CheckSettings(rules, as_of, args.format, args.explain, show_all=args.all, engine=args.engine)
    options = dict(jobs=args.jobs or available_cores(), rule_files=ruleset.files, record_files=args.records,
                   generated_at=datetime.now(), problems=lambda: errors(problems()))
    records = chain([first], checked) if first is not None else ()
    if args.output:
        from compliance.atomic import open_atomic

        with open_atomic(args.output, binary=args.format in BINARY) as out:
            result = write_check(records, settings, out, **options)
    else:
        colour = args.format == "table" and sys.stdout.isatty()
        result = write_check(records, settings, sys.stdout, colour=colour, **options)
    refused = _print_problems(problems())
    if refused:
        rest = "the rest were checked" if first is not None else "no record could be checked"
        # A row named may be a record's own or one of a database table's joined to it (its record read without it).
        print(f"{len(refused)} problem(s) in the records: {_left_out_text(refused)}, {rest}.", file=sys.stderr)
        return 2
    return 1 if result.failing else 0


# -- track ------------------------------------------------------------------------------------------

@command("track", "Replay a file of events in date order: what opened, fell overdue, moved or closed each day.")
def add_track(sub: Any, help_text: str) -> None:
    p = _command(sub, "track", help_text,
                 "  compliance track examples/inspection-events.csv --as-of 2026-11-20\n"
                 "    2026-06-01\n"
                 "      opened   example-heath-2026-ilacs  la-publish-report  due by 2026-07-13 (30 working days ...)\n"
                 "  compliance track events.csv --engine durable --output today.txt\n\n"
                 "the file's columns: date, record, kind (on a record's first row), event, then any attributes;\n"
                 f"dates {DATES}, with HH:MM after the date where the time counts\n"
                 "exit codes: 0 nothing late or overdue, 1 something is, 2 bad input",
                 cmd_track)
    p.add_argument("events", help="a CSV file of events, one a row, in date order")
    _rule_options(p)
    p.add_argument("--as-of", help=f"track up to this date, {DATES} (default today)")
    p.add_argument("--engine", choices=("native", "durable"), default="native",
                   help="evaluation engine (durable needs the [durable] extra)")
    p.add_argument("--output", help=OUTPUT_HELP + "; text, so a .txt name (not .csv)")
    _encoding_option(p)


def cmd_track(args: argparse.Namespace) -> int:
    from compliance.engines import Tracker, exit_status
    from compliance.errors import InputError, Problem
    from compliance.records import read_events
    from compliance.reports import track_text
    from compliance.rules import load_rules

    encoding = _encoding(args)
    [args.events] = _inputs([args.events], folders=False, output=args.output)  # (first: it says an input is named)
    suffix = Path(args.output).suffix.lower() if args.output else ""
    if (suffix in _EXTENSIONS or suffix in _FOREIGN) and _EXTENSIONS.get(suffix) != "md":  # text under a table's name
        raise InputError(Problem(f"track writes text, a change a line: it writes no {suffix} file", field="output",
                                 hint="give a file name ending .txt"))
    ruleset = load_rules(_rule_paths(args))
    as_of = _as_of(args.as_of)
    events, problems = read_events(args.events, ruleset.vocabulary, encoding=encoding)
    late = next((e for e in events if e.day > as_of), None)
    if late is not None:
        problems.append(Problem(f"the event is dated {late.day.isoformat()}, after the as-of date {as_of.isoformat()}",
                                file=args.events, line=late.line, field="date",
                                hint="give a later --as-of (the default is today)"))
    if problems:
        _print_problems(problems)
        print(f"{len(problems)} problem(s) in the events: nothing was tracked, since a replay is only as good "
              "as its first bad row.", file=sys.stderr)
        return 2
    with Tracker(ruleset, args.engine, explain=False) as tracker:
        changes = []
        for e in events:
            changes += tracker.record(e.record, e.event, e.when, kind=e.kind, attributes=e.attributes)
        changes += tracker.advance(as_of)
        text = track_text(changes, tracker.open_duties(as_of), as_of)
        status = exit_status(tracker.findings(as_of))
    _emit(text, args.output)
    return status


# -- report -----------------------------------------------------------------------------------------

@command("report", "Write the nightly report: HTML, Markdown, JSON, CSV and a calendar of deadlines.")
def add_report(sub: Any, help_text: str) -> None:
    from compliance.calendars import DEFAULT_CALENDAR
    from compliance.nightly import (DEFAULT_FAIL_ON, DEFAULT_ICS_DAYS, DEFAULT_KEEP_RUNS, DEFAULT_TIMEOUT,
                                    DEFAULT_WINDOW, FAIL_ON_CHOICES)

    p = _command(sub, "report", help_text,
                 "  compliance report examples/inspections.yaml --as-of 2026-11-20 --out reports\n"
                 "    -> reports/2026-11-20/report.html, report.md, findings.csv, .json.gz, .parquet, deadlines.ics,\n"
                 "       linked as reports/latest.html etc.; history in reports/history.sqlite3\n"
                 "  compliance report tracker.xlsx --out /srv/reports/tracker --quiet --fail-on overdue \\\n"
                 "      --mail-to childrens-services@example.gov.uk   (SMTP settings: COMPLIANCE_SMTP_*)\n\n"
                 "Each source (a tracker, a census return, the SSD) has its own --out folder: a run of\n"
                 "another source than the folder's last run read is refused there.\n\n"
                 "exit codes: 0 nothing in --fail-on, 1 something is (default: overdue or late),\n"
                 "2 bad input or environment (a folder in the way, a disk that is full or read-only,\n"
                 "a busy history database, another source's folder, a failed delivery), 3 an internal error",
                 cmd_report)
    p.add_argument("records", nargs="+", help="record files: .yaml, .json, .csv or .xlsx; or a database URL read "
                                              "through --mapping (postgresql://reader@host/ssd --mapping ssd)")
    p.add_argument("--out", required=True, help="folder for the report, one for each source; each run adds a "
                                                "dated folder in it")
    _rule_options(p)
    p.add_argument("--as-of", help=f"report as of this date, {DATES} (default today); a date after today is "
                                   "refused unless --future is given")
    p.add_argument("--future", action="store_true",
                   help="report as of a date after today on purpose (a look ahead), best in an --out folder of its "
                        "own: latest.* follow the newest date, so runs of earlier dates there leave them alone")
    p.add_argument("--due-within", default=DEFAULT_WINDOW,
                   help='"due soon" means due within this period (default "%(default)s")')
    p.add_argument("--calendar", default=DEFAULT_CALENDAR, help="calendar for --due-within (default %(default)s)")
    p.add_argument("--db", help="history database (default OUT/history.sqlite3)")
    p.add_argument("--fail-on", default=",".join(DEFAULT_FAIL_ON),
                   help="exit 1 when any finding has one of these statuses (comma list of "
                        + ", ".join(FAIL_ON_CHOICES) + ', or "none"; default %(default)s)')
    p.add_argument("--title", default="Statutory deadlines report", help="the report's title")
    p.add_argument("--skip-bad-rows", action="store_true",
                   help="report on the good rows and list the bad ones, instead of stopping with exit code 2")
    p.add_argument("--lock-timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help="how long to wait for another run holding the history database, 0 to 86400 "
                        "(default %(default)g)")
    p.add_argument("--keep-runs", type=int, default=DEFAULT_KEEP_RUNS, metavar="N",
                   help="keep the newest N run folders (one a date, from its latest run) and those runs' duty "
                        "states in the history to compare with; older runs keep only their counts, for the trend, and "
                        "the folders the report wrote for them are removed, never anything it did not write "
                        "(default %(default)d)")
    p.add_argument("--jobs", type=int, metavar="N",
                   help="processes evaluating a large run (default: one per core)")
    p.add_argument("--no-explain", action="store_true",
                   help="leave each finding's step-by-step working out of the files (faster for very large runs)")
    p.add_argument("--mail-to", nargs="+", metavar="ADDRESS", help="email the report to these addresses")
    p.add_argument("--mail-config", metavar="FILE", help="SMTP settings file, INI [smtp] or YAML smtp: "
                                                         "(environment variables COMPLIANCE_SMTP_* override it)")
    p.add_argument("--quiet", action="store_true", help="log only warnings and errors, no progress bar (for cron)")
    p.add_argument("--mapping", help="read the files through this column mapping (a bundled name such as "
                                     "cin-census or annex-a-list5, or a mapping file): only the duties the "
                                     "extract can answer are reported")
    _extract_date_option(p)
    _encoding_option(p)
    _sql_options(p)
    p.add_argument("--all", action="store_true",
                   help="list not-applicable findings in findings.* too (always counted; by default only the "
                        "findings that apply are listed)")
    p.add_argument("--ics-days", type=int, default=DEFAULT_ICS_DAYS, metavar="N",
                   help="deadlines.ics holds the open duties due within N days and those overdue by at most N "
                        "days (default %(default)s), and one event on the run's day counting those overdue for "
                        "longer; every one is on the page and in findings.*")
    p.add_argument("--by", choices=("team",),
                   help="team: also a calendar for each team, deadlines-TEAM.ics (latest-deadlines-TEAM.ics in "
                        "--out), from the records' team attribute")


def _one_line_formatter() -> Any:
    """Each log record on one printable line: a record id or a cell holding a line break or an escape code can
    neither forge a timestamped line of its own in the cron log nor drive the terminal that shows it."""
    import logging

    from compliance.errors import one_line

    class OneLine(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            return one_line(super().format(record))

    return OneLine("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%S%z")


def cmd_report(args: argparse.Namespace) -> int:
    import logging
    import os

    from compliance.engines import available_cores
    from compliance.nightly import ReportOptions, load_mail_settings, parse_fail_on, run_report

    if args.show_sql:
        return _show_sql(args, args.records)
    encoding = _encoding(args)
    args.records = _inputs(args.records, EXTRACT_SUFFIXES if args.mapping else RECORD_SUFFIXES)
    _bounded(args.jobs, "jobs")
    _bounded(args.keep_runs, "keep-runs")
    _seconds(args.lock_timeout, "lock-timeout")
    if args.db is not None and args.db.endswith(("/", os.sep)):
        from compliance.errors import InputError, Problem

        # A path ending in a separator means a folder; Path() would drop the separator and make a file there.
        raise InputError(Problem("--db names a folder", field="db", hint=_PLACES["db"]))
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_one_line_formatter())
    logger = logging.getLogger("compliance")
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING if args.quiet else logging.INFO)  # --quiet: warnings and errors only
    try:
        mail = load_mail_settings(os.environ, args.mail_config) if args.mail_to else None
        options = ReportOptions(
            records=args.records, out=Path(args.out), as_of=_as_of(args.as_of), rules=_rule_paths(args),
            due_within=args.due_within, db=Path(args.db) if args.db else None, fail_on=parse_fail_on(args.fail_on),
            calendar=args.calendar, skip_bad_rows=args.skip_bad_rows, lock_timeout=args.lock_timeout,
            mail_to=args.mail_to or (), mail=mail, title=args.title,
            progress=None if args.quiet else sys.stderr, keep_runs=args.keep_runs,
            jobs=args.jobs or available_cores(), explain=not args.no_explain, encoding=encoding,
            mapping=args.mapping, extract_date=_extract_date(args), show_all=args.all, ics_days=args.ics_days,
            by_team=args.by == "team", future=args.future)
        return run_report(options, datetime.now().astimezone()).exit_code
    finally:
        logger.removeHandler(handler)


# -- casework: kpi, synth, map -----------------------------------------------------------------------

@command("kpi", "Timeliness KPIs: the share of each duty done in time, with counts, by rule, team or month.")
def add_kpi(sub: Any, help_text: str) -> None:
    from compliance.reports import DIMENSIONS, KPI_ENGINES, KPI_FORMATS, MONTH_OF

    p = _command(sub, "kpi", help_text,
                 "  compliance synth --children 2000 --seed 1 --output-dir extracts\n"
                 "  compliance kpi extracts/*.csv --as-of 2025-03-31 --by team month --format csv\n"
                 "    rule,team,month,in_time_percent,decided,met,late,overdue,due,missing_data,not_recorded,...\n"
                 "    assessment-45wd,Assessment North,2024-05,88.9,27,24,2,1,0,0,0,...\n"
                 "  compliance kpi list4.csv --mapping annex-a-list4 --as-of 2025-03-31 --chart kpi.svg\n\n"
                 "in time = met / (met + late + overdue); duties not yet due and records with a missing\n"
                 "trigger date are counted beside it. Files are streamed: a million records fit easily.\n"
                 "kpi measures rather than checks: it exits 0 whatever it counts (2 for bad input).",
                 cmd_kpi)
    p.add_argument("records", nargs="+", help=f"record files (.csv streamed; .yaml, .json, .xlsx; dates {DATES}), or "
                                              "extracts read through --mapping, or a database URL "
                                              "(postgresql://reader@host/ssd --mapping ssd), streamed")
    p.add_argument("--by", nargs="+", choices=DIMENSIONS, metavar="DIMENSION",
                   help="group by any of: " + ", ".join(DIMENSIONS) + " (default rule; rule is always included)")
    p.add_argument("--month-of", choices=MONTH_OF, default="deadline",
                   help="which date puts a duty in a month: when it fell due (default), was done, or started")
    p.add_argument("--as-of", help=f"evaluate as of this date, {DATES} (default today)")
    _rule_options(p)
    p.add_argument("--mapping", help="read the files through this column mapping (a bundled name such as "
                                     "annex-a-list4 or cin-census, or a mapping file)")
    p.add_argument("--format", choices=KPI_FORMATS + ("xlsx", "parquet"),
                   help="output format: table (the default), csv, json, or xlsx (an Excel workbook) and parquet "
                        "(typed columns for pandas, Polars, DuckDB, Power BI), which need --output; without it, "
                        "--output's extension says (kpi.xlsx)")
    p.add_argument("--output", help=OUTPUT_HELP)
    p.add_argument("--chart", metavar="FILE.svg", help="also write an SVG chart of each KPI month by month")
    p.add_argument("--engine", choices=KPI_ENGINES, default="batch",
                   help="batch (vectorised, default), native (record by record) or durable; same numbers")
    _extract_date_option(p)
    _encoding_option(p)
    _sql_options(p)


def _keep_freed_memory() -> None:
    """Have glibc keep the memory a process frees, for the next allocation, rather than give it back at once.

    Counting streams batches through numpy, whose arrays of half a megabyte each glibc maps and unmaps (or trims
    from the heap) as they come and go, so the system clears every page of each new one: at 2,000,000 records
    that was 45,000 page faults and a fifth of kpi's CPU time. Kept, the freed blocks serve the next batch's
    arrays; the largest the process holds at once is unchanged. Elsewhere than glibc, nothing is done."""
    import ctypes
    import os

    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return
        mallopt = ctypes.CDLL(None).mallopt
    except (ValueError, OSError, AttributeError):  # no such name to ask (not glibc), or no mallopt
        return
    mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD: blocks up to 32 MB from the heap, not mapped one by one
    mallopt(-1, 256 << 20)  # M_TRIM_THRESHOLD: the heap's free top kept up to 256 MB


def cmd_kpi(args: argparse.Namespace) -> int:
    from compliance.errors import InputError, Problem, one_line
    from compliance.records import load_mapping
    from compliance.reports import KPI_FORMATS, Tally, TargetTally, duties_for, kpi_chart_svg, render_kpi, tally_files
    from compliance.rules import load_rules

    if args.show_sql:
        return _show_sql(args, args.records)
    _keep_freed_memory()
    _output_format(args, KPI_FORMATS + ("xlsx", "parquet"), "table")
    _needs_output(args)
    encoding = _encoding(args)
    args.records = _inputs(args.records, EXTRACT_SUFFIXES if args.mapping else RECORD_SUFFIXES, output=args.output)
    ruleset = load_rules(_rule_paths(args))
    as_of = _as_of(args.as_of)
    mapping = load_mapping(args.mapping, ruleset.vocabulary) if args.mapping else None
    if mapping is not None:
        _warn_undated(mapping, args)
    if mapping is not None and not duties_for(ruleset, mapping):
        # As `check` refuses it: nothing can be measured, which is no "nothing late" (exit 0) to a scheduler.
        raise InputError(Problem(f"the {mapping.name} mapping fills in no duty's completion date, so there is "
                                 f"nothing to measure ({mapping.title})", field="mapping",
                                 hint="see its notes with `compliance map --list`, or give the rules the mapping was "
                                      "written for (--rules)"))
    tally = Tally(args.by or ["rule"], args.month_of)
    targets = TargetTally()
    tallies: list[Any] = [tally, targets]
    monthly = Tally(("rule", "month"), args.month_of) if args.chart else None
    if monthly is not None:
        tallies.append(monthly)
    problems = tally_files(args.records, ruleset, as_of, tallies, engine=args.engine, mapping=mapping,
                           encoding=encoding, extract_date=_extract_date(args))
    if args.format == "xlsx":
        from compliance.reports import kpi_xlsx

        _emit(kpi_xlsx(tally.rows(), tally.dimensions, as_of, args.month_of, rule_files=ruleset.files,
                       record_files=args.records), args.output)
    elif args.format == "parquet":
        from compliance.reports.parquet import kpi_parquet

        _emit(kpi_parquet(tally.rows(), tally.dimensions, as_of, args.month_of), args.output)
    else:
        _emit(render_kpi(tally.rows(), args.format, tally.dimensions, as_of, args.month_of, targets), args.output)
    if monthly is not None:
        _emit(kpi_chart_svg(monthly.rows()), args.chart)
    if not tally.counts and not problems:
        print(one_line(f"compliance: nothing counted: no records with a duty in {', '.join(args.records)}"),
              file=sys.stderr)
    # Streamed files are read in blocks, some cell by cell: say the problems in each file's row order.
    order = {str(path): n for n, path in enumerate(args.records)}
    problems.sort(key=lambda p: (order.get(p.file or "", len(order)), p.line or 0))
    problems = _print_problems(problems)
    if problems:
        rest = "the rest were counted" if tally.counts else "no record could be counted"
        print(f"{len(problems)} problem(s) in the records: {_left_out_text(problems)}, {rest}.", file=sys.stderr)
        return 2
    return 0


@command("synth", "Write synthetic case-management extracts with known timeliness, for tests and demos.")
def add_synth(sub: Any, help_text: str) -> None:
    from compliance.records.synth import LAYOUTS

    p = _command(sub, "synth", help_text,
                 "  compliance synth --children 1000 --seed 7 --output-dir extracts\n"
                 "    -> extracts/referrals.csv, child-protection.csv, looked-after.csv, care-proceedings.csv,\n"
                 "       complaints.csv, missing-episodes.csv (the record CSV layout)\n"
                 "  compliance synth --children 1000 --seed 7 --layout annex-a --output-dir annex\n"
                 "    -> Annex A lists 3, 4, 5, 7 and 8 with DD/MM/YYYY dates, for the annex-a-* mappings\n"
                 "  compliance synth --children 1000 --seed 7 --layout cin-census --output-dir census\n"
                 "    -> census/cin-census.xml, a children-in-need census return for the cin-census mapping\n"
                 "  compliance synth --children 1000 --seed 7 --layout ssd --output-dir ssd \\\n"
                 "      --database sqlite:///ssd/ssd.sqlite3\n"
                 "    -> the Standard Safeguarding Dataset's tables as ssd/ssd_*.csv, and in ssd/ssd.sqlite3,\n"
                 "       for the ssd mapping\n\n"
                 "The same --children and --seed always give the same files.",
                 cmd_synth)
    p.add_argument("--children", type=int, required=True, help="how many children to generate")
    p.add_argument("--seed", type=int, default=0, help="random seed, 0 or more (default %(default)s)")
    p.add_argument("--output-dir", default="extracts",
                   help="folder to write to (default %(default)s); a file there that synth did not write, or that "
                        "changed since it did, is never replaced")
    p.add_argument("--layout", choices=LAYOUTS, default="records", help="file layout (default %(default)s)")
    p.add_argument("--from", dest="start", default="2019-04-01",
                   help=f"first referral date, {DATES} (default %(default)s)")
    p.add_argument("--to", dest="end", default="2025-03-31",
                   help="extract date: nothing later is recorded (default %(default)s)")
    p.add_argument("--authorities", type=int, default=4, help="how many councils (default %(default)s)")
    p.add_argument("--limit", type=int, help="stop after this many records (1 or more)")
    p.add_argument("--database", metavar="URL",
                   help="with --layout ssd, also load the tables into this database (sqlite:///ssd.db, "
                        "duckdb:///ssd.duckdb, postgresql://owner@host/ssd): into its SSD tables, or new ones")


def cmd_synth(args: argparse.Namespace) -> int:
    from compliance.calendars import parse_date
    from compliance.errors import one_line
    from compliance.records.synth import write_extracts

    # The generator takes any seed of 0 or more, and a --limit below 1 would write nothing and say so as success.
    _bounded(args.seed, "seed", least=0, most=None, example=7)
    _bounded(args.limit, "limit", most=None, example=1000)
    if Path(args.output_dir).exists() and not Path(args.output_dir).is_dir():
        from compliance.errors import InputError, Problem

        raise InputError(Problem(f"--output-dir {args.output_dir} is a file, not a folder", field="output-dir",
                                 hint="name a folder (it is made if it does not exist) for the files written"))
    summary = write_extracts(args.output_dir, args.children, args.seed, start=parse_date(args.start, "--from"),
                             end=parse_date(args.end, "--to"), layout=args.layout, authorities=args.authorities,
                             limit=args.limit, database=args.database)
    print(one_line(str(summary)))  # it names the folder written
    return 0


@command("map", "Turn a case-management extract into records through a YAML column mapping.")
def add_map(sub: Any, help_text: str) -> None:
    p = _command(sub, "map", help_text,
                 "  compliance map --list\n"
                 "  compliance map list5.csv --mapping annex-a-list5 --output s47-records.csv\n"
                 "  compliance check s47-records.csv --as-of 2025-03-31\n"
                 "  compliance map census.xml --mapping cin-census --output census-records.csv\n"
                 "  compliance map list4.xlsx --mapping annex-a-list4 --format xlsx --output records.xlsx\n\n"
                 "A row (or XML element) that cannot be read is reported with file, row and column, and\n"
                 "nothing is written (exit code 2), so that no record is lost on the way to check;\n"
                 "--skip-bad-rows writes the others.",
                 cmd_map)
    p.add_argument("extracts", nargs="*", help="extract files: .csv, .xlsx, or CIN census .xml; or a database URL "
                                               "(postgresql://reader@host/ssd --mapping ssd)")
    p.add_argument("--mapping", help="a bundled mapping name or a mapping file (docs/mappings.md writes one)")
    _rule_options(p)
    p.add_argument("--format", choices=("csv", "xlsx"),
                   help="csv (the default), or xlsx: an Excel workbook in the tracker layout, which needs --output; "
                        "without --format, --output's extension says (records.xlsx)")
    p.add_argument("--output", help="write the records to this file instead of the terminal (a file is replaced only "
                                    "once complete)")
    p.add_argument("--list", action="store_true", help="list the bundled mappings")
    p.add_argument("--skip-bad-rows", action="store_true",
                   help="write the records read and list the rows that could not be (exit code 0), instead of "
                        "writing nothing and stopping with exit code 2; with none read, nothing is written (exit "
                        "code 2)")
    _extract_date_option(p)
    _encoding_option(p)
    _sql_options(p)


def cmd_map(args: argparse.Namespace) -> int:
    from compliance.engines import targets_in_use
    from compliance.errors import InputError, Problem, one_line
    from compliance.records import available_mappings, load_mapped, load_mapping, records_csv
    from compliance.reports import duties_for, rows_not_read, unread_count
    from compliance.rules import load_rules

    if args.list:
        for name, path in available_mappings().items():
            print(f"{name:<16} {load_mapping(path).title}")
        return 0
    if not args.mapping or not args.extracts:
        raise InputError(Problem("give extract files and --mapping", field="mapping",
                                 hint="e.g. compliance map list4.csv --mapping annex-a-list4 --output records.csv"))
    if args.show_sql:
        return _show_sql(args, args.extracts)
    _output_format(args, ("csv", "xlsx"), "csv")
    _needs_output(args)
    encoding = _encoding(args)
    args.extracts = _inputs(args.extracts, EXTRACT_SUFFIXES, output=args.output)
    ruleset = load_rules(_rule_paths(args))
    mapping = load_mapping(args.mapping, ruleset.vocabulary)
    records, problems = load_mapped(args.extracts, mapping, ruleset.vocabulary, encoding=encoding,
                                    extract_date=_extract_date(args))
    # `check` with these rules would skip a record for a target of a rule they lack: such targets are not written.
    records, left_out = targets_in_use(records, ruleset)
    problems += left_out
    _warn_undated(mapping, args)  # the records written would carry no extract_date
    measurable = duties_for(ruleset, mapping)
    answered = [r.id for r in measurable]
    # Written as measured for every duty of their kind, the records would be checked for those the extract cannot
    # answer too (the SSD's referral decision: 2,532 "not recorded" where `check --mapping` measures none).
    by_kind: dict[str, set[str]] = {}
    for rule in measurable:
        by_kind.setdefault(rule.applies_to, set()).add(rule.id)
    # A kind it answers no duty for (the SSD's missing episodes) is written as measured for none.
    records = [r.with_measured(frozenset(by_kind.get(r.kind, ()))) if r.measured is None else r for r in records]
    unread = any(not p.warning for p in problems)
    if unread and not records:
        # Every row left out: --skip-bad-rows or not, an empty file would replace last night's records, exit code 0.
        _print_problems(problems)
        print(one_line(f"nothing written: {rows_not_read(unread_count(problems))}, and no record was read through "
                       f"{mapping.name}: fix the rows and map again"), file=sys.stderr)
        return 2
    if unread and not args.skip_bad_rows:
        # A records file is checked later, maybe by someone else: written without these rows, it would not say so.
        _print_problems(problems)
        print(one_line(f"nothing written: {rows_not_read(unread_count(problems))}; {len(records)} record(s) were "
                       f"read through {mapping.name}: fix the rows and map again, or give --skip-bad-rows to write "
                       "those"),
              file=sys.stderr)
        return 2
    if args.format == "xlsx":
        from compliance.reports import records_xlsx

        vocab = ruleset.vocabulary
        repeats = {k: {e for e in vocab.events(k) if vocab.repeats(k, e)} for k in vocab.kinds}
        _emit(records_xlsx(records, repeats, title=f"{mapping.title}: records", source_files=args.extracts,
                           duties=answered, vocabulary=vocab, mapped=mapping.events), args.output)
    else:
        # Every event the mapping maps is a column, blank throughout or not: read back, a column left out would be
        # "not recorded" (missing data), not "not happened" as `check --mapping` judges it.
        _emit(records_csv(records, ruleset.vocabulary, mapping.events), args.output)
    _print_problems(problems)
    duties = ", ".join(answered) or "none (no completion dates)"
    # The day drawn is in the records written (their extract_date), so check judges them on it.
    print(one_line(f"{len(records)} record(s) read through {mapping.name}; duties they can answer: "
                   f"{duties}{_drawn_text(records)}"), file=sys.stderr)
    return 0


# -- the program ------------------------------------------------------------------------------------

class _Version(argparse.Action):
    """--version: the package, the `holidays` data and each bundled calendar file, worked out only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        import hashlib

        from compliance import __version__
        from compliance.calendars import available
        from compliance.calendars._cache import holidays_version

        lines = [f"statutory-timelines {__version__} (Python {sys.version.split()[0]})",
                 f"holidays {holidays_version()}"]
        for name, path in available().items():
            lines.append(f"calendar {name}: {path} (sha256 {hashlib.sha256(path.read_bytes()).hexdigest()[:12]})")
        print("\n".join(lines))
        parser.exit(0)


def build_parser(full: Iterable[str] | None = None) -> argparse.ArgumentParser:
    """The parser; ``full`` names the commands built in full (default all), the rest are listed for --help only."""
    parser = _Parser(
        prog="compliance",
        description="Checks, to the day, whether a council met the deadlines the law sets it.",
        epilog="examples:\n"
               "  compliance deadline 2018-12-05 \"70 working days\"\n"
               "  compliance check examples/inspections.yaml --as-of 2026-11-20\n"
               "  compliance rules show la-publish-report\n\n"
               "exit codes: 0 nothing late or overdue, 1 something is, 2 bad input or environment,\n"
               "3 an internal error",
        formatter_class=_formatter,
    )
    parser.add_argument("--version", action=_Version, help="show the version, the holidays data and the calendars")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    wanted = set(COMMANDS) if full is None else set(full)
    for name, (help_text, add) in COMMANDS.items():
        if name in wanted:
            add(sub, help_text)
        else:
            sub.add_parser(name, help=help_text)
    return parser


def _internal_error(exc: BaseException) -> int:
    """Exit 3 with one line, the traceback kept in a file for whoever fixes it."""
    import tempfile
    import traceback

    from compliance.errors import one_line
    from compliance.resources import cache_dir

    text = "".join(traceback.format_exception(exc))
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    where = None
    for folder in (cache_dir() / "errors", Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            where = folder / f"compliance-error-{stamp}-{id(exc):x}.log"
            where.write_text(f"compliance {' '.join(sys.argv[1:])}\n\n{text}", encoding="utf-8",
                             errors="backslashreplace")  # a file name that is not UTF-8, kept as an escape
            break
        except OSError:
            where = None
    kept = f"the traceback is in {where}" if where else "the traceback could not be saved:\n" + text
    print(f"compliance: internal error (a fault in the tool, not in your input): {type(exc).__name__}: "
          f"{one_line(str(exc))}; {kept}. Please report it.", file=sys.stderr)
    return 3


class _Unplugged:
    """sys.stdout or sys.stderr that goes quiet once its reader has gone (`2>&1 | head`): the run goes on to the
    end and exits with the code its findings give, not 0 because the pipe closed nor 120 because the last flush
    failed. Everything else is the stream's own."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._unplug()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._unplug()

    def _unplug(self) -> None:
        # The stream's descriptor is pointed at the null device: what it still holds, and the interpreter's own
        # flush at exit, go there without another error.
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, self._stream.fileno())
        finally:
            os.close(null)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


#: Objects made between the cycle collector's passes over the young ones (Python's default: 700; 2,000 from 3.14).
#: A long run keeps caches (working days, deadlines, the values a workbook has written) that each of its full passes
#: walks again: at the default a fifth of `check`'s CPU at 100,000 records went to it. Workers collect at this pace.
COLLECT_EVERY = 20_000


def main(argv: Sequence[str] | None = None) -> int:
    streams = sys.stdout, sys.stderr
    pace = gc.get_threshold()
    sys.stdout, sys.stderr = _Unplugged(sys.stdout), _Unplugged(sys.stderr)
    if 0 < pace[0] < COLLECT_EVERY:  # (0: collection turned off by whoever called, left so)
        gc.set_threshold(COLLECT_EVERY, *pace[1:])
    try:
        return _main(argv)
    finally:
        gc.set_threshold(*pace)
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout, sys.stderr = streams


def _main(argv: Sequence[str] | None) -> int:
    from compliance.errors import ComplianceError, InputError, one_line

    argv = list(sys.argv[1:] if argv is None else argv)
    named = next((a for a in argv if not a.startswith("-")), None)
    args = build_parser([named] if named in COMMANDS else []).parse_args(argv)
    try:
        _blank_places(args)
        if getattr(args, "mapping", None):
            args.mapping = _found(args.mapping)  # examples/own-columns.yaml from any folder, as the records
        _kept_inputs(args)
        return int(args.handler(args))
    except ComplianceError as exc:
        problems = exc.problems if isinstance(exc, InputError) else (str(exc),)
        for p in problems:
            print(f"compliance: error: {one_line(str(p))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("compliance: interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        print("compliance: error: not enough memory for this run (split the input, or use a larger machine)",
              file=sys.stderr)
        return 2
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        # The file named is often one given on the command line: shown escaped, on one line.
        print(one_line(f"compliance: error: {exc.strerror or exc}{where} (check the path, the free disk space and the "
                       "permissions)"), file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a bare traceback
        return _internal_error(exc)


if __name__ == "__main__":
    sys.exit(main())

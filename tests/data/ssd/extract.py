"""Extract the definitions of the SSD tables the ssd mapping reads into ssd-tables.yaml, beside this file.

Run by hand, once per SSD release, against a clone of data-to-insight/ssd-data-model (a work tree or a
bare git directory); the tests read only the YAML it writes, never the SSD repository:

    python tests/data/ssd/extract.py PATH/TO/ssd-data-model [COMMIT]

Names and base types come from the published object definitions (data/objects/TABLE.yml); the SQL Server
type with its length from the CREATE TABLE in the SystemC deployment script, which is the DDL councils run;
columns only the DDL has are kept and marked. The version is the version history's current_version.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

TABLES = ("ssd_person", "ssd_cin_episodes", "ssd_cin_assessments", "ssd_s47_enquiry", "ssd_initial_cp_conference",
          "ssd_cp_plans", "ssd_cp_reviews", "ssd_cla_episodes", "ssd_cla_reviews", "ssd_cla_visits",
          "ssd_cla_placement", "ssd_missing")
DDL = "deployment_extracts/systemc/live/ssd_deployment_individual_files/systemc_sqlserver_v1.4.5_1_20260708.sql"
VERSIONS = "deployment_extracts/ssd_version_history.yml"


def show(repo: str, commit: str, path: str) -> str:
    return subprocess.run(["git", "-C", repo, "show", f"{commit}:{path}"], check=True, capture_output=True,
                          text=True).stdout


def ddl_columns(ddl: str, table: str) -> dict[str, str]:
    found = re.search(r"CREATE TABLE ssd_development\.%s\s*\((.*?)\n\s*\);" % table, ddl, re.S)
    if found is None:
        raise SystemExit(f"no CREATE TABLE for {table} in {DDL}")
    out = {}
    for line in found.group(1).splitlines():
        words = line.split("--")[0].strip().rstrip(",").split()
        if words:
            out[words[0]] = " ".join(w for w in words[1:] if w.upper() not in ("PRIMARY", "KEY", "NULL", "NOT")).upper()
    return out


def main(repo: str, commit: str = "HEAD") -> None:
    sha = subprocess.run(["git", "-C", repo, "rev-parse", commit], check=True, capture_output=True,
                         text=True).stdout.strip()
    version = yaml.safe_load(show(repo, sha, VERSIONS))["current_version"]
    ddl = show(repo, sha, DDL)
    tables = {}
    for table in TABLES:
        node = yaml.safe_load(show(repo, sha, f"data/objects/{table}.yml"))["nodes"][0]
        deployed = ddl_columns(ddl, table)
        fields = []
        for f in node["fields"]:
            entry = {"name": f["name"], "type": str(f["type"]).lower(), "sqlserver": deployed.get(f["name"])}
            for key in ("primary_key", "foreign_key", "item_ref"):
                if f.get(key):
                    entry[key] = f[key]
            fields.append(entry)
        named = {f["name"] for f in fields}
        fields += [{"name": c, "type": t.split("(")[0].lower(), "sqlserver": t, "objects": False}
                   for c, t in deployed.items() if c not in named]
        tables[table] = fields
    header = (f"# The SSD tables the ssd mapping reads, as published by data-to-insight (extracted by extract.py).\n"
              f"# Names and types are facts taken from the SSD; do not edit by hand: run extract.py again.\n")
    document = {"source": {"repository": "https://github.com/data-to-insight/ssd-data-model", "commit": sha,
                           "version": version, "version_from": VERSIONS, "objects": "data/objects/TABLE.yml",
                           "sqlserver_ddl": DDL},
                "tables": tables}
    out = Path(__file__).with_name("ssd-tables.yaml")
    out.write_text(header + yaml.safe_dump(document, sort_keys=False, width=120, allow_unicode=True),
                   encoding="utf-8")
    print(f"wrote {out}: {len(tables)} tables from {sha[:12]} (SSD {version})")


if __name__ == "__main__":
    main(*sys.argv[1:])

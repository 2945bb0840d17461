"""What happened and when: records read from files, checked against the vocabulary, every bad row located.

``_record`` is what a record is; ``_readers`` reads YAML, JSON, CSV and Excel files in the record
layout; ``_tables`` gives the rows of a CSV file or an Excel sheet (``_workbook`` opens workbooks with limits
and warns of cells read as empty), and makes cells safe for a spreadsheet to open; ``_csv`` reads a CSV
file's rows in its encoding, a bad cell one problem at its row; ``_seen_ids`` finds repeated ids in
millions of records; ``_mappings`` reads real extracts (Ofsted Annex A lists, the DfE children-in-need
census XML, the Standard Safeguarding Dataset) through YAML column mappings; ``_related`` gathers a
record's rows from related tables, in a database or in CSV files; ``_database`` opens a database URL
read-only through SQLAlchemy (an optional extra), streaming rows and keeping its password out of sight;
``_events`` reads the tracker's event files. Two modules need numpy and pyarrow and are imported only
where used: ``columns`` (records as columns, streamed from CSV, for the vectorised engine) and
``synth`` (synthetic extracts with known timeliness).
"""

from ._csv import DEFAULT_ENCODING, codec_name
from ._database import PASSWORD_VARIABLE, check_database_url, is_database_url, shown_url
from ._events import Event, read_events
from ._mappings import (Mapping, available_mappings, load_extract, load_mapped, load_mapping, mapping_sql, read_mapped,
                        records_csv, show_sql, undated_warning, written_event, written_events)
from ._readers import drawn_on, load_records, read_records, records_from_text, redrawn, redrawn_warning, stream_records
from ._record import (DATE_HINT, NO, YES, YES_NO_HINT, EventDate, Record, RecordCheck, imply, is_unknown,
                      measured_text, parse_event_date, sort_key)
from ._tables import FORMULA_STARTS, csv_cell, csv_line, csv_text, excel_column, spreadsheet_safe, table_rows

__all__ = [
    "DATE_HINT", "DEFAULT_ENCODING", "FORMULA_STARTS", "NO", "PASSWORD_VARIABLE", "YES", "YES_NO_HINT", "Event",
    "EventDate",
    "Mapping", "Record", "RecordCheck", "available_mappings", "check_database_url", "codec_name", "csv_cell",
    "csv_line", "csv_text", "drawn_on", "excel_column", "imply", "is_database_url", "is_unknown", "load_extract",
    "load_mapped", "load_mapping", "load_records", "mapping_sql", "measured_text", "parse_event_date", "read_events",
    "read_mapped", "read_records", "records_csv", "records_from_text", "redrawn", "redrawn_warning", "show_sql",
    "shown_url", "sort_key", "spreadsheet_safe", "stream_records", "table_rows", "undated_warning", "written_event",
    "written_events",
]

"""Register stage: obligations read from clause text at ingest (party, modality, action, clause),
and the register's filters and exports."""

from clausetrace.register.build import build_register
from clausetrace.register.export import CSV_COLUMNS, filter_register, to_csv, to_table_rows

__all__ = ["CSV_COLUMNS", "build_register", "filter_register", "to_csv", "to_table_rows"]

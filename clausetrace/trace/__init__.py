"""Trace stage: cross-references read at ingest, the traceability graph over them, and version diffs."""

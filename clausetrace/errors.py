"""Domain errors. The CLI turns each into one plain line; users never see a traceback."""

from __future__ import annotations

from collections.abc import Sequence


class ClausetraceError(Exception):
    """Base class of every error a user can cause or fix."""


class SourceError(ClausetraceError):
    """A document cannot be used; names the file, the problem and what to do."""

    def __init__(self, path: str, problem: str, remedy: str = "") -> None:
        self.path, self.problem, self.remedy = path, problem, remedy
        message = f"{path}: {problem}"
        super().__init__(f"{message}. {remedy}" if remedy else message)


class EncryptedPDFError(SourceError):
    """The PDF is encrypted and cannot be read without a password."""


class CorruptDocumentError(SourceError):
    """The file is not a readable PDF/text document."""


class EmptyDocumentError(SourceError):
    """The document has no extractable text (empty, or image-only PDF)."""


class DuplicateSourceError(SourceError):
    """The same file content was given twice."""


class NoClausesFoundError(SourceError):
    """No clause numbering of the expected family was found."""


class StructureError(SourceError):
    """The document's layout or numbering cannot be read safely; raised without a path by the
    cleaning and segmentation stages, which `ingest` fills in."""


class ContentsPageError(StructureError):
    """A contents page cannot be told from the body."""


class NumberingRestartError(StructureError):
    """The clause numbering starts again part-way through (two documents in one, or contents left in)."""


class NoDefinitionsFoundError(StructureError):
    """A definitions list in which no defined term was found."""


class ChecksumError(SourceError):
    """A fetched file does not match the sha256 pinned in the catalogue."""


class FetchError(ClausetraceError):
    """A document could not be fetched from the mirror or its URL."""


class CatalogueError(ClausetraceError):
    """`corpus/sources.toml` is malformed."""


class UnknownAnchorError(ClausetraceError):
    """No clause has this anchor; suggests the nearest ones."""

    def __init__(self, anchor: str, suggestions: Sequence[str] = ()) -> None:
        self.anchor, self.suggestions = anchor, list(suggestions)
        hint = f" Nearest: {', '.join(self.suggestions)}." if self.suggestions else ""
        super().__init__(f"Unknown clause '{anchor}'.{hint}")


class NoVersionHeldError(ClausetraceError):
    """No version of a document (or of any document) held is dated on or before the date asked for."""


class IndexMissingError(ClausetraceError):
    """There is no index where one was expected."""


class IndexMismatchError(ClausetraceError):
    """The index on disk was built with another model or format."""


class QuestionRejectedError(ClausetraceError):
    """A question is empty, too long, or otherwise unusable."""


class IngestRunningError(ClausetraceError):
    """Another process holds the writer lock of this index."""


class DiskFullError(ClausetraceError):
    """The disk (or the file size limit) ran out while writing; the live index is unchanged."""

"""The expected failures of the knowledge layer, each with a stable code.

The Danish wording for each code lives with the rest of the user-facing text in
`handlers.texts`; this layer only says what went wrong and where.
"""

from __future__ import annotations


class KnowledgeError(Exception):
    """An expected failure: `code` says which, `detail` adds the specifics."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


class DocumentError(KnowledgeError):
    """A minutes file that cannot be read or parsed.

    Codes: unsupported (file type), unreadable (bytes that are not the format they claim),
    empty (no text), no_meeting (no meeting date), no_items (no agenda items),
    truncated (the document stops before its table of contents says it ends).
    """


class IndexUnavailable(KnowledgeError):
    """No usable index: codes missing (never built) and corrupt (cannot be read)."""


class IndexingFailed(KnowledgeError):
    """An indexing run that failed as a whole; the previous index is untouched.

    Codes: no_sources (the minutes folder is missing), write_failed (disk full, permissions;
    `disk_full` is True when there was no space left on the disk or in the quota),
    crashed (an unexpected error in the middle of the run), busy (another writer holds the lock).
    """

    def __init__(self, code: str, detail: str = "", *, disk_full: bool = False) -> None:
        super().__init__(code, detail)
        self.disk_full = disk_full


class SyncFailed(KnowledgeError):
    """A sync from an agenda portal that failed as a whole; the index is untouched.

    Codes: bad_url (not a web address), unreachable (no connection), timeout (no whole
    answer in time), http (an error status), malformed (an answer that is not the portal's
    JSON), too_large (an answer over the size limit), busy (another sync of this portal runs).
    """

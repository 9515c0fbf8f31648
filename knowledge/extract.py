"""Reads the text out of one minutes file, whatever format it came in, for the parser.

This module owns the step from a file on disk to the line-oriented text `parse_minutes`
reads: plain text and markdown as written (decoded with care for old Windows exports),
DOCX and HTML walked in document order with headings, list items and table rows on lines
of their own, and PDF through pypdf and the re-flow in `knowledge.pdftext`. Every failure
comes out as a `DocumentError` (unsupported, unreadable, empty), never as a library's own
exception, because the indexer reports those per file and carries on with the rest.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
from pathlib import Path
from typing import Iterator

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag
from docx import Document
from docx.text.paragraph import Paragraph
from pypdf import PdfReader

from knowledge.docxnumbers import HeadingNumbers
from knowledge.errors import DocumentError
from knowledge.ocr import ocr_pdf
from knowledge.pdflayout import page_lines, strong_flags
from knowledge.pdftext import pdf_text

SUPPORTED_SUFFIXES: frozenset[str] = frozenset({".pdf", ".docx", ".html", ".htm", ".txt", ".md"})
# Files that are named in the indexing report as not read, each with its own reason.
OLD_WORD_SUFFIXES: frozenset[str] = frozenset({".doc", ".rtf", ".wpd"})
IMAGE_SUFFIXES: frozenset[str] = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".gif", ".bmp", ".heic", ".webp"})

# Share of control or undecodable characters above which bytes are not text after all;
# real minutes have next to none, random bytes decoded as cp1252 have about one in eight.
MAX_GARBAGE = 0.05
HARMLESS_CONTROLS = "\t\n\r\f\v"
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")


def extract_text(path: Path) -> str:
    """The minutes text of one file, ready for `parse_minutes`.

    Raises DocumentError: unsupported (file type), unreadable (not the format its name
    claims, encrypted or damaged), empty (no text), needs_ocr (a scanned PDF and no OCR).
    """
    return extract_document(path)[0]


def extract_document(path: Path) -> tuple[str, tuple[str, ...]]:
    """The minutes text of one file and notes on how it was had ("ocr": read by OCR)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError("unsupported", path.name)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DocumentError("unreadable", path.name) from error
    if not data.strip():
        raise DocumentError("empty", path.name)
    notes: tuple[str, ...] = ()
    if suffix == ".pdf":
        try:
            text = _pdf(data, path.name)
        except DocumentError as error:
            scanned = ocr_pdf(data) if error.code == "needs_ocr" else None
            if scanned is None:
                raise
            text, notes = _pdf(scanned, path.name), ("ocr",)
    elif suffix == ".docx":
        text = _docx(data, path.name)
    elif suffix in (".html", ".htm"):
        text = _html(data, path.name)
    else:
        text = _plain_text(data, path.name)
    if not text.strip():
        raise DocumentError("empty", path.name)
    return text, notes


def _check_text(text: str, name: str) -> str:
    """`text`, unless it is mostly binary junk that happened to decode."""
    # A regex count rather than a per-character category lookup: this runs on every file
    # of an archive and must cost next to nothing on the normal, clean case.
    garbage = len(_GARBAGE.findall(text))
    if "\x00" in text or garbage > MAX_GARBAGE * len(text):
        raise DocumentError("unreadable", name)
    return text


_GARBAGE = re.compile("[\x01-\x08\x0e-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff\ud800-\udfff]")


def _plain_text(data: bytes, name: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _check_text(data.decode("utf-16"), name)
        except UnicodeDecodeError as error:
            raise DocumentError("unreadable", name) from error
    if b"\x00" in data:
        raise DocumentError("unreadable", name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Old Windows exports are cp1252; the few bytes it leaves undefined become U+FFFD,
        # which the garbage check then counts.
        text = data.decode("cp1252", errors="replace")
    # DOS editors ended files with Ctrl-Z.
    return _check_text(text.rstrip("\x1a"), name)


def _pdf(data: bytes, name: str) -> str:
    # Acrobat looks for the header in the first kilobyte; without it this is not a PDF,
    # and pypdf's lenient mode would otherwise hunt through any bytes for objects.
    if b"%PDF-" not in data[:1024]:
        raise DocumentError("unreadable", name)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        # Many minutes are encrypted only to restrict printing, with an empty open password.
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError("unreadable", name)
        layout = [page_lines(page) for page in reader.pages]
    except DocumentError:
        raise
    except Exception as error:  # pypdf raises anything from KeyError to zlib.error on damage
        raise DocumentError("unreadable", name) from error
    # Glyphs a font maps to no character come out as control characters; they are noise in
    # otherwise good text, so they go before the garbage check looks at what is left.
    pages = [CONTROLS.sub("", "\n".join(line for line, _, _ in lines)) for lines in layout]
    if not any(page.strip() for page in pages):
        # Pages but no text layer: a scan, which needs OCR before it can be read.
        raise DocumentError("needs_ocr" if layout else "empty", name)
    return _check_text(pdf_text(pages, strong_flags(layout)), name)


def _blocks_to_text(blocks: list[tuple[str, str]]) -> str:
    """Blocks of (kind, text) as lines: a blank line between blocks, none inside a list or table."""
    lines: list[str] = []
    previous = ""
    for kind, text in blocks:
        if not text.strip():
            continue
        if lines and not (kind == previous and kind in ("item", "row")):
            lines.append("")
        lines.append(text.strip())
        previous = kind
    return "\n".join(lines)


def _docx(data: bytes, name: str) -> str:
    try:
        document = Document(io.BytesIO(data))
        blocks = list(_docx_blocks(document, document.element.body, HeadingNumbers(document)))
    except Exception as error:  # python-docx, zipfile and lxml each have their own errors
        raise DocumentError("unreadable", name) from error
    return _check_text(_blocks_to_text(blocks), name)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _docx_blocks(document, container, numbers: HeadingNumbers) -> Iterator[tuple[str, str]]:
    """(kind, text) for the paragraphs and table rows under `container`, in body order."""
    for child in container.iterchildren():
        if child.tag == f"{_W}p":
            yield _docx_paragraph(document, child, numbers)
        elif child.tag == f"{_W}tbl":
            for row in child.iterchildren(f"{_W}tr"):
                cells = [
                    " ".join(" ".join(_docx_run_text(p).split()) for p in cell.iter(f"{_W}p")).strip()
                    for cell in row.iterchildren(f"{_W}tc")
                ]
                if any(cells):
                    yield "row", "| " + " | ".join(cells) + " |"
        elif child.tag == f"{_W}sdt":
            # Content controls (Word's own table of contents among them) wrap ordinary paragraphs.
            for content in child.iterchildren(f"{_W}sdtContent"):
                yield from _docx_blocks(document, content, numbers)


def _docx_paragraph(document, element, numbers: HeadingNumbers) -> tuple[str, str]:
    text = _docx_run_text(element)
    paragraph = Paragraph(element, document)
    style = (paragraph.style.name if paragraph.style is not None else "").lower()
    has_numbering = element.find(f"{_W}pPr/{_W}numPr") is not None
    if style.startswith(("heading", "overskrift", "title", "titel", "subtitle")):
        # The parser knows a section by its heading's exact line, so a heading is one line;
        # the mark tells it the layout made this a heading. Word draws a numbered heading's
        # number itself; it goes in front, as the reader sees it.
        label = numbers.label(paragraph) if text.strip() else None
        shown = " ".join(text.split())
        return "heading", f"# {label}. {shown}" if label and "." not in label else (
            f"# {label} {shown}" if label else f"# {shown}")
    if (has_numbering or style.startswith(("list", "opstilling"))) and text.strip():
        return "item", f"- {text.strip()}"
    if "\n" not in text.strip() and len(text) <= _BOLD_LIMIT and text.strip() and _docx_bold(paragraph):
        return "heading", "**" + " ".join(text.split()) + "**"
    return "paragraph", text


def _docx_bold(paragraph: Paragraph) -> bool:
    """Whether every run with text in the paragraph is bold, directly or by its style."""
    style = paragraph.style
    style_bold = bool(style is not None and style.font.bold)
    runs = [run for run in paragraph.runs if run.text.strip()]
    if not runs:
        return False
    for run in runs:
        bold = run.bold
        if bold is None:
            bold = bool(run.style is not None and run.style.font.bold) or style_bold
        if not bold:
            return False
    return True


def _docx_run_text(element) -> str:
    """The visible text of a paragraph, including tracked insertions and hyperlinks."""
    parts: list[str] = []
    for node in element.iterchildren():
        tag = node.tag
        if tag in (_FALLBACK, f"{_W}del", f"{_W}moveFrom", f"{_W}pPr"):
            # A fallback repeats its alternate content, and moved text also sits where it went.
            continue
        if tag == f"{_W}t":
            parts.append(node.text or "")
        elif tag in (f"{_W}tab", f"{_W}ptab"):
            parts.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
        else:
            parts.append(_docx_run_text(node))
    return "".join(parts)


def _decode_html(data: bytes) -> str:
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    head = data[:4096]
    declared = META_CHARSET.search(head) or XML_ENCODING.search(head)
    candidates = ["utf-8", "cp1252"]
    if declared:
        name = declared.group(1).decode("ascii").lower()
        # Browsers read a page labelled latin-1 as cp1252, and so do the pages' authors.
        candidates.insert(0, "cp1252" if name in ("iso-8859-1", "latin-1", "latin1", "us-ascii") else name)
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", errors="replace")


def _html(data: bytes, name: str) -> str:
    text = _check_text(_decode_html(data), name)
    try:
        soup = BeautifulSoup(text, "html.parser")
        walker = _HtmlLines(marks=True)
        walker.visit(soup)
    except Exception as error:  # html.parser gives up on a few malformed declarations
        raise DocumentError("unreadable", name) from error
    return _blocks_to_text(walker.blocks)


def html_fragment_lines(html: str | Tag) -> list[str]:
    """An HTML fragment (a field of a portal or publication XML) as readable lines, the way
    a browser lays it out: paragraphs, list items ("- "), table rows ("| a | b |") on lines
    of their own, entities decoded, no blank lines."""
    soup = BeautifulSoup(html, "html.parser") if isinstance(html, str) else html
    walker = _HtmlLines()
    walker.visit(soup)
    walker.flush()
    return [text.strip() for _, text in walker.blocks if text.strip()]


_HTML_DROP = {"script", "style", "nav", "head", "noscript", "template", "iframe", "svg", "button", "select"}
_HTML_BLOCKS = {
    "p", "div", "section", "article", "main", "aside", "blockquote", "pre", "address", "figure",
    "figcaption", "dl", "dt", "dd", "ul", "ol", "form", "fieldset", "hr", "caption", "center",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "body", "html",
}


class _HtmlLines:
    """Walks a parsed page and collects (kind, text) blocks the way a browser lays them out."""

    def __init__(self, marks: bool = False) -> None:
        self.blocks: list[tuple[str, str]] = []
        self.buffer: list[str] = []
        self.list_items = 0  # how many <li> we are inside: their lines stay together
        self.marker = ""  # "- " until the current <li> has produced its first line
        # With marks, a heading comes out as "# text" and a wholly bold paragraph as
        # "**text**", so the parser knows what the page's layout made a heading.
        self.marks = marks
        self.emphasis = ""

    def flush(self) -> None:
        text = " ".join("".join(self.buffer).split())
        self.buffer = []
        if text:
            if self.emphasis == "#":
                text = f"# {text}"
            elif self.emphasis:
                text = f"**{text}**"
            self.blocks.append(("item" if self.list_items else "paragraph", self.marker + text))
            self.marker = ""

    def visit(self, node, pre: bool = False) -> None:
        for child in list(node.children):
            if isinstance(child, (Comment, Declaration, Doctype, ProcessingInstruction)):
                continue
            if isinstance(child, NavigableString):
                if pre:
                    # Preformatted text keeps its own line breaks.
                    first, *rest = str(child).split("\n")
                    self.buffer.append(first)
                    for line in rest:
                        self.flush()
                        self.buffer.append(line)
                else:
                    self.buffer.append(str(child))
                continue
            if not isinstance(child, Tag) or child.name in _HTML_DROP:
                continue
            if child.name in ("header", "footer") and not child.find_parent(("article", "section", "main")):
                continue  # the site's banner and footer; inside an article they hold its title
            self.element(child, pre)

    def element(self, tag, pre: bool) -> None:
        name = tag.name
        if name == "br":
            self.flush()
        elif name == "tr":
            self.flush()
            cells = [" ".join(cell.get_text(" ").split()) for cell in tag.find_all(("td", "th"), recursive=False)]
            if any(cells):
                self.blocks.append(("row", "| " + " | ".join(cells) + " |"))
        elif name == "li":
            self.flush()
            self.list_items += 1
            self.marker = "- "
            self.visit(tag, pre)
            self.flush()
            self.list_items -= 1
            self.marker = ""
        elif name in _HTML_BLOCKS or name in ("table", "thead", "tbody", "tfoot"):
            self.flush()
            outer = self.emphasis
            if self.marks and not outer:
                if name in _HTML_HEADINGS:
                    self.emphasis = "#"
                elif name in ("p", "div") and _wholly_bold(tag):
                    self.emphasis = "**"
            self.visit(tag, pre or name == "pre")
            self.flush()
            self.emphasis = outer
        else:
            self.visit(tag, pre)


_HTML_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BOLD_TAGS = {"b", "strong"}
# Only short blocks are checked for bold: a heading is short, and a long block would cost
# a walk over all of its text.
_BOLD_LIMIT = 200


def _wholly_bold(tag: Tag) -> bool:
    """Whether every piece of text in a short block sits inside <b> or <strong>."""
    if tag.find(_HTML_BLOCKS - {"center"}) is not None:
        return False
    pieces = [piece for piece in tag.find_all(string=True) if piece.strip()]
    if not pieces or sum(len(piece) for piece in pieces) > _BOLD_LIMIT:
        return False
    for piece in pieces:
        parent = piece.parent
        while parent is not None and parent is not tag and parent.name not in _BOLD_TAGS:
            parent = parent.parent
        if parent is None or parent is tag:
            return False
    return True

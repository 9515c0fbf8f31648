"""Test helper that turns minutes text into real PDF, DOCX and HTML files.

The extraction tests need documents made by the same kind of writers the customer's
minutes come from, not hand-built strings: fpdf2 wraps long paragraphs over several
visual lines and adds a running header and a "Side N af M" footer on every page,
python-docx uses Word's heading and list styles, and the HTML page uses headings,
paragraphs, lists and tables. All three read the same markdown-or-plain-text minutes
the parser reads, classify each line once (`blocks`) and render the blocks their way.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from fpdf import FPDF

from knowledge.headings import HEADER, ITEM_HEADING, MARKUP, SECTION_NAMES, TABLE_RULE


@dataclass(frozen=True)
class Block:
    """One rendered unit: kind is title, item, section, subheading, bullet, row or text."""

    kind: str
    text: str
    cells: tuple[str, ...] = ()
    level: int = 0


def _plain(line: str) -> str:
    line = line.strip()
    if line.startswith("#"):
        line = line.lstrip("#").strip()
    return MARKUP.sub("", line).strip()


def _is_section(text: str) -> bool:
    return re.sub(r"\s+", " ", text.rstrip(":,. ").lower()) in SECTION_NAMES


def blocks(text: str) -> list[Block]:
    """The minutes as a list of blocks; blank lines and markdown table rules disappear."""
    out: list[Block] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        stripped = raw.strip()
        if not stripped or TABLE_RULE.match(stripped):
            continue
        if stripped.startswith("|"):
            cells = tuple(_plain(cell) for cell in stripped.strip("|").split("|"))
            if any(cells):
                out.append(Block("row", " ".join(c for c in cells if c), cells=cells))
            continue
        if "\t" in stripped:
            cells = tuple(_plain(cell) for cell in stripped.split("\t"))
            out.append(Block("row", " ".join(c for c in cells if c), cells=cells))
            continue
        plain = _plain(raw)
        if not plain:
            continue
        if HEADER.match(plain) and not any(b.kind == "title" for b in out):
            out.append(Block("title", plain))
        elif ITEM_HEADING.match(plain):
            out.append(Block("item", plain))
        elif _is_section(plain):
            out.append(Block("section", plain))
        elif stripped.startswith("#"):
            out.append(Block("subheading", plain))
        elif re.match(r"^\s*[-•]\s+", raw):
            level = 1 if len(raw) - len(raw.lstrip()) >= 2 else 0
            out.append(Block("bullet", re.sub(r"^[-•]\s+", "", plain), level=level))
        else:
            out.append(Block("text", plain))
    return out


def _running_header(parts: list[Block]) -> str:
    title = next((b.text for b in parts if b.kind == "title"), "")
    match = HEADER.match(title)
    return f"Lemvig Kommune - {match['body']} - {match['date']}" if match else "Lemvig Kommune"


class _MinutesPDF(FPDF):
    running_header = ""

    def header(self) -> None:
        self.set_font("Helvetica", "", 8)
        self.cell(0, 5, self.running_header, new_x="LMARGIN", new_y="NEXT", align="R")
        self.ln(4)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 5, f"Side {self.page_no()} af {{nb}}", align="C")


def write_pdf(text: str, path: Path, font: str = "Helvetica", scale: float = 1.0, align: str = "L") -> Path:
    """A PDF of the minutes: wrapped paragraphs, bold headings, a header and a footer.

    `font`, `scale` and `align` ("L" or "J" for justified) change where lines wrap, so the
    same minutes can be re-flowed from more than one layout.
    """
    parts = blocks(text)
    pdf = _MinutesPDF(format="A4")
    # Word exports typographic quotes and dashes; WinAnsi covers them, latin-1 does not.
    pdf.core_fonts_encoding = "windows-1252"
    pdf.running_header = _running_header(parts)
    pdf.set_margins(20, 15, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    width = pdf.epw
    styles = {
        "title": ("B", 16, 4), "item": ("B", 13, 3), "section": ("B", 11, 2),
        "subheading": ("B", 10, 2), "text": ("", 10, 2), "row": ("", 9, 0),
        "bullet": ("", 10, 0),
    }
    previous = ""
    for block in parts:
        style, size, gap = styles[block.kind]
        size *= scale
        if previous and previous != block.kind or block.kind not in ("bullet", "row"):
            pdf.ln(gap)
        pdf.set_font(font, style, size)
        line_height = size * 0.5
        if block.kind == "bullet":
            indent = 5 + 5 * block.level
            pdf.set_x(pdf.l_margin + indent)
            pdf.multi_cell(width - indent, line_height, f"- {block.text}", align=align, new_x="LMARGIN", new_y="NEXT")
        elif block.kind == "row":
            cells = "  ".join(c for c in block.cells if c)
            pdf.multi_cell(width, line_height, cells, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.multi_cell(width, line_height, block.text, align=align, new_x="LMARGIN", new_y="NEXT")
        previous = block.kind
    pdf.output(str(path))
    return path


def write_docx(text: str, path: Path) -> Path:
    """A Word document: items as Heading 1, sections as Heading 2, lists and tables."""
    document = Document()
    table = None
    for block in blocks(text):
        if block.kind != "row":
            table = None
        if block.kind == "title":
            document.add_paragraph(block.text, style="Title")
        elif block.kind == "item":
            document.add_heading(block.text, level=1)
        elif block.kind == "section":
            document.add_heading(block.text, level=2)
        elif block.kind == "subheading":
            document.add_heading(block.text, level=3)
        elif block.kind == "bullet":
            document.add_paragraph(block.text, style="List Bullet 2" if block.level else "List Bullet")
        elif block.kind == "row":
            cells = list(block.cells)
            if table is None or len(table.columns) != len(cells):
                table = document.add_table(rows=0, cols=len(cells))
            row = table.add_row()
            for cell, value in zip(row.cells, cells):
                cell.text = value
        else:
            document.add_paragraph(block.text)
    document.save(str(path))
    return path


def write_html(text: str, path: Path, encoding: str = "utf-8") -> Path:
    """An HTML page with a nav bar, headings, paragraphs, lists and tables."""
    body: list[str] = []
    open_list = 0
    in_table = False
    for block in blocks(text):
        if block.kind != "bullet":
            body.extend(["</ul>"] * open_list)
            open_list = 0
        if block.kind != "row" and in_table:
            body.append("</table>")
            in_table = False
        escaped = html.escape(block.text)
        if block.kind == "title":
            body.append(f"<h1 class=\"title\">{escaped}</h1>")
        elif block.kind == "item":
            body.append(f"<h1>{escaped}</h1>")
        elif block.kind == "section":
            body.append(f"<h2>{escaped}</h2>")
        elif block.kind == "subheading":
            body.append(f"<h3>{escaped}</h3>")
        elif block.kind == "bullet":
            while open_list < block.level + 1:
                body.append("<ul>")
                open_list += 1
            while open_list > block.level + 1:
                body.append("</ul>")
                open_list -= 1
            body.append(f"<li>{escaped}</li>")
        elif block.kind == "row":
            if not in_table:
                body.append("<table>")
                in_table = True
            cells = "".join(f"<td>{html.escape(c)}</td>" for c in block.cells)
            body.append(f"<tr>{cells}</tr>")
        else:
            body.append(f"<p>{escaped}</p>")
    body.extend(["</ul>"] * open_list)
    if in_table:
        body.append("</table>")
    page = (
        "<!DOCTYPE html>\n<html lang=\"da\">\n<head>\n"
        f"<meta charset=\"{encoding}\">\n<title>Referat</title>\n"
        "<style>body { font-family: sans-serif; }</style>\n"
        "<script>var menu = 'Forside | Politik | Referater';</script>\n"
        "</head>\n<body>\n"
        "<nav><a href=\"/\">Forside</a> <a href=\"/politik\">Politik og demokrati</a></nav>\n"
        "<main>\n" + "\n".join(body) + "\n</main>\n"
        "<footer>Lemvig Kommune, Rådhusgade 2, 7620 Lemvig</footer>\n"
        "</body>\n</html>\n"
    )
    path.write_bytes(page.encode(encoding, errors="xmlcharrefreplace"))
    return path

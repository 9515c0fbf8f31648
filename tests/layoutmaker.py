"""Makes the layout-family test documents in tests/data/layouts, the way the systems do.

The shared corpus holds no eDoc, Acadre or FirstAgenda referat PDF, no Word minutes and no
saved portal page, so these are written here from the layouts those systems use (see
issue 13): an eDoc referat PDF with "Dato: 04.12.2012" on page 1 and 8 items; Acadre
minutes with running numbers ("715. Kulturkommune 2017") and three dated decisions, as
DOCX (python-docx, Word's heading styles) and as the PDF LibreOffice makes of it; a
FirstAgenda byråd referat PDF with a party's proposal after a decision, an attachment
named "Indstilling" and "Beslutningspunkter ... At 1)"; and agenda portal pages as HTML.

The outputs are committed; the tests read them and need neither LibreOffice nor this
module. Run it again after changing a document: `python -m tests.layoutmaker`
(LibreOffice's `soffice` must be on PATH for the Acadre PDF).
"""

from __future__ import annotations

import html
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from fpdf import FPDF

OUT = Path(__file__).parent / "data" / "layouts"

# (kind, text): title, front (a front-page line), bold (a bold front-page line), toc,
# item, section, text, bullet, row (cells split by " | "), pagebreak.
Block = tuple[str, str]

EDOC: list[Block] = [
    ("title", "Referat"), ("bold", "Økonomiudvalget"), ("front", "Dato: 04.12.2012"),
    ("front", "Tid: 16:00 - 18:15"), ("front", "Sted: Mødelokale 1, Rådhuset"),
    ("front", "Fraværende: Jens Hansen"), ("front", "Bemærkninger:"),
    ("section", "Indholdsfortegnelse"),
    ("toc", "1. Godkendelse af dagsorden .......... 2"), ("toc", "2. Budgetopfølgning pr. 31. oktober 2012 .......... 2"),
    ("toc", "3. Anlægsregnskab for Børnehuset Nordlys .......... 3"), ("toc", "4. Takster for vinterbekæmpelse 2013 .......... 3"),
    ("toc", "5. Salg af byggegrunde i Brenderup .......... 4"), ("toc", "6. Høring om kollektiv trafik .......... 4"),
    ("toc", "7. Meddelelser .......... 5"), ("toc", "8. Underskriftsblad .......... 5"),
    ("pagebreak", ""),
    ("item", "1. Godkendelse af dagsorden"), ("text", "Sagsnr.: 2012-012345    Sagsbehandler: Bente Larsen"),
    ("section", "Beslutning"), ("text", "Godkendt."), ("text", "Fraværende: Jens Hansen"),
    ("item", "2. Budgetopfølgning pr. 31. oktober 2012"), ("text", "Sagsnr.: 2012-004411    Sagsbehandler: Ole Mikkelsen"),
    ("section", "Præsentation"),
    ("text", "Forvaltningen har udarbejdet budgetopfølgning pr. 31. oktober 2012 for alle udvalg. Der forventes et "
             "samlet mindreforbrug på driften på 12,4 mio. kr."),
    ("section", "Forvaltningen foreslår"),
    ("bullet", "At budgetopfølgningen tages til efterretning."),
    ("bullet", "At der gives tillægsbevillinger som anført i bilag 1."),
    ("section", "Sagsbeskrivelse"),
    ("text", "Budgetopfølgningen viser et forventet mindreforbrug på serviceudgifterne. Mindreforbruget skyldes "
             "især lavere udgifter til specialundervisning og færre anbringelser end budgetteret."),
    ("section", "Økonomi"), ("text", "Mindreforbruget tilgår kassebeholdningen."),
    ("section", "Beslutning"),
    ("text", "Indstillingen anbefales over for Byrådet."),
    ("text", "Jens Hansen deltog ikke i behandlingen af punktet."),
    ("section", "Bilag"), ("bullet", "Budgetopfølgning pr. 31.10.2012 - samlet oversigt"),
    ("item", "3. Anlægsregnskab for Børnehuset Nordlys"), ("text", "Sagsnr.: 2012-000038    Sagsbehandler: Britt Lykke Ejby"),
    ("section", "Præsentation"),
    ("text", "Anlægsprojektet ved Børnehuset Nordlys er færdiggjort, og der aflægges anlægsregnskab."),
    ("section", "Forvaltningen foreslår"), ("bullet", "At anlægsregnskabet godkendes."),
    ("section", "Sagsbeskrivelse"),
    ("text", "Projektet omfattede en udvidelse med to grupperum og en ny legeplads. Projektet blev afsluttet i "
             "august 2012 inden for den afsatte ramme."),
    ("section", "Økonomi"), ("text", "Anlægsregnskabet viser et mindreforbrug på 112.000 kr."),
    ("section", "Beslutning"), ("text", "Anlægsregnskabet godkendt."),
    ("item", "4. Takster for vinterbekæmpelse 2013"), ("text", "Sagsnr.: 2012-009876    Sagsbehandler: Per Holm"),
    ("section", "Præsentation"), ("text", "Taksterne for saltning og snerydning af private fællesveje skal fastsættes for 2013."),
    ("section", "Forvaltningen foreslår"), ("bullet", "At taksterne for 2013 fastsættes som anført i sagsbeskrivelsen."),
    ("section", "Sagsbeskrivelse"),
    ("text", "Taksten for saltning foreslås uændret på 4,50 kr. pr. løbende meter vej, mens taksten for snerydning "
             "hæves til 6,25 kr. på grund af højere udgifter til entreprenører."),
    ("section", "Beslutning"),
    ("text", "Anbefales med den ændring, at taksten for snerydning fastholdes på 6,00 kr."),
    ("item", "5. Salg af byggegrunde i Brenderup"), ("text", "Sagsnr.: 2012-007722    Sagsbehandler: Karen Due"),
    ("section", "Præsentation"), ("text", "Der er kommet bud på tre af de udbudte byggegrunde i Brenderup."),
    ("section", "Forvaltningen foreslår"), ("bullet", "At grundene sælges til de bydende."),
    ("section", "Beslutning"), ("text", "Godkendt."),
    ("item", "6. Høring om kollektiv trafik"), ("text", "Sagsnr.: 2012-011002    Sagsbehandler: Niels Bro"),
    ("section", "Præsentation"), ("text", "Trafikselskabet har sendt forslag til ny køreplan for regionale ruter i høring."),
    ("section", "Forvaltningen foreslår"), ("bullet", "At kommunen afgiver høringssvar som udkastet i bilag 2."),
    ("section", "Høring"), ("text", "Høringsfristen er den 15. december 2012."),
    ("section", "Beslutning"), ("text", "Høringssvaret godkendt med en tilføjelse om skolebørns transport."),
    ("item", "7. Meddelelser"), ("text", "Sagsnr.: 2012-000101    Sagsbehandler: Bente Larsen"),
    ("section", "Beslutning"), ("text", "Borgmesteren orienterede om mødet med KL om udligningsreformen."),
    ("item", "8. Underskriftsblad"), ("text", "Sagsnr.: 2012-000102    Sagsbehandler: Bente Larsen"),
]

ACADRE: list[Block] = [
    ("bold", "Byrådet"), ("title", "Referat"), ("front", "Mødedato: 21. september 2016"),
    ("front", "Mødetidspunkt: 16:00"), ("front", "Mødested: Byrådssalen, Rådhuset"),
    ("front", "Fraværende: Anne Holm (A)"),
    ("item", "715. Kulturkommune 2017"), ("text", "Sagsnr.: 16/12345"), ("text", "Sagsansvarlig: Lone Madsen"),
    ("section", "Resumé"),
    ("text", "Kommunen har mulighed for at blive kulturkommune i 2017 sammen med tre nabokommuner. Sagen "
             "forelægges med henblik på at beslutte, om kommunen skal deltage."),
    ("section", "Sagsfremstilling"),
    ("text", "Kulturkommune 2017 er et samarbejde om et fælles kulturprogram med arrangementer i hele året. "
             "Programmet finansieres af kommunerne og af fonde."),
    ("section", "Økonomiske konsekvenser"), ("text", "Deltagelsen koster 1,2 mio. kr. i 2017, som finansieres af kulturpuljen."),
    ("section", "Indstilling"),
    ("text", "Kultur- og Fritidsforvaltningen indstiller, at kommunen deltager i Kulturkommune 2017."),
    ("section", "Beslutning i Kultur- og Fritidsudvalget den 05-09-2016"),
    ("text", "Anbefales."), ("text", "Fraværende: Jens Kristensen (V)"),
    ("section", "Beslutning i Økonomiudvalget den 14-09-2016"),
    ("text", "Anbefales over for Byrådet."),
    ("section", "Beslutning i Byrådet den 21-09-2016"),
    ("text", "Godkendt. Kommunen deltager i Kulturkommune 2017 med en ramme på 1,2 mio. kr."),
    ("text", "Fraværende: Anne Holm (A)"),
    ("section", "Bilag"), ("bullet", "Program for Kulturkommune 2017 (udkast)"),
    ("item", "716. Meddelelser"), ("text", "Sagsnr.: 16/00017"),
    ("section", "Beslutning i Byrådet den 21-09-2016"), ("text", "Taget til efterretning."),
]

FIRSTAGENDA: list[Block] = [
    ("title", "Byrådet"), ("bold", "Referat"), ("front", "Byrådet den 27. august 2025"),
    ("front", "Mødetidspunkt: 17:00 - 20:30"), ("front", "Mødested: Byrådssalen"),
    ("section", "Indholdsfortegnelse"),
    ("toc", "1. Godkendelse af dagsorden .......... 2"), ("toc", "2. Regnskab 2024 - endelig godkendelse .......... 2"),
    ("toc", "3. Lokalplan 1234 - Boliger ved Havnen .......... 3"), ("toc", "4. Lukket: Salg af ejendom .......... 4"),
    ("pagebreak", ""),
    ("item", "1. Godkendelse af dagsorden"), ("text", "Sagsnr.: 25/01010"),
    ("section", "Beslutning"), ("text", "Dagsordenen blev godkendt."), ("text", "Fraværende: Mette Lund (B)"),
    ("item", "2. Regnskab 2024 - endelig godkendelse"), ("text", "Sagsnr.: 24/12345"),
    ("section", "Resumé"),
    ("text", "Revisionen har afgivet beretning om regnskab 2024 uden forbehold. Regnskabet forelægges til "
             "endelig godkendelse."),
    ("section", "Beslutningspunkter"), ("text", "Borgmesteren indstiller, at Byrådet beslutter:"),
    ("text", "At 1) Regnskabet for 2024 godkendes endeligt"),
    ("text", "At 2) Revisionens beretning tages til efterretning"),
    ("section", "Sagsfremstilling"),
    ("text", "Regnskabet for 2024 viser et overskud på den ordinære drift på 87 mio. kr. Revisionen har ingen "
             "væsentlige bemærkninger, men anbefaler en bedre opfølgning på anlægsprojekter."),
    ("section", "Økonomi"), ("text", "Sagen har ingen økonomiske konsekvenser ud over det beskrevne."),
    ("section", "Beslutning"),
    ("text", "Byrådet godkendte punkt 1 og 2 med 25 stemmer for og 4 imod (F og Å)."),
    ("section", "BESLUTNINGSFORSLAG FRA SF OG ALT"),
    ("text", "SF og Alternativet foreslår, at overskuddet på 87 mio. kr. bruges til flere pædagoger i "
             "daginstitutionerne, og at Byrådet beder om en plan for det inden udgangen af 2025."),
    ("text", "Forslaget blev forkastet med 4 stemmer for (F og Å) og 25 imod."),
    ("section", "Bilag"), ("bullet", "Regnskab 2024"), ("bullet", "Indstilling"), ("bullet", "Revisionsberetning 2024"),
    ("item", "3. Lokalplan 1234 - Boliger ved Havnen"), ("text", "Sagsnr.: 25/04321"),
    # Here the attachments come first, one of them named like a section.
    ("section", "Bilag"), ("text", "Indstilling"), ("text", "Kort over lokalplanområdet"),
    ("section", "Resumé"), ("text", "Lokalplanen giver mulighed for 140 boliger ved havnen."),
    ("section", "Indstilling"), ("text", "Direktionen indstiller, at lokalplan 1234 vedtages endeligt."),
    ("section", "Sagsfremstilling"),
    ("text", "Forslaget har været i offentlig høring i otte uger. Der er kommet 12 høringssvar, som især "
             "handler om trafik og bygningshøjder."),
    ("section", "Beslutning"), ("text", "Lokalplanen blev vedtaget endeligt med 27 stemmer for og 2 imod (Ø)."),
    ("text", "Forslag fra Enhedslisten: at bygningshøjden begrænses til fire etager."),
    ("text", "Forslaget blev forkastet med 2 stemmer for (Ø) og 27 imod."),
    ("item", "4. Lukket: Salg af ejendom"), ("text", "Sagsnr.: 25/07777"),
]


# Hand-written Word minutes: the items are Word's numbered "Heading 1", so their numbers
# are drawn by Word and are not in the paragraphs' text; sections are "Heading 2".
WORD_NUMBERED: list[Block] = [
    ("title", "Referat"), ("front", "Teknik- og Miljøudvalget den 3. marts 2025 kl. 15.00"),
    ("front", "Mødested: Rådhuset, mødelokale 1"), ("front", "Afbud: Karin Lund"),
    ("numbered", "Godkendelse af dagsorden"), ("section", "Beslutning"), ("text", "Godkendt."),
    ("numbered", "Vejvedligeholdelse 2025"), ("text", "Sagsnr.: 25/00456"),
    ("section", "Sagsfremstilling"),
    ("text", "Vejvedligeholdelsen for 2025 omfatter asfaltering af 14 km kommuneveje og udskiftning "
             "af 200 vejskilte."),
    ("section", "Indstilling"), ("text", "Forvaltningen indstiller, at planen godkendes."),
    ("section", "Beslutning"), ("text", "Planen godkendt. Cykelstien på Skolevej prioriteres."),
    ("text", "Karin Lund deltog ikke i behandlingen af punktet."),
    ("numbered", "Eventuelt"), ("section", "Beslutning"), ("text", "Intet."),
]


def _portal_page(body: str, day: str, when: str, place: str, points: list[tuple[str, str, list[tuple[str, str]]]]) -> str:
    """A meeting page as an agenda portal shows it (dagsordener.<kommune>.dk)."""
    parts = [
        "<!DOCTYPE html><html lang=\"da\"><head><meta charset=\"utf-8\"><title>", html.escape(f"{body} {day}"),
        "</title><style>body{font-family:sans-serif}</style></head><body>",
        "<header><nav><a href=\"/\">Forside</a> <a href=\"/udvalg\">Udvalg</a> <a href=\"/soeg\">Søg</a></nav></header>",
        "<main><article><header><h1>", html.escape(body), "</h1><p>Referat</p>",
        f"<p>Mødedato: {html.escape(when)}</p><p>Mødested: {html.escape(place)}</p></header>",
    ]
    for number, (title, case, sections) in enumerate(points, start=1):
        parts.append(f"<section class=\"punkt\"><h2>{number}. {html.escape(title)}</h2>")
        if case:
            parts.append(f"<p class=\"sagsnr\">Sagsnr.: {html.escape(case)}</p>")
        for heading, content in sections:
            tag = "h4" if heading in ("Sagsprocedure", "Resume", "Sagen skal behandles i") else "h3"
            parts.append(f"<{tag}>{html.escape(heading)}</{tag}>")
            parts.append(content)
        parts.append("</section>")
    parts.append("</article></main><footer><p>Kommunen · Rådhustorvet 1</p></footer></body></html>")
    return "".join(parts)


PORTAL_KOMMUNE = _portal_page(
    "Økonomiudvalget", "12. marts 2025", "12. marts 2025, kl. 16:00", "Rådhuset, mødelokale 2",
    [
        ("Godkendelse af dagsorden", "25-001234", [
            ("Beslutning", "<p>Godkendt.</p><p>Fraværende: Lars Jensen (V)</p>"),
            ("Fremstilling", ""), ("Sagsprocedure", "<p>Økonomiudvalget</p>"),
            ("Resume", "<p>Dagsordenen forelægges til godkendelse.</p>"),
        ]),
        ("Budgetopfølgning 1 2025", "25-000777", [
            ("Beslutning", "<p>Anbefales over for Kommunalbestyrelsen.</p>"),
            ("Fremstilling", ""), ("Sagsprocedure", "<p>Økonomiudvalget - Kommunalbestyrelsen</p>"),
            ("Resume", "<p>Budgetopfølgningen viser et forventet merforbrug på 6 mio. kr. på det "
                       "specialiserede socialområde.</p>"),
            ("Sagsbeskrivelse", "<p>Merforbruget skyldes flere borgere i botilbud.</p>"),
            ("Indstilling", "<p>Direktionen indstiller, at budgetopfølgningen tages til efterretning.</p>"),
            ("Økonomiske konsekvenser", "<p>Merforbruget finansieres af kassebeholdningen.</p>"),
        ]),
        ("Ny affaldsordning for sommerhuse", "25-002468", [
            ("Beslutning", "<p>Udsat til næste møde.</p>"),
            ("Fremstilling", ""), ("Sagsprocedure", "<p>Økonomiudvalget</p>"),
            ("Resume", "<p>En ny ordning for indsamling af affald fra sommerhuse foreslås fra 2026.</p>"),
        ]),
        ("Underskriftsark", "25-000001", []),
    ],
)
PORTAL_SECOND = _portal_page(
    "Teknik- og Miljøudvalget", "2. april 2025", "2. april 2025, kl. 15:30", "Rådhuset, mødelokale 1",
    [
        ("Vintertjeneste 2025-2026", "25-003003", [
            ("Beslutning", "<p>Godkendt med den ændring, at cykelstier saltes før villaveje.</p>"),
            ("Fremstilling", ""), ("Sagsprocedure", "<p>Teknik- og Miljøudvalget</p>"),
            ("Resume", "<p>Regulativet for vintertjeneste skal revideres.</p>"),
        ]),
        ("Underskriftsark", "25-000002", []),
    ],
)


class _Pdf(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 5, f"{self.footer_text} - Side {self.page_no()} af {{nb}}", align="C")


def write_pdf(blocks: list[Block], path: Path, footer: str) -> Path:
    """A PDF as a case system prints minutes: bold item and section headings, a footer."""
    pdf = _Pdf(format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.footer_text = footer
    pdf.set_margins(22, 18, 22)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    styles = {"title": ("B", 20, 6), "bold": ("B", 14, 3), "front": ("", 11, 1), "toc": ("", 10, 0),
              "item": ("B", 13, 6), "section": ("B", 11, 3), "text": ("", 10, 2), "bullet": ("", 10, 1)}
    for kind, text in blocks:
        if kind == "pagebreak":
            pdf.add_page()
            continue
        style, size, gap = styles[kind]
        pdf.ln(gap)
        pdf.set_font("Helvetica", style, size)
        indent = 6 if kind == "bullet" else 0
        pdf.set_x(pdf.l_margin + indent)
        shown = f"- {text}" if kind == "bullet" else text
        pdf.multi_cell(pdf.epw - indent, size * 0.5, shown, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def write_docx(blocks: list[Block], path: Path) -> Path:
    """A Word document: items as Heading 1, sections as Heading 2, bold front-page lines."""
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    for kind, text in blocks:
        if kind == "title":
            document.add_paragraph(text, style="Title")
        elif kind == "bold":
            document.add_paragraph().add_run(text).bold = True
        elif kind == "item":
            document.add_heading(text, level=1)
        elif kind == "numbered":
            _number(document.add_heading(text, level=1))
        elif kind == "section":
            document.add_heading(text, level=2)
        elif kind == "bullet":
            document.add_paragraph(text, style="List Bullet")
        elif kind == "pagebreak":
            document.add_page_break()
        else:
            document.add_paragraph(text)
    document.save(str(path))
    return path


def _number(paragraph) -> None:
    """Give a heading Word's own numbering (the default template's decimal list)."""
    properties = paragraph._p.get_or_add_pPr()
    numbering = OxmlElement("w:numPr")
    for name, value in (("w:ilvl", "0"), ("w:numId", NUMBERED_LIST)):
        element = OxmlElement(name)
        element.set(qn("w:val"), value)
        numbering.append(element)
    properties.append(numbering)


# The python-docx template's "List Number" list: decimal, "1.", "2.", ...
NUMBERED_LIST = "5"


def pdf_from_docx(docx: Path, target: Path) -> Path | None:
    """The PDF LibreOffice makes of `docx` (headless), or None without LibreOffice."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{folder}/profile",
                        "--convert-to", "pdf", "--outdir", folder, str(docx)], check=True, capture_output=True,
                       timeout=180)
        shutil.move(str(Path(folder) / (docx.stem + ".pdf")), target)
    return target


def make_all(out: Path = OUT) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    made = [
        write_pdf(EDOC, out / "edoc-oekonomiudvalget-2012-12-04.pdf", "Økonomiudvalget 04.12.2012"),
        write_docx(ACADRE, out / "acadre-byraadet-2016-09-21.docx"),
        write_pdf(FIRSTAGENDA, out / "firstagenda-byraadet-2025-08-27.pdf", "Byrådet 27-08-2025"),
        write_docx(WORD_NUMBERED, out / "word-teknik-og-miljoe-2025-03-03.docx"),
    ]
    for name, page in (("portal-oekonomiudvalget-2025-03-12.html", PORTAL_KOMMUNE),
                       ("portal-teknik-og-miljoe-2025-04-02.html", PORTAL_SECOND)):
        (out / name).write_text(page, encoding="utf-8")
        made.append(out / name)
    converted = pdf_from_docx(out / "acadre-byraadet-2016-09-21.docx", out / "acadre-byraadet-2016-09-21.pdf")
    if converted is not None:
        made.append(converted)
        made.append(pdf_from_docx(out / "word-teknik-og-miljoe-2025-03-03.docx",
                                  out / "word-teknik-og-miljoe-2025-03-03.pdf"))
        made += samples_through_word(out / "libreoffice")
    return made


def samples_through_word(out: Path) -> list[Path]:
    """The five samples as Word documents printed to PDF by LibreOffice: another writer's
    line breaks, fonts, bullets and running layout than fpdf2's."""
    from knowledge.paths import SAMPLES_DIR
    from tests.docmaker import write_docx as write_sample_docx

    out.mkdir(parents=True, exist_ok=True)
    made = []
    with tempfile.TemporaryDirectory() as folder:
        for sample in sorted(SAMPLES_DIR.glob("*.txt")):
            docx = write_sample_docx(sample.read_text(encoding="utf-8"), Path(folder) / f"{sample.stem}.docx")
            made.append(pdf_from_docx(docx, out / f"{sample.stem}.pdf"))
    return made


if __name__ == "__main__":
    for made in make_all(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT):
        print(made)

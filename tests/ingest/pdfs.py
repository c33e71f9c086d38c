"""Build test PDFs with fpdf2, laid out the way Ofgem / SECAS publish theirs.

Every page carries a running header (the document title) and a 'Page N of M' footer; a contents
page comes first (page label 'i'), then the body, labelled from the printed page number of the
extract (e.g. 446). Clause numbers start lines; long lines wrap.

Font choice: DejaVu Sans (a TTF with full Unicode, found via ``fc-match`` or the usual Debian
path) when the machine has it, so '–', '’' and the maths letters of 39A survive as they are.
Without it, fpdf2's core Helvetica is used, which is latin-1 only: text is then mapped with
``LATIN1`` ('–' -> '-', '’' -> "'", anything else outside latin-1 -> '?'), and tests compare
through the same mapping (``font_normal``).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fpdf import FPDF

DEJAVU_PATHS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)
LATIN1 = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "•": "-"})
BODY_SIZE = 10
LINE_HEIGHT = 5


@cache
def unicode_font() -> Path | None:
    """A Unicode TTF font on this machine (DejaVu Sans), or None."""
    for path in DEJAVU_PATHS:
        if path.is_file():
            return path
    if shutil.which("fc-match"):
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", "DejaVu Sans"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found.endswith(".ttf") and Path(found).is_file():
            return Path(found)
    return None


def font_normal(text: str) -> str:
    """Text as the PDF can hold it: unchanged with a Unicode font, else mapped to latin-1."""
    if unicode_font():
        return text
    return text.translate(LATIN1).encode("latin-1", "replace").decode("latin-1")


@dataclass(frozen=True)
class Layout:
    """What goes into one test PDF."""

    header: str  # running header printed at the top of every page
    contents: Sequence[tuple[str, int]]  # (entry, page) lines of the contents page
    lines: Sequence[str]  # body lines; each starts a new line, long ones wrap
    first_page: int = 1  # printed number of the first body page


class PublishedPDF(FPDF):
    """FPDF with a running header and a 'Page N of M' footer."""

    running_header = ""

    def header(self) -> None:  # noqa: D102 - fpdf hook
        self.set_font(self.body_font, size=8)
        self.cell(0, 6, font_normal(self.running_header), new_x="LMARGIN", new_y="NEXT", align="C")
        self.ln(2)

    def footer(self) -> None:  # noqa: D102 - fpdf hook
        self.set_y(-15)
        self.set_font(self.body_font, size=8)
        self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")

    @property
    def body_font(self) -> str:
        """Family name of the body font."""
        return "DejaVu" if unicode_font() else "Helvetica"


def build_pdf(path: Path, layout: Layout, password: str | None = None) -> Path:
    """Write a PDF with a contents page and the body lines; optionally encrypted."""
    pdf = PublishedPDF(format="A4")
    font = unicode_font()
    if font:
        pdf.add_font("DejaVu", fname=str(font))
    pdf.running_header = layout.header
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page(label_style="r")
    pdf.set_font(pdf.body_font, size=14)
    pdf.cell(0, 10, "Contents", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.body_font, size=BODY_SIZE)
    for entry, page in layout.contents:
        pdf.cell(
            0, LINE_HEIGHT, font_normal(f"{entry[:70]} {'.' * 12} {page}"), new_x="LMARGIN", new_y="NEXT"
        )
    pdf.add_page(label_style="D", label_start=layout.first_page)
    for line in layout.lines:
        pdf.multi_cell(0, LINE_HEIGHT, font_normal(line), new_x="LMARGIN", new_y="NEXT")
    if password is not None:
        pdf.set_encryption(owner_password="owner-secret", user_password=password)
    pdf.output(str(path))
    return path


def build_image_only_pdf(path: Path) -> Path:
    """A one-page PDF with a drawn rectangle and no text at all (what a scan looks like)."""
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_fill_color(90, 90, 90)
    pdf.rect(30, 40, 120, 160, style="F")
    pdf.output(str(path))
    return path


def body_lines(text: str, breaks: Sequence[int]) -> list[str]:
    """Cut ``text`` into lines at its own line breaks and at the given offsets."""
    cuts = sorted({0, *breaks, len(text)})
    lines = []
    for begin, end in zip(cuts, cuts[1:], strict=False):
        lines.extend(part.strip() for part in text[begin:end].split("\n"))
    return [line for line in lines if line]

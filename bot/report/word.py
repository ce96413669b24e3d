"""The summary as a Word document (python-docx), laid out to paste into a court report: headings,
the child's words in quotation marks in a type of their own, the prompt in smaller type after each
quote, and the practitioner's notes labelled as theirs. A drawing the child made is the picture
itself (its PNG exactly as kept, 12 cm wide, its alt text set), captioned with its SHA-256.

Every value that is not a fixed word of ours goes through `word_text`: python-docx puts it in plain
text runs (`w:t`), which Word never reads as a field or a link, whatever they hold; only characters
XML cannot hold are marked, and each line ending becomes one Word line break."""
from __future__ import annotations

import base64
import io
import re
from typing import Any, Callable, Dict, List

from docx import Document
from docx.shared import Cm, Pt, RGBColor

# XML (and so Word) cannot hold these characters at all (control characters, lone surrogates)
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
NOT_IN_XML_MARK = "\ufffd"  # shown in their place; the record and the other formats keep them
WORDS_FONT = "Arial"  # the child's words: a sans-serif apart from the report's own type
WORDS_SIZE = Pt(12)
PROMPT_SIZE = Pt(8.5)
DRAWING_WIDTH = Cm(12)  # a drawing: this wide, unless that would make it taller than
DRAWING_HEIGHT = Cm(18)


def render_word(title: str, sections: List[Dict[str, Any]], wording: Dict[str, Any], footer: str,
                local_time: Callable[[str], str]) -> bytes:
    document = Document()
    document.core_properties.title = xml_safe(title)
    document.add_heading(word_text(title), level=1)
    document.add_paragraph(wording["verbatim_note"])
    for section in sections:
        document.add_heading(word_text(section["title"]), level=section["level"])
        if not section["blocks"] and section["empty"]:
            document.add_paragraph(section["empty"])
        for block in section["blocks"]:
            _block(document, block, wording, local_time)
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.text = f"{wording['footer']} {footer}"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _block(document, block: Dict[str, Any], wording: Dict[str, Any], local_time) -> None:
    kind = block["type"]
    if kind == "details":
        table = document.add_table(rows=0, cols=2)
        for label, value in block["items"]:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = word_text(label), word_text(str(value))
    elif kind in ("numbered", "bullets"):
        style = "List Number" if kind == "numbered" else "List Bullet"
        for item in block["items"]:
            document.add_paragraph(word_text(item), style=style)
    elif kind == "observation":
        note = document.add_paragraph()
        note.add_run(word_text(f"{wording['observation_by']} {block['author']}, {local_time(block['at'])}: ")).bold = True
        note.add_run(word_text(block["text"]))
    else:
        _answer(document, block, wording)


def _answer(document, block: Dict[str, Any], wording: Dict[str, Any]) -> None:
    if "drawing" in block:
        _drawing(document, block["drawing"])
    elif block["text"] is not None:
        _words(document.add_paragraph(), f"“{block['text']}”")
        if block["kind_note"]:
            document.add_paragraph().add_run(block["kind_note"]).italic = True
    elif block["choice"] is not None:
        _words(document.add_paragraph(), f"{wording['chose']} {block['choice']}")
    else:
        document.add_paragraph().add_run(block["kind_note"] or "").italic = True
    if block.get("entered"):
        document.add_paragraph().add_run(word_text(block["entered"])).italic = True
    prompt = document.add_paragraph().add_run(word_text(f"{wording['prompt_label']} {block['prompt']}"))
    prompt.font.size = PROMPT_SIZE
    prompt.font.color.rgb = RGBColor(0x40, 0x40, 0x40)
    if block["note"]:
        note = document.add_paragraph()
        note.add_run(wording["practitioner_note"] + " ").bold = True
        note.add_run(word_text(block["note"]))


def _drawing(document, drawing: Dict[str, Any]) -> None:
    """The drawing itself (the PNG exactly as kept), DRAWING_WIDTH wide (or DRAWING_HEIGHT high, if
    that is less), its alt text set, then its caption; only the caption if it was not kept."""
    if drawing["png_base64"]:
        png = base64.b64decode(drawing["png_base64"])
        width, height = drawing["width"] or 1, drawing["height"] or 1
        size = {"width": DRAWING_WIDTH} if DRAWING_WIDTH * height / width <= DRAWING_HEIGHT else {"height": DRAWING_HEIGHT}
        document.add_paragraph().add_run().add_picture(io.BytesIO(png), **size)
        document.inline_shapes[-1]._inline.docPr.set("descr", xml_safe(drawing["alt"]))
    caption = document.add_paragraph().add_run(word_text(drawing["caption"]))
    caption.font.size = PROMPT_SIZE
    caption.italic = True


def _words(paragraph, text: str) -> None:
    # one run, so the words read back from the file exactly; line breaks stay line breaks
    run = paragraph.add_run(word_text(text))
    run.font.name = WORDS_FONT
    run.font.size = WORDS_SIZE


def word_text(text: str) -> str:
    """A value as a run's text: python-docx makes a line break of each CR and each LF, so a CR LF
    is given as the LF alone, to be one line break (and read back as one LF), as it is in Markdown
    and HTML; every other character is kept, or marked if XML cannot hold it."""
    return xml_safe(text.replace("\r\n", "\n"))


def xml_safe(text: str) -> str:
    return _NOT_IN_XML.sub(NOT_IN_XML_MARK, text)

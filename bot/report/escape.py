"""How the exports put in a value that is not a fixed word of ours (the child's words, prompts that
quote them, choice labels, the child's chosen name, flags, notes, observations, the case details), so
that it shows as typed and is never read as markup or able to end the block that holds it.

Markdown: the child's words go in a code block inside a quote (`QUOTE_PREFIX` before each line),
every character as typed: a code block shows `**bold**` or `<b>` literally, and the prefix follows
each of Markdown's line endings (LF, CR LF and a lone CR: the only three that CommonMark and
Python-Markdown know), so no character of the words can end the block. The other characters
str.splitlines splits on (VT, FF, U+001C-U+001E, NEL, LS, PS) end no line in Markdown: they stay in
their line of the block. A viewer shows each line ending as a line break and drops blank lines at
the block's ends; Python-Markdown also expands tabs and drops the block's trailing spaces (the file
keeps them all). Every other value is escaped with `markdown_text`, written here because no
library escapes for both CommonMark and Python-Markdown (Python-Markdown takes a backslash before
only some punctuation, and shows it before the rest).

HTML: Jinja2 escapes every value (render.environment); the child's words go through `html_words`,
because an HTML parser reads a CR it meets in the page (alone or before an LF) as an LF."""
from __future__ import annotations

from markupsafe import Markup, escape

QUOTE_PREFIX = ">     "  # Markdown: a quote holding an indented code block
MARKDOWN_LINE_ENDINGS = ("\r", "\n")  # LF, CR LF and a lone CR all end with one of these

# Anywhere in a line: a backslash before what both CommonMark and Python-Markdown let it escape;
# a character reference for the rest (raw HTML, entities, GFM's tables and strikethrough).
_INLINE = str.maketrans({
    "\\": "\\\\", "`": "\\`", "*": "\\*", "_": "\\_", "[": "\\[", "]": "\\]",
    "<": "&lt;", "&": "&amp;", "|": "&#124;", "~": "&#126;",
})
# First in a line: what would start a heading, quote, list, setext underline or indented code there.
_LINE_START = {"#": "\\#", ">": "\\>", "-": "\\-", "+": "\\+", "=": "&#61;", " ": "&#32;", "\t": "&#9;"}
_DIGITS = "0123456789"


def markdown_words(text: str) -> str:
    """The child's words as a code block inside a quote: each character unchanged, `QUOTE_PREFIX`
    first and after every line ending, so a viewer shows them literally and all of them in the block."""
    lines = text.splitlines(keepends=True)
    return QUOTE_PREFIX + "".join(line + QUOTE_PREFIX if line.endswith(MARKDOWN_LINE_ENDINGS) else line
                                  for line in lines)


def markdown_text(text: str) -> str:
    """A value outside a code block, escaped so that CommonMark and Python-Markdown show it as typed:
    no emphasis, link, image, code, raw HTML, entity or table from it, and none of its lines starts a
    block. Over-escaping is harmless (an escaped character shows as itself), so every line break
    str.splitlines knows starts a line here."""
    return "".join(_line_start(line) for line in text.translate(_INLINE).splitlines(keepends=True))


def _line_start(line: str) -> str:
    """A line whose first character can no longer start a block: `#`, `>`, `-`, `+`, `=`, a space or
    tab, or the `.` or `)` after leading digits (an ordered list), escaped."""
    digits = len(line) - len(line.lstrip(_DIGITS))
    if digits and line[digits:digits + 1] in (".", ")"):
        return line[:digits] + "\\" + line[digits:]
    return _LINE_START.get(line[:1], line[:1]) + line[1:]


def html_words(text: str) -> Markup:
    """The child's words for HTML, escaped, each CR as the reference `&#13;`, which a parser keeps
    (a raw CR, alone or before an LF, it reads as an LF), so the page's text is the words exactly. A
    browser shows a CR as a space, so a lone CR also gets a `<br>`, to show as the line break it is."""
    escaped = str(escape(text)).replace("\r\n", "&#13;\n").replace("\r", "&#13;<br>")
    return Markup(escaped)

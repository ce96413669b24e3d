"""How the prompt lint reads a message: its sentences, their words, its questions, and where a phrase
is in it.

Everything here is a single pass with str methods (no regular expression is built from a trainer's
words, and none can backtrack):
- a sentence ends at ".", "!", "?" or "…" (with any closing quotes or bracket after it) followed by
  a space or the end of the message; a placeholder such as {practitioner_name} never ends one;
- a word is anything between spaces; a placeholder counts as one word;
- a question is a sentence ending in "?"; a message's questions are its "?" marks, not counting
  any inside a placeholder or inside double quotes (a button's words quoted in a message);
- a phrase is found as whole words, whatever the capitals, the kind of apostrophe or quotation mark
  and the spaces between words ("did he" is in "Did  he?", not in "did help"), optionally with one
  of a few endings ("hit" with "ting" is in "hitting"). Placeholders are where the child's own words
  or our names for things go, so a phrase is never found in or across one.
"""
from __future__ import annotations

from typing import Iterator, List, Sequence, Tuple

SENTENCE_ENDS = ".!?…"
CLOSING = "\"'”’)"
# Curly quotes read as straight ones, so a trainer's "don't" finds "don’t".
SAME_CHARACTER = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
OPEN_QUOTES = '"“'
CLOSE_QUOTES = '"”'
# Stripped from a sentence's first word ("Tell," or "\"Are") before it is compared.
PUNCTUATION = ",.;:!?…\"'“”‘’()"
# What a placeholder becomes when phrases are looked for: no letters, so nothing matches in it or
# through it.
BLANK = "{}"


def placeholders(text: str) -> List[Tuple[int, int]]:
    """(start, end) of each {placeholder}: braces round lower-case letters and underscores."""
    spans, start = [], text.find("{")
    while start != -1:
        end = text.find("}", start + 1)
        if end == -1:
            break
        name = text[start + 1:end]
        if name and all(c.islower() or c == "_" for c in name):
            spans.append((start, end + 1))
            start = text.find("{", end + 1)
        else:
            start = text.find("{", start + 1)
    return spans


def blank_placeholders(text: str) -> str:
    pieces, last = [], 0
    for start, end in placeholders(text):
        pieces.append(text[last:start])
        pieces.append(BLANK)
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def sentences(text: str) -> List[str]:
    inside = _inside_placeholders(text)
    found, start, i = [], 0, 0
    while i < len(text):
        if text[i] in SENTENCE_ENDS and not inside[i]:
            end = i + 1
            while end < len(text) and text[end] in CLOSING:
                end += 1
            if end == len(text) or text[end].isspace():
                found.append(text[start:end].strip())
                start, i = end, end
                continue
        i += 1
    found.append(text[start:].strip())
    return [s for s in found if s]


def words(sentence: str) -> List[str]:
    """The sentence's words, each placeholder one word (even a hypothetical one with spaces)."""
    return blank_placeholders(sentence).split()


def first_word(sentence: str) -> str:
    said = words(sentence)
    return said[0].strip(PUNCTUATION).casefold() if said else ""


def is_question(sentence: str) -> bool:
    return sentence.rstrip(CLOSING).endswith("?")


def question_marks(text: str) -> int:
    """The "?" marks of a message outside placeholders and double quotes."""
    inside = _inside_placeholders(text)
    count, quoted = 0, False
    for i, character in enumerate(text):
        if inside[i]:
            continue
        if character in OPEN_QUOTES and not quoted:
            quoted = True
        elif character in CLOSE_QUOTES and quoted:
            quoted = False
        elif character == "?" and not quoted:
            count += 1
    return count


def normalise(text: str, keep_case: bool = False) -> str:
    """The form phrases are looked for in: placeholders blanked, one kind of apostrophe and quote,
    no capitals (unless kept, to show what was found as it was written), single spaces."""
    plain = " ".join(blank_placeholders(text).translate(SAME_CHARACTER).split())
    return plain if keep_case else plain.casefold()


def find(phrase: str, text: str, endings: Sequence[str] = ()) -> Iterator[Tuple[int, int]]:
    """(start, end) of each place a normalised phrase is in a normalised text, as whole words."""
    if not phrase:
        return
    # Longest ending first, so "hit" finds "hitting" as a whole, not "hit" + "t".
    tails = sorted(set(endings) | {""}, key=len, reverse=True)
    start = text.find(phrase)
    while start != -1:
        end = start + len(phrase)
        if not (_is_word(phrase[0]) and start > 0 and _is_word(text[start - 1])):
            for tail in tails:
                stop = end + len(tail)
                if text.startswith(tail, end) and not (
                    _is_word(text[stop - 1]) and stop < len(text) and _is_word(text[stop])
                ):
                    yield start, stop
                    break
        start = text.find(phrase, start + 1)


def _is_word(character: str) -> bool:
    return character.isalnum() or character == "_"


def _inside_placeholders(text: str) -> List[bool]:
    inside = [False] * len(text)
    for start, end in placeholders(text):
        for i in range(start, end):
            inside[i] = True
    return inside

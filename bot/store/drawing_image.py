"""A child's drawing, checked before it is kept: `clean_png(data)` returns a fresh PNG made from the
pixels alone, or raises `DrawingRefused` with a `.code` and a message a practitioner can read.

What it guarantees, for what it returns:
- the input was a PNG (its 8-byte signature is checked before Pillow sees a byte), at most
  `max_bytes` long (checked before anything is decoded), at most `max_side` pixels each way (the
  size the header declares is checked before the pixels are decoded, so a small file that
  declares a huge picture costs nothing), still (an animated PNG is refused), and whole (a
  truncated or corrupt file is refused, never half-read);
- the PNG returned is newly encoded from the decoded pixels, RGBA or RGB at 8 bits: no text
  chunks, EXIF, ICC profile, animation chunks or bytes after the image survive, whatever the
  input held;
- every refusal is a `DrawingRefused` (a ValueError), never a Pillow exception or warning.

It is safe in a worker thread: it reads Pillow's settings but changes none (not
`Image.MAX_IMAGE_PIXELS`, not the warning filters) and keeps nothing between calls. The work is
bounded by the limits: at most max_side² pixels are decoded. It relies on Pillow's default
`ImageFile.LOAD_TRUNCATED_IMAGES = False`, which nothing in Own Words changes.
"""
from __future__ import annotations

import hashlib
import io
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Tuple

import yaml
from PIL import Image

MAX_DRAWING_BYTES = 2 * 1024 * 1024  # the canvas's 1024x768 drawings are far smaller
MAX_DRAWING_SIDE = 2048  # pixels, each way
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ERRORS_FILE = Path(__file__).with_name("drawing_errors.yml")


def _load_messages() -> Dict[str, str]:
    with ERRORS_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


MESSAGES = _load_messages()  # once, at import: keys are the codes below
CODES = ("not_png", "too_large", "too_many_pixels", "animated", "unreadable")
NOT_ASKED = "not_asked"  # the web app's: the question on the screen takes no drawing


class DrawingRefused(ValueError):
    """A drawing that was not kept. `code` is one of CODES; str() is the practitioner's message."""

    def __init__(self, code: str, max_bytes: int = MAX_DRAWING_BYTES, max_side: int = MAX_DRAWING_SIDE):
        self.code = code
        super().__init__(MESSAGES[code].format(max_mb=f"{max_bytes / 2**20:g}", max_side=max_side))


@dataclass(frozen=True)
class CleanDrawing:
    png: bytes
    width: int
    height: int
    sha256: str  # hex, of `png`


def clean_png(data: bytes, *, max_bytes: int = MAX_DRAWING_BYTES, max_side: int = MAX_DRAWING_SIDE) -> CleanDrawing:
    """The drawing in `data`, re-encoded from its pixels alone; DrawingRefused if it is not one to keep."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("clean_png takes the bytes of the upload")
    data = bytes(data)
    if len(data) > max_bytes:
        raise DrawingRefused("too_large", max_bytes, max_side)
    if not data.startswith(PNG_SIGNATURE):
        raise DrawingRefused("not_png")
    width, height = _declared_size(data)
    if width == 0 or height == 0:  # the standard forbids it
        raise DrawingRefused("unreadable")
    if width > max_side or height > max_side:
        raise DrawingRefused("too_many_pixels", max_bytes, max_side)
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            # Lazy so far: only the chunks before the pixels have been read. Pillow's own size
            # check has run too; it cannot fire for a size we allow unless someone lowered its limit.
            if image.width > max_side or image.height > max_side:
                raise DrawingRefused("too_many_pixels", max_bytes, max_side)
            # An APNG is refused, not cut to its first frame: the canvas never makes one, so it
            # did not come from the child's drawing, and its first frame need not be what a
            # viewer shows as the picture.
            if getattr(image, "is_animated", False):
                raise DrawingRefused("animated")
            image.load()
            keep_alpha = "A" in image.mode or image.has_transparency_data
            pixels = image.convert("RGBA" if keep_alpha else "RGB")
    except DrawingRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # the warning arrives as an exception only where warnings are errors; both mean too big
        raise DrawingRefused("too_many_pixels", max_bytes, max_side) from error
    except (OSError, SyntaxError, ValueError, EOFError, zlib.error, struct.error) as error:
        # Pillow's ways of saying the file is broken: truncated, bad CRC, bad chunk, bad mode
        raise DrawingRefused("unreadable") from error
    # A new image from the raw pixels: nothing from the input's `info` (text, ICC, EXIF) can follow
    # it into the saved file.
    fresh = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    fresh.save(out, format="PNG")
    png = out.getvalue()
    return CleanDrawing(png=png, width=fresh.width, height=fresh.height, sha256=hashlib.sha256(png).hexdigest())


def _declared_size(data: bytes) -> Tuple[int, int]:
    """Width and height from the IHDR chunk, which the PNG standard puts first: read by hand, so
    that a huge declared size is refused before Pillow so much as warns about it."""
    if len(data) < 33 or data[12:16] != b"IHDR" or struct.unpack(">I", data[8:12])[0] != 13:
        raise DrawingRefused("unreadable")
    return struct.unpack(">II", data[16:24])

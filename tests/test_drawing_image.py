"""The check on a child's drawing before it is kept (bot/store/drawing_image.py), with real Pillow
and real files: what comes out is a fresh PNG of the same pixels and nothing else, and everything
else is refused with its code."""
from __future__ import annotations

import hashlib
import io
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from bot.store.drawing_image import (
    CODES, NOT_ASKED, MAX_DRAWING_BYTES, MAX_DRAWING_SIDE, MESSAGES, PNG_SIGNATURE, DrawingRefused, clean_png,
)


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def chunk_types(png: bytes) -> list:
    kinds, at = [], len(PNG_SIGNATURE)
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        kinds.append(kind.decode("ascii"))
        at += 12 + length
    return kinds


def crafted_png(width: int, height: int) -> bytes:
    """A PNG a few dozen bytes long whose header declares width x height RGB pixels: the pixels
    themselves are never made."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 16))
            + chunk(b"IEND", b""))


def drawing(mode: str = "RGBA", size=(64, 48)) -> Image.Image:
    image = Image.new("RGBA", size, (255, 255, 255, 255))
    for x in range(size[0]):  # some strokes of different colours, and a see-through corner
        image.putpixel((x, x * size[1] // size[0]), (200, 30, 40, 255))
        image.putpixel((x, size[1] // 2), (20, 90, 200, 255))
    image.putpixel((0, 0), (0, 0, 0, 0))
    if mode == "P":  # a palette without a see-through colour (that case has a test of its own)
        return image.convert("RGB").convert("P")
    return image if mode == "RGBA" else image.convert(mode)


def encoded(image: Image.Image, format: str = "PNG", **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=format, **options)
    return out.getvalue()


def refused(data: bytes, **limits) -> DrawingRefused:
    with pytest.raises(DrawingRefused) as caught:
        clean_png(data, **limits)
    return caught.value


def test_a_good_png_comes_back_as_the_same_pixels_and_nothing_else():
    image = drawing()
    text = PngInfo()
    text.add_text("Comment", "child: Sam Jones, case 123")  # a tEXt chunk
    text.add_itxt("Author", "Alex", zip=True)
    exif = Image.Exif()
    exif[0x010E] = "taken at 1 High Street"  # ImageDescription
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encoded(image, pnginfo=text, exif=exif.tobytes(), icc_profile=icc) + b"<script>after IEND</script>"
    assert {"tEXt", "iTXt", "eXIf", "iCCP"} <= set(chunk_types(data.split(b"<script>")[0]))

    clean = clean_png(data)

    assert chunk_types(clean.png) == ["IHDR", "IDAT", "IEND"]
    assert b"Sam Jones" not in clean.png and b"High Street" not in clean.png and b"script" not in clean.png
    assert (clean.width, clean.height) == image.size
    assert clean.sha256 == hashlib.sha256(clean.png).hexdigest()
    with Image.open(io.BytesIO(clean.png)) as back:
        assert back.mode == "RGBA" and back.info.get("Comment") is None and "exif" not in back.info
        assert back.tobytes() == image.tobytes()
    assert clean_png(clean.png) == clean  # cleaning is stable: the same file, the same hash


@pytest.mark.parametrize("mode,kept", [("RGB", "RGB"), ("L", "RGB"), ("1", "RGB"), ("LA", "RGBA"), ("P", "RGB")])
def test_other_kinds_of_png_come_back_as_rgb_or_rgba_with_their_pixels(mode, kept):
    image = drawing(mode)
    clean = clean_png(encoded(image))
    with Image.open(io.BytesIO(clean.png)) as back:
        assert back.mode == kept
        assert back.tobytes() == image.convert(kept).tobytes()


def test_a_palette_png_with_a_transparent_colour_keeps_its_transparency():
    image = Image.new("P", (4, 4), 1)
    image.putpalette([255, 255, 255, 200, 30, 40])
    image.putpixel((0, 0), 0)
    clean = clean_png(encoded(image, transparency=0))
    with Image.open(io.BytesIO(clean.png)) as back:
        assert back.mode == "RGBA" and back.getpixel((0, 0))[3] == 0 and back.getpixel((1, 1)) == (200, 30, 40, 255)


@pytest.mark.parametrize("data", [
    encoded(drawing("RGB"), "JPEG"),
    encoded(drawing(), "GIF"),
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    b"<!doctype html><html><body><img src=x onerror=alert(1)></body></html>",
    b"",
    PNG_SIGNATURE[:7],
    b"PNG\r\n\x1a\n" + encoded(drawing())[8:],  # the signature's first byte missing
], ids=["jpeg", "gif", "svg", "html", "empty", "signature-cut-short", "signature-damaged"])
def test_anything_but_a_png_is_refused_as_not_png(data):
    assert refused(data).code == "not_png"


def test_a_cut_short_or_damaged_png_is_refused_as_unreadable():
    data = encoded(drawing())
    assert refused(data[: len(data) // 2]).code == "unreadable"
    assert refused(data[:40]).code == "unreadable"
    assert refused(PNG_SIGNATURE + b"\0" * 30).code == "unreadable"  # no IHDR first
    assert refused(crafted_png(0, 10)).code == "unreadable"
    idat = data.index(b"IDAT")
    damaged = data[: idat + 10] + bytes([data[idat + 10] ^ 0xFF]) + data[idat + 11:]
    assert refused(damaged).code == "unreadable"


def test_too_many_bytes_are_refused_before_anything_is_decoded():
    # A real PNG padded after its end: were it decoded, it would be accepted; it is refused first.
    good = encoded(drawing())
    padded = good + b"\0" * (MAX_DRAWING_BYTES + 1 - len(good))
    error = refused(padded)
    assert error.code == "too_large" and "2 MB" in str(error)
    assert refused(b"x" * (MAX_DRAWING_BYTES + 1)).code == "too_large"  # before the signature, too
    assert clean_png(good + b"\0" * (MAX_DRAWING_BYTES - len(good))).width == 64  # the limit itself is allowed
    assert refused(good, max_bytes=len(good) - 1).code == "too_large"  # a limit for one call


def test_a_header_declaring_a_huge_picture_is_refused_without_making_its_pixels():
    limit_before = Image.MAX_IMAGE_PIXELS
    huge = crafted_png(30000, 30000)
    assert len(huge) < 100
    error = refused(huge)
    assert error.code == "too_many_pixels" and f"{MAX_DRAWING_SIDE} by {MAX_DRAWING_SIDE}" in str(error)
    assert refused(crafted_png(MAX_DRAWING_SIDE + 1, 1)).code == "too_many_pixels"
    assert refused(crafted_png(1, MAX_DRAWING_SIDE + 1)).code == "too_many_pixels"
    assert refused(encoded(drawing()), max_side=63).code == "too_many_pixels"  # a limit for one call
    # With our limit lifted for the call, Pillow's own bomb check refuses it, as the same code.
    assert refused(huge, max_side=40000).code == "too_many_pixels"
    assert Image.MAX_IMAGE_PIXELS == limit_before  # nothing global was changed


def test_an_animated_png_is_refused():
    frames = [drawing(), drawing().rotate(90)]
    data = encoded(frames[0], save_all=True, append_images=frames[1:])
    assert "acTL" in chunk_types(data)
    assert refused(data).code == "animated"


def test_every_refusal_is_a_value_error_with_a_message_for_the_practitioner():
    assert set(MESSAGES) == {*CODES, NOT_ASKED}
    for code in CODES:
        error = DrawingRefused(code)
        assert isinstance(error, ValueError) and error.code == code
        assert str(error).startswith("The drawing was not kept") and "{" not in str(error)


def test_drawings_are_cleaned_side_by_side_in_threads():
    inputs = [encoded(drawing(size=(40 + n, 30))) for n in range(8)] + [b"GIF89a", crafted_png(30000, 30000)]

    def outcome(data):
        try:
            return clean_png(data).sha256
        except DrawingRefused as error:
            return error.code

    alone = [outcome(data) for data in inputs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(outcome, inputs * 3)) == alone * 3
    assert alone[-2:] == ["not_png", "too_many_pixels"]

"""Badge images: drawn with Pillow from a badge's colour and icon when content supplies no
PNG, and baked — the PNG with one uncompressed iTXt chunk, keyword `openbadges`, whose text
is the Open Badges 2.0 assertion JSON (the baking spec: "the raw JSON for the assertion",
compression MUST NOT be used, the chunk MUST NOT appear more than once)."""

import functools
import io
import math
import struct
import zlib

from PIL import Image, ImageDraw, ImageFont

SIZE = 256
SCALE = 2  # drawn at twice the size and scaled down, for smooth edges
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEYWORD = b"openbadges"


class NotAPng(ValueError):
    """The bytes are not a well-formed PNG."""


# --- baking -------------------------------------------------------------------------------


def read_chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk, checking the signature and each length."""
    if not png.startswith(PNG_SIGNATURE):
        raise NotAPng("no PNG signature")
    chunks, at = [], len(PNG_SIGNATURE)
    while at < len(png):
        if at + 12 > len(png):
            raise NotAPng("truncated chunk")
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, data = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        if len(data) != length:
            raise NotAPng("truncated chunk")
        chunks.append((kind, data))
        at += 12 + length
    if not chunks or chunks[-1][0] != b"IEND":
        raise NotAPng("no IEND chunk")
    return chunks


def write_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def itxt_data(text: str) -> bytes:
    """An iTXt chunk's data: keyword, NUL, compression flag 0 and method 0 (uncompressed),
    an empty language tag and translated keyword (each NUL-ended), the UTF-8 text."""
    return KEYWORD + b"\x00" + b"\x00\x00" + b"\x00" + b"\x00" + text.encode("utf-8")


def is_openbadges_chunk(kind: bytes, data: bytes) -> bool:
    return kind == b"iTXt" and data.split(b"\x00", 1)[0] == KEYWORD


def bake(png: bytes, text: str) -> bytes:
    """The PNG with `text` as its only `openbadges` iTXt chunk, placed just before IEND;
    any earlier one is replaced, so baking twice never duplicates it."""
    kept = [chunk for chunk in read_chunks(png) if not is_openbadges_chunk(*chunk)]
    body = [write_chunk(kind, data) for kind, data in kept[:-1]]
    body.append(write_chunk(b"iTXt", itxt_data(text)))
    body.append(write_chunk(*kept[-1]))
    return PNG_SIGNATURE + b"".join(body)


# --- drawing ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=128)
def drawn_badge(key: str, name: str, colour: str, icon: str) -> bytes:
    """The badge drawn once per process for each key, name, colour and icon: a disc in the
    colour with a white rim, the icon in white, the name's initials on a band below."""
    size = SIZE * SCALE
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    rgb = _rgb(colour)
    margin = size // 32
    draw.ellipse((margin, margin, size - margin, size - margin), fill=(255, 255, 255, 255))
    inner = margin + size // 24
    draw.ellipse((inner, inner, size - inner, size - inner), fill=rgb + (255,))
    ICONS[icon](draw, size / 2, size * 0.42, size * 0.24)
    _initials(draw, name, size, rgb)
    image = image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def initials(name: str) -> str:
    """Up to three initials of the badge's name, e.g. "Lead to order" -> "LTO"."""
    return "".join(word[0] for word in name.split() if word[:1].isalnum())[:3].upper()


def _initials(draw: ImageDraw.ImageDraw, name: str, size: int, rgb) -> None:
    band_top, band_bottom = size * 0.68, size * 0.84
    draw.rounded_rectangle(
        (size * 0.2, band_top, size * 0.8, band_bottom), radius=size // 20, fill="white"
    )
    font = ImageFont.load_default(size=int(size * 0.12))
    draw.text(
        (size / 2, (band_top + band_bottom) / 2),
        initials(name),
        fill=rgb + (255,),
        font=font,
        anchor="mm",
    )


WHITE = (255, 255, 255, 255)


def _points(cx, cy, r, unit_points):
    """Shapes are written in a unit square (-1..1, y down) and placed at (cx, cy), radius r."""
    return [(cx + x * r, cy + y * r) for x, y in unit_points]


def _star(draw, cx, cy, r):
    corners = []
    for i in range(10):
        reach = 1.0 if i % 2 == 0 else 0.42
        angle = -math.pi / 2 + i * math.pi / 5
        corners.append((reach * math.cos(angle), reach * math.sin(angle)))
    draw.polygon(_points(cx, cy, r, corners), fill=WHITE)


def _check(draw, cx, cy, r):
    draw.line(
        _points(cx, cy, r, [(-0.8, 0.05), (-0.25, 0.6), (0.85, -0.6)]),
        fill=WHITE,
        width=int(r * 0.32),
        joint="curve",
    )


def _shield(draw, cx, cy, r):
    outline = [(-0.8, -0.85), (0.8, -0.85), (0.8, 0.05), (0.0, 1.0), (-0.8, 0.05)]
    draw.polygon(_points(cx, cy, r, outline), fill=WHITE)


def _bolt(draw, cx, cy, r):
    outline = [(0.2, -1.0), (-0.65, 0.15), (-0.05, 0.15), (-0.25, 1.0), (0.65, -0.2), (0.05, -0.2)]
    draw.polygon(_points(cx, cy, r, outline), fill=WHITE)


def _trophy(draw, cx, cy, r):
    cup = [(-0.7, -0.9), (0.7, -0.9), (0.55, -0.1), (0.15, 0.25), (-0.15, 0.25), (-0.55, -0.1)]
    draw.polygon(_points(cx, cy, r, cup), fill=WHITE)
    for side in (-1, 1):  # handles
        box = _points(cx, cy, r, [(side * 0.55 - 0.35, -0.8), (side * 0.55 + 0.35, -0.1)])
        draw.arc(box[0] + box[1], 0, 360, fill=WHITE, width=int(r * 0.12))
    draw.rectangle(_points(cx, cy, r, [(-0.12, 0.2), (0.12, 0.65)]), fill=WHITE)
    draw.rectangle(_points(cx, cy, r, [(-0.5, 0.65), (0.5, 0.9)]), fill=WHITE)


def _heart(draw, cx, cy, r):
    for side in (-1, 1):
        x = side * 0.45
        draw.ellipse(_points(cx, cy, r, [(x - 0.5, -0.85), (x + 0.5, 0.15)]), fill=WHITE)
    draw.polygon(_points(cx, cy, r, [(-0.93, -0.2), (0.93, -0.2), (0.0, 0.95)]), fill=WHITE)


def _rocket(draw, cx, cy, r):
    body = [(0.0, -1.0), (0.35, -0.5), (0.35, 0.5), (-0.35, 0.5), (-0.35, -0.5)]
    draw.polygon(_points(cx, cy, r, body), fill=WHITE)
    for side in (-1, 1):
        fin = [(side * 0.35, 0.0), (side * 0.75, 0.6), (side * 0.35, 0.5)]
        draw.polygon(_points(cx, cy, r, fin), fill=WHITE)
    draw.polygon(_points(cx, cy, r, [(-0.2, 0.55), (0.2, 0.55), (0.0, 1.0)]), fill=WHITE)


def _target(draw, cx, cy, r):
    width = max(2, int(r * 0.16))
    for reach in (1.0, 0.62):
        draw.ellipse(
            (cx - reach * r, cy - reach * r, cx + reach * r, cy + reach * r),
            outline=WHITE,
            width=width,
        )
    draw.ellipse((cx - 0.24 * r, cy - 0.24 * r, cx + 0.24 * r, cy + 0.24 * r), fill=WHITE)


ICONS = {
    "star": _star,
    "check": _check,
    "shield": _shield,
    "bolt": _bolt,
    "trophy": _trophy,
    "heart": _heart,
    "rocket": _rocket,
    "target": _target,
}

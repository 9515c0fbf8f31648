"""Draw the Teams app icons: color.png (192x192, full colour) and outline.png (32x32, white on
transparent). The PNGs are committed; run this only to change them:

    .venv/bin/python deploy/teams/make_icons.py

Pillow is needed here only (it comes with the test extra through fpdf2); the bot never
imports it. The symbol is a speech bubble holding a check mark: a question answered with a
decision. Both icons are drawn four times larger and scaled down, for smooth edges.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
ACCENT = (31, 78, 121)  # #1F4E79, the manifest's accentColor
WHITE = (255, 255, 255)
SCALE = 4


def _bubble(draw: ImageDraw.ImageDraw, size: int, inset: float, fill, outline, width: int) -> None:
    """A rounded speech bubble with a tail at the lower left, inside a size x size square."""
    left, top = size * inset, size * inset
    right, bottom = size * (1 - inset), size * (0.78 - inset / 2)
    radius = size * 0.12
    draw.rounded_rectangle((left, top, right, bottom), radius=radius, fill=fill, outline=outline, width=width)
    # The tail starts inside the bubble, so no seam shows where the two shapes meet.
    overlap = max(width, size * 0.03)
    tail = [(left + size * 0.16, bottom - overlap), (left + size * 0.10, size * (1 - inset)),
            (left + size * 0.34, bottom - overlap)]
    draw.polygon(tail, fill=fill if fill is not None else outline)
    if fill is None:
        # Close the outline's gap under the tail so the bubble reads as one shape.
        draw.line([tail[0], tail[1], tail[2]], fill=outline, width=width, joint="curve")


def _check(draw: ImageDraw.ImageDraw, size: int, colour, width: int) -> None:
    points = [(size * 0.33, size * 0.42), (size * 0.45, size * 0.55), (size * 0.68, size * 0.30)]
    draw.line(points, fill=colour, width=width, joint="curve")


def color_icon() -> Image.Image:
    size = 192 * SCALE
    image = Image.new("RGB", (size, size), ACCENT)
    draw = ImageDraw.Draw(image)
    _bubble(draw, size, inset=0.18, fill=WHITE, outline=None, width=0)
    _check(draw, size, ACCENT, width=int(size * 0.07))
    return image.resize((192, 192), Image.LANCZOS)


def outline_icon() -> Image.Image:
    size = 32 * SCALE
    # Transparent *white*: scaling blends only alpha, so every visible pixel stays white.
    image = Image.new("RGBA", (size, size), WHITE + (0,))
    draw = ImageDraw.Draw(image)
    stroke = int(size * 0.08)
    _bubble(draw, size, inset=0.06, fill=None, outline=WHITE + (255,), width=stroke)
    _check(draw, size, WHITE + (255,), width=stroke)
    return image.resize((32, 32), Image.LANCZOS)


def main() -> None:
    color_icon().save(HERE / "color.png", optimize=True)
    outline_icon().save(HERE / "outline.png", optimize=True)
    print(f"wrote {HERE / 'color.png'} and {HERE / 'outline.png'}")


if __name__ == "__main__":
    main()

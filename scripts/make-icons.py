#!/usr/bin/env python3
"""Draw the Fidelia app icon and write every size Tauri needs.

A rounded square in a calm teal, a white paw print whose main pad carries a
small heart (the "after the visit" care idea). Drawn once at 1024 px and
downscaled with LANCZOS, so edges stay smooth at every size.

Usage:  python3 scripts/make-icons.py        (needs Pillow: pip install pillow)
Writes: icons/32x32.png icons/128x128.png icons/128x128@2x.png icons/icon.png
        icons/icon.ico icons/icon.icns     -- PNGs are RGBA, as Tauri requires.
"""
import math
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

S = 1024                      # master canvas
TEAL_TOP = (20, 145, 133)     # a touch lighter at the top ...
TEAL_BOTTOM = (15, 118, 110)  # ... #0f766e at the bottom
WHITE = (255, 255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "icons"


def rotated_ellipse(cx, cy, rx, ry, deg, n=180):
    a = math.radians(deg)
    ca, sa = math.cos(a), math.sin(a)
    pts = []
    for i in range(n):
        t = 2 * math.pi * i / n
        x, y = rx * math.cos(t), ry * math.sin(t)
        pts.append((cx + x * ca - y * sa, cy + x * sa + y * ca))
    return pts


def main_pad(cx, cy, rx, ry, n=240):
    """A soft pad: narrower at the top, wide and flat-ish at the bottom."""
    pts = []
    for i in range(n):
        t = 2 * math.pi * i / n
        s, c = math.sin(t), math.cos(t)
        widen = 1 + 0.17 * s                       # s<0 is the top (y grows downwards)
        # superellipse-ish bottom: flatter, fuller
        e = 2.0 / (2.3 if s > 0 else 2.0)
        x = rx * widen * math.copysign(abs(c) ** e, c)
        y = ry * math.copysign(abs(s) ** e, s)
        pts.append((cx + x, cy + y))
    return pts


def heart(cx, cy, size, n=240):
    """Classic parametric heart, `size` = total width in px."""
    k = size / 34.0
    pts = []
    for i in range(n):
        t = 2 * math.pi * i / n
        x = 16 * math.sin(t) ** 3
        y = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
        pts.append((cx + x * k, cy - y * k - 1.5 * k))
    return pts


def rounded_mask(margin, radius):
    m = Image.new("L", (S, S), 0)
    ImageDraw.Draw(m).rounded_rectangle((margin, margin, S - 1 - margin, S - 1 - margin), radius, fill=255)
    return m


def draw_master():
    # background: vertical teal gradient clipped to a rounded square
    grad = Image.new("RGBA", (S, S))
    gd = ImageDraw.Draw(grad)
    for y in range(S):
        f = y / (S - 1)
        col = tuple(round(TEAL_TOP[i] * (1 - f) + TEAL_BOTTOM[i] * f) for i in range(3)) + (255,)
        gd.line((0, y, S, y), fill=col)
    margin, radius = 56, 210
    icon = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    icon.paste(grad, (0, 0), rounded_mask(margin, radius))

    # soft highlight along the top edge for a little depth
    hl = Image.new("L", (S, S), 0)
    ImageDraw.Draw(hl).ellipse((-200, -760, S + 200, 380), fill=22)
    hl = hl.filter(ImageFilter.GaussianBlur(60))
    hl = ImageChops.multiply(hl, rounded_mask(margin, radius))
    icon = Image.composite(Image.new("RGBA", (S, S), WHITE), icon, hl)

    # the paw print (as a mask)
    paw = Image.new("L", (S, S), 0)
    pd = ImageDraw.Draw(paw)
    cx = S / 2
    pd.polygon(main_pad(cx, 655, 205, 165), fill=255)
    for x, y, tilt in ((292, 452, -28), (420, 318, -9), (604, 318, 9), (732, 452, 28)):
        pd.polygon(rotated_ellipse(x, y, 70, 94, tilt), fill=255)

    # the heart, cut out of the main pad so the teal shows through
    hm = Image.new("L", (S, S), 0)
    ImageDraw.Draw(hm).polygon(heart(cx, 668, 190), fill=255)
    paw = ImageChops.subtract(paw, hm)

    # gentle shadow under the paw
    shadow = paw.filter(ImageFilter.GaussianBlur(18)).point(lambda v: v * 0.28)
    shadow = ImageChops.offset(shadow, 0, 14)
    shadow = ImageChops.multiply(shadow, rounded_mask(margin, radius))
    icon = Image.composite(Image.new("RGBA", (S, S), (6, 60, 56, 255)), icon, shadow)

    icon = Image.composite(Image.new("RGBA", (S, S), WHITE), icon, paw)
    return icon


def sized(master, px):
    return master.resize((px, px), Image.LANCZOS).convert("RGBA")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    master = draw_master()
    for name, px in (("32x32.png", 32), ("128x128.png", 128), ("128x128@2x.png", 256), ("icon.png", 512)):
        sized(master, px).save(OUT / name, "PNG")
    ico_sizes = [16, 24, 32, 48, 64, 128, 256]
    sized(master, 256).save(OUT / "icon.ico", format="ICO", sizes=[(s, s) for s in ico_sizes])
    icns_sizes = [16, 32, 64, 128, 256, 512]
    sized(master, 1024).save(OUT / "icon.icns", format="ICNS",
                             append_images=[sized(master, s) for s in icns_sizes])
    for p in sorted(OUT.iterdir()):
        print(f"wrote {p.relative_to(OUT.parent)} ({p.stat().st_size} bytes)")


if __name__ == "__main__":
    main()

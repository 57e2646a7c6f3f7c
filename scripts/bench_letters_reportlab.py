#!/usr/bin/env python3
"""The anchor for the letters benchmark: the same letters as fidelia-letters' `bench` example,
made with ReportLab (canvas API, DejaVu Sans TTF registered and subset, same A4 layout roughly).

    python bench_letters_reportlab.py OUTDIR FONTDIR

Reads OUTDIR/letters.json (written by the Rust bench), writes OUTDIR/reportlab/batch.pdf and
OUTDIR/reportlab/files/*.pdf, and prints key=value lines like the Rust bench.
"""
import json
import os
import statistics
import sys
import time

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

RUNS = 3
PAGE_W, PAGE_H = A4
MARGIN_X = 25 * mm
TEXT_W = PAGE_W - 2 * MARGIN_X
BOTTOM = 25 * mm
HEAD_TOP = PAGE_H - 18 * mm
BODY = 11.5
LEADING = BODY * 1.42
GAP = BODY * 0.85
TEXT = (0.16, 0.17, 0.18)
MUTED = (0.36, 0.38, 0.40)
ACCENT = (0x0D / 255, 0x6B / 255, 0x62 / 255)


def letter(c, data, l, logo):
    x = MARGIN_X
    if logo is not None:
        iw, ih = logo.getSize()
        scale = min(34 * mm / iw, 20 * mm / ih)
        w, h = iw * scale, ih * scale
        c.drawImage(logo, MARGIN_X, HEAD_TOP - h, w, h, mask="auto")
        x += w + 6 * mm
        bottom = HEAD_TOP - h
    else:
        bottom = HEAD_TOP
    y = HEAD_TOP - 16 * 0.73
    c.setFillColorRGB(*ACCENT)
    c.setFont("DejaVuSans-Bold", 16)
    c.drawString(x, y, data["clinic_name"])
    y -= 16 * 1.2 + 2
    c.setFillColorRGB(*MUTED)
    c.setFont("DejaVuSans", 9)
    for t in (data["address"], "Tel. %s  ·  %s" % (data["phone"], data["email"])):
        c.drawString(x, y, t)
        y -= 9 * 1.45
    bottom = min(bottom, y + 9 * 1.45 - 3)
    rule_y = bottom - 5 * mm
    c.setStrokeColorRGB(*ACCENT)
    c.setLineWidth(0.7)
    c.line(MARGIN_X, rule_y, MARGIN_X + TEXT_W, rule_y)

    c.setFillColorRGB(*TEXT)
    c.setFont("DejaVuSans", BODY)
    y = rule_y - 14 * mm
    c.drawRightString(MARGIN_X + TEXT_W, y, l["date"])
    y -= 16 * mm
    c.drawString(MARGIN_X, y, l["greeting"])
    y -= LEADING + GAP
    page = 1

    def new_page():
        nonlocal y, page
        c.showPage()
        page += 1
        c.setFillColorRGB(*MUTED)
        c.setFont("DejaVuSans", 8.5)
        c.drawString(MARGIN_X, PAGE_H - 18 * mm, data["clinic_name"])
        c.setFillColorRGB(*TEXT)
        c.setFont("DejaVuSans", BODY)
        y = PAGE_H - 32 * mm

    for para in l["body"].split("\n\n"):
        for hard in para.split("\n"):
            for line in simpleSplit(hard, "DejaVuSans", BODY, TEXT_W):
                if y < BOTTOM:
                    new_page()
                c.drawString(MARGIN_X, y, line)
                y -= LEADING
        y -= GAP
    if y - 20 * mm - LEADING < BOTTOM:
        new_page()
    c.drawString(MARGIN_X, y, l["closing"])
    y -= 20 * mm
    c.setFont("DejaVuSans-Bold", BODY)
    c.drawString(MARGIN_X, y, l["signature_name"])
    y -= LEADING
    c.setFillColorRGB(*MUTED)
    c.setFont("DejaVuSans", 10)
    c.drawString(MARGIN_X, y, l["signature_role"])
    c.showPage()


def main():
    out, fontdir = sys.argv[1], sys.argv[2]
    data = json.load(open(os.path.join(out, "letters.json"), encoding="utf-8"))
    pdfmetrics.registerFont(TTFont("DejaVuSans", os.path.join(fontdir, "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", os.path.join(fontdir, "DejaVuSans-Bold.ttf")))
    logo = ImageReader(data["logo"]) if data.get("logo") else None
    rl = os.path.join(out, "reportlab")
    files = os.path.join(rl, "files")
    os.makedirs(files, exist_ok=True)
    letters = data["letters"]

    # Warm-up, outside the timings (as for the Rust side).
    c = canvas.Canvas(os.path.join(rl, "warmup.pdf"), pagesize=A4)
    letter(c, data, letters[0], logo)
    c.save()

    batch_times = []
    batch_path = os.path.join(rl, "batch.pdf")
    for _ in range(RUNS):
        t = time.perf_counter()
        c = canvas.Canvas(batch_path, pagesize=A4)
        for l in letters:
            letter(c, data, l, logo)
        c.save()
        batch_times.append(time.perf_counter() - t)
    batch_bytes = os.path.getsize(batch_path)

    names, seen = [], set()
    for i, l in enumerate(letters):
        n = l["file"]
        if n in seen:
            n = "%s_%d.pdf" % (n[:-4], i)
        seen.add(n)
        names.append(n)
    files_times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        for l, n in zip(letters, names):
            c = canvas.Canvas(os.path.join(files, n), pagesize=A4)
            letter(c, data, l, logo)
            c.save()
        files_times.append(time.perf_counter() - t)
    sizes = [os.path.getsize(os.path.join(files, n)) for n in names]

    n = len(letters)
    print("letters=%d" % n)
    print("batch_seconds=%.4f" % statistics.median(batch_times))
    print("batch_bytes=%d" % batch_bytes)
    print("batch_bytes_per_letter=%.0f" % (batch_bytes / n))
    print("files_seconds=%.4f" % statistics.median(files_times))
    print("files_total_bytes=%d" % sum(sizes))
    print("single_letter_bytes=%d" % sizes[0])
    print("largest_letter_bytes=%d" % max(sizes))


if __name__ == "__main__":
    main()

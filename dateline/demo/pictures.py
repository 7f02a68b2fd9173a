"""The demo's pictures: flat illustrations drawn with Pillow, in one palette, from a fixed seed.

Nothing is downloaded and no font file is needed (labels use Pillow's built-in font). Each motif is a
function that draws on a canvas and returns the rectangle its subject occupies, which becomes the
image's focal point, so Wagtail's crops (`fill-...-c100`) keep the subject in every aspect ratio.
The same name, motif and variant always give the same pixels, so a re-run of the demo finds the
images it already added (`newsroom.services.image_ensure` matches them on their file hash).
"""

from __future__ import annotations

import io
import math
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

# Large enough for every crop Google asks of a news image (1200 px on each side, docs/content.md).
WIDTH, HEIGHT = 1800, 1200
BODY_WIDTH, BODY_HEIGHT = 1600, 1000

# The Courier's palette: ink, paper and the site's red, with a few muted companions.
INK = (27, 27, 27)
PAPER = (244, 239, 230)
RED = (164, 22, 26)
DEEP_RED = (122, 15, 18)
SAND = (233, 196, 106)
OCHRE = (212, 163, 115)
TEAL = (42, 111, 119)
SLATE = (61, 90, 128)
SKY = (152, 193, 217)
PALE = (224, 240, 244)
GREEN = (106, 153, 78)
DARK_GREEN = (56, 102, 65)
NIGHT = (20, 33, 61)
GREY = (120, 120, 120)
WHITE = (255, 255, 255)

Box = tuple[int, int, int, int]  # x, y, width, height of the subject


@dataclass(frozen=True)
class Picture:
    """A drawn picture: its JPEG bytes, size and the subject's rectangle (the focal point)."""

    data: bytes
    width: int
    height: int
    focal: Box


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _gradient(draw: ImageDraw.ImageDraw, box: Box, top, bottom) -> None:
    x, y, w, h = box
    for row in range(h):
        draw.line([(x, y + row), (x + w, y + row)], fill=_mix(top, bottom, row / max(h - 1, 1)))


def _ridge(rng: random.Random, w: int, base: float, amplitude: float, steps: int = 12) -> list:
    """Return the outline of a line of hills: a smoothed random walk across the width."""
    heights = [rng.uniform(-1, 1) for _ in range(steps + 1)]
    points = []
    for x in range(0, w + 1, 20):
        position = x / w * steps
        i = min(int(position), steps - 1)
        t = position - i
        t = (1 - math.cos(t * math.pi)) / 2
        points.append((x, base - amplitude * (heights[i] * (1 - t) + heights[i + 1] * t)))
    return points


def _hills(draw, rng, w, h, base, amplitude, colour) -> None:
    draw.polygon([(0, h), *_ridge(rng, w, base, amplitude), (w, h)], fill=colour)


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


# Motifs: each draws on (draw, rng, w, h, variant) and returns the subject's box.


def skyline(draw, rng, w, h, variant) -> Box:
    dusk = variant == "dusk"
    _gradient(draw, (0, 0, w, h), NIGHT if dusk else SKY, OCHRE if dusk else PALE)
    sun_x = int(w * rng.uniform(0.6, 0.8))
    draw.ellipse([sun_x - 110, h * 0.28 - 110, sun_x + 110, h * 0.28 + 110], fill=SAND)
    ground = int(h * 0.78)
    tallest = (0, ground, 0, 0)
    for layer, colour in ((0, _mix(SLATE, SKY, 0.45)), (1, SLATE), (2, NIGHT)):
        x = -20
        while x < w:
            bw = rng.randint(70, 160)
            bh = rng.randint(int(h * (0.18 + layer * 0.05)), int(h * (0.38 + layer * 0.12)))
            top = ground - bh
            draw.rectangle([x, top, x + bw, ground], fill=colour)
            if layer == 2:
                for wy in range(top + 24, ground - 30, 44):
                    for wx in range(x + 14, x + bw - 20, 30):
                        if rng.random() < (0.55 if dusk else 0.25):
                            draw.rectangle([wx, wy, wx + 12, wy + 20], fill=SAND)
                if bh > tallest[3] and 200 < x < w - 300:
                    tallest = (x, top, bw, bh)
            x += bw + rng.randint(4, 30)
    draw.rectangle([0, ground, w, h], fill=_mix(NIGHT, SLATE, 0.5))
    for y in range(ground + 20, h, 26):
        draw.line([(rng.randint(0, w // 2), y), (rng.randint(w // 2, w), y)], fill=SKY, width=3)
    x, top, bw, bh = tallest
    return (max(0, x - 200), top, bw + 400, bh)


def pipeline(draw, rng, w, h, variant) -> Box:
    winter = variant == "winter"
    _gradient(draw, (0, 0, w, int(h * 0.6)), PALE if winter else SKY, WHITE if winter else PALE)
    _hills(draw, rng, w, h, h * 0.5, 60, _mix(SLATE, SKY, 0.5))
    _hills(draw, rng, w, h, h * 0.62, 40, WHITE if winter else _mix(GREEN, SAND, 0.4))
    # The pipe runs from the foreground towards the horizon.
    path = [(-40, h * 0.92), (w * 0.35, h * 0.8), (w * 0.62, h * 0.7), (w * 1.05, h * 0.64)]
    for i, (x, y) in enumerate(path[:-1]):
        nx, ny = path[i + 1]
        width = int(46 - i * 12)
        for k in range(0, 11):
            px, py = x + (nx - x) * k / 10, y + (ny - y) * k / 10
            draw.line([(px, py), (px, py + 40 - i * 10)], fill=INK, width=max(3, width // 5))
        draw.line([(x, y), (nx, ny)], fill=GREY, width=width)
        draw.line(
            [(x, y - width * 0.3), (nx, ny - width * 0.3)], fill=PALE, width=max(2, width // 6)
        )
    # A compressor station on the pipe.
    sx, sy = int(w * 0.35), int(h * 0.8)
    draw.rectangle([sx - 160, sy - 190, sx + 120, sy - 20], fill=RED)
    draw.polygon([(sx - 180, sy - 190), (sx - 10, sy - 260), (sx + 140, sy - 190)], fill=DEEP_RED)
    draw.rectangle([sx + 40, sy - 330, sx + 80, sy - 190], fill=GREY)
    return (sx - 260, sy - 340, 520, 380)


def port(draw, rng, w, h, variant) -> Box:
    _gradient(draw, (0, 0, w, int(h * 0.6)), SKY, PALE)
    sea = int(h * 0.6)
    _gradient(draw, (0, sea, w, h - sea), TEAL, SLATE)
    for y in range(sea + 20, h, 30):
        x = rng.randint(0, w)
        draw.line([(x, y), (x + rng.randint(60, 200), y)], fill=SKY, width=3)
    # Cranes on the quay.
    for cx in (int(w * 0.08), int(w * 0.85)):
        draw.rectangle([cx, sea - 420, cx + 30, sea], fill=RED)
        draw.rectangle([cx - 160, sea - 420, cx + 260, sea - 390], fill=RED)
        draw.line([(cx + 15, sea - 470), (cx - 150, sea - 395)], fill=INK, width=5)
        draw.line([(cx + 15, sea - 470), (cx + 250, sea - 395)], fill=INK, width=5)
    # The ship and its containers.
    left, right, deck = int(w * 0.18), int(w * 0.78), sea + 40
    draw.polygon(
        [(left, deck), (right, deck), (right - 60, deck + 140), (left + 40, deck + 140)], fill=INK
    )
    colours = [RED, TEAL, SAND, SLATE, OCHRE, DEEP_RED, GREEN]
    for row in range(4 if variant != "light" else 2):
        for col in range((right - left - 200) // 84):
            x = left + 60 + col * 84
            y = deck - 56 * (row + 1)
            draw.rectangle([x, y, x + 80, y + 52], fill=rng.choice(colours), outline=INK, width=2)
    draw.rectangle([right - 140, deck - 300, right - 40, deck], fill=WHITE, outline=INK, width=3)
    return (left, deck - 320, right - left, 460)


def river(draw, rng, w, h, variant) -> Box:
    _gradient(draw, (0, 0, w, int(h * 0.5)), SKY, PALE)
    _hills(draw, rng, w, h, h * 0.42, 70, _mix(DARK_GREEN, SKY, 0.5))
    _hills(draw, rng, w, h, h * 0.55, 50, GREEN)
    draw.rectangle([0, int(h * 0.62), w, h], fill=_mix(GREEN, SAND, 0.3))
    # A river that widens towards the viewer.
    centre = [
        (w * 0.5 + math.sin(t / 9 * math.pi * 1.5) * w * 0.18, h * 0.55 + t * h * 0.05)
        for t in range(10)
    ]
    left = [(x - 12 - i * 26, y) for i, (x, y) in enumerate(centre)]
    right = [(x + 12 + i * 26, y) for i, (x, y) in enumerate(centre)]
    draw.polygon([*left, *reversed(right)], fill=TEAL if variant != "flood" else SLATE)
    for x, y in centre[3:]:
        draw.line([(x - 30, y), (x + 30, y)], fill=SKY, width=3)
    focal_x, focal_y = int(centre[6][0]), int(centre[6][1])
    if variant == "flood":
        # A new wall along the bank, and the town behind it.
        wall = [(x + 30 + i * 26, y - 14) for i, (x, y) in enumerate(centre)]
        draw.line(wall, fill=GREY, width=22)
        for i in range(5):
            hx = int(wall[5][0]) + 60 + i * 110
            hy = int(wall[5][1]) - 40 - i * 8
            draw.rectangle([hx, hy, hx + 80, hy + 70], fill=PAPER, outline=INK, width=2)
            draw.polygon([(hx - 8, hy), (hx + 40, hy - 45), (hx + 88, hy)], fill=RED)
        focal_x = int(wall[5][0]) + 200
    elif variant == "sensor":
        bx, by = int(centre[7][0]), int(centre[7][1])
        draw.ellipse([bx - 40, by - 40, bx + 40, by + 20], fill=SAND, outline=INK, width=4)
        draw.line([(bx, by - 40), (bx, by - 160)], fill=INK, width=6)
        draw.ellipse([bx - 14, by - 184, bx + 14, by - 156], fill=RED)
        for r in (50, 90, 130):
            draw.arc([bx - r, by - 170 - r, bx + r, by - 170 + r], 220, 320, fill=RED, width=5)
        focal_x, focal_y = bx, by - 80
    return (focal_x - 300, focal_y - 250, 600, 400)


def night(draw, rng, w, h, variant) -> Box:
    _gradient(draw, (0, 0, w, h), NIGHT, SLATE)
    for _ in range(420):
        x, y, r = rng.randint(0, w), rng.randint(0, int(h * 0.75)), rng.choice((1, 1, 2, 3))
        draw.ellipse([x - r, y - r, x + r, y + r], fill=_mix(PALE, SAND, rng.random()))
    if variant == "aurora":
        for band in range(4):
            colour = _mix(GREEN, TEAL, band / 3)
            points = [
                (x, h * (0.25 + band * 0.06) + math.sin(x / 170 + band) * 60)
                for x in range(0, w + 1, 30)
            ]
            draw.line(points, fill=colour, width=38 - band * 6)
        cx, cy = w // 2, int(h * 0.32)
    else:
        cx, cy = int(w * 0.62), int(h * 0.28)
        for i in range(60):
            t = i / 60
            r = 28 * (1 - t) + 3
            x, y = cx - t * 620, cy + t * 260
            draw.ellipse([x - r, y - r, x + r, y + r], fill=_mix(PALE, SLATE, t))
        draw.ellipse([cx - 26, cy - 26, cx + 26, cy + 26], fill=WHITE)
    _hills(draw, rng, w, h, h * 0.84, 40, INK)
    # An observatory on the hill.
    ox, oy = int(w * 0.2), int(h * 0.8)
    draw.rectangle([ox - 70, oy - 40, ox + 70, oy + 40], fill=INK)
    draw.pieslice([ox - 80, oy - 120, ox + 80, oy + 40], 180, 360, fill=GREY)
    return (cx - 350, cy - 200, 700, 450)


def chart(draw, rng, w, h, variant) -> Box:
    """An illustrative chart without figures: the shape of a trend, not data."""
    draw.rectangle([0, 0, w, h], fill=PAPER)
    left, top, right, bottom = 160, 140, w - 140, h - 160
    for y in range(top, bottom + 1, (bottom - top) // 6):
        draw.line([(left, y), (right, y)], fill=_mix(PAPER, GREY, 0.35), width=2)
    draw.line([(left, bottom), (right, bottom)], fill=INK, width=5)
    draw.line([(left, top), (left, bottom)], fill=INK, width=5)
    n = 14
    value = 0.35
    points = []
    for i in range(n):
        if variant == "falls":
            drift = 0.03 if i < n // 2 else -0.05
        elif variant == "bars":
            drift = rng.uniform(-0.08, 0.1)
        else:
            drift = 0.04
        value = min(0.92, max(0.08, value + drift + rng.uniform(-0.05, 0.05)))
        x = left + 40 + i * (right - left - 80) / (n - 1)
        points.append((x, bottom - value * (bottom - top)))
    bar = (right - left) / n * 0.55
    for x, y in points:
        draw.rectangle([x - bar / 2, y + 30, x + bar / 2, bottom - 3], fill=_mix(SKY, PAPER, 0.3))
    draw.line(points, fill=RED, width=12, joint="curve")
    for x, y in points[-1:]:
        draw.ellipse([x - 18, y - 18, x + 18, y + 18], fill=RED, outline=INK, width=4)
    return (left, top, right - left, bottom - top)


def ballot(draw, rng, w, h, variant) -> Box:
    draw.rectangle([0, 0, w, h], fill=_mix(SKY, PAPER, 0.5))
    for i in range(-h, w, 90):
        draw.line([(i, 0), (i + h, h)], fill=_mix(SKY, PAPER, 0.3), width=30)
    cx, base = w // 2, int(h * 0.86)
    draw.rectangle([cx - 330, base - 480, cx + 330, base], fill=SLATE, outline=INK, width=6)
    draw.rectangle([cx - 360, base - 520, cx + 360, base - 470], fill=NIGHT)
    draw.rectangle([cx - 150, base - 508, cx + 150, base - 484], fill=INK)
    # A folded ballot paper on its way in, marked with a cross.
    draw.polygon(
        [
            (cx - 120, base - 500),
            (cx + 140, base - 500),
            (cx + 100, base - 820),
            (cx - 160, base - 820),
        ],
        fill=WHITE,
        outline=INK,
    )
    bx, by = cx - 20, base - 700
    draw.rectangle([bx - 40, by - 40, bx + 40, by + 40], outline=INK, width=5)
    draw.line([(bx - 28, by - 28), (bx + 28, by + 28)], fill=RED, width=10)
    draw.line([(bx + 28, by - 28), (bx - 28, by + 28)], fill=RED, width=10)
    if variant == "envelopes":
        for i in range(3):
            ex, ey = cx + 420 + i * 40, base - 120 - i * 90
            draw.rectangle([ex, ey, ex + 260, ey + 160], fill=PAPER, outline=INK, width=4)
            draw.line([(ex, ey), (ex + 130, ey + 90), (ex + 260, ey)], fill=INK, width=4)
    return (cx - 400, base - 840, 800, 840)


def tram(draw, rng, w, h, variant) -> Box:
    _gradient(draw, (0, 0, w, int(h * 0.65)), SKY, PALE)
    skyline_base = int(h * 0.62)
    x = 0
    while x < w:
        bw, bh = rng.randint(120, 220), rng.randint(180, 380)
        draw.rectangle([x, skyline_base - bh, x + bw, skyline_base], fill=_mix(OCHRE, PAPER, 0.3))
        x += bw + 10
    draw.rectangle([0, skyline_base, w, h], fill=_mix(GREY, PAPER, 0.5))
    for rail in (0.86, 0.9):
        draw.line([(0, h * rail), (w, h * rail)], fill=INK, width=6)
    draw.line([(0, h * 0.18), (w, h * 0.2)], fill=INK, width=3)
    left, right, top, bottom = int(w * 0.22), int(w * 0.8), int(h * 0.42), int(h * 0.84)
    draw.rounded_rectangle([left, top, right, bottom], radius=60, fill=RED, outline=INK, width=5)
    draw.rectangle([left, bottom - 80, right, bottom - 50], fill=PAPER)
    for wx in range(left + 60, right - 120, 150):
        draw.rounded_rectangle([wx, top + 50, wx + 110, top + 170], radius=14, fill=PALE)
    draw.line([(w * 0.5, top), (w * 0.45, h * 0.19)], fill=INK, width=6)
    for wheel in (left + 120, left + 260, right - 260, right - 120):
        draw.ellipse([wheel - 34, bottom - 34, wheel + 34, bottom + 34], fill=INK)
    return (left, int(h * 0.18), right - left, bottom - int(h * 0.18))


def building(draw, rng, w, h, variant) -> Box:
    _gradient(draw, (0, 0, w, h), SKY, PALE)
    ground = int(h * 0.84)
    draw.rectangle([0, ground, w, h], fill=_mix(GREY, PAPER, 0.55))
    left, right = int(w * 0.2), int(w * 0.8)
    if variant == "library":
        top = int(h * 0.3)
        draw.rectangle([left, top, right, ground], fill=PAPER, outline=INK, width=4)
        draw.polygon(
            [(left - 40, top), (w // 2, top - 190), (right + 40, top)], fill=OCHRE, outline=INK
        )
        for cx in range(left + 60, right - 20, 120):
            draw.rectangle([cx, top + 40, cx + 44, ground - 30], fill=WHITE, outline=INK, width=2)
        draw.rectangle([w // 2 - 70, ground - 220, w // 2 + 70, ground], fill=DEEP_RED)
        for step in range(3):
            draw.rectangle(
                [
                    left - 20 * step,
                    ground - 10 + step * 12,
                    right + 20 * step,
                    ground + 2 + step * 12,
                ],
                fill=_mix(GREY, PAPER, 0.3),
            )
        return (left, top - 190, right - left, ground - top + 190)
    if variant == "bakery":
        top = int(h * 0.22)
        draw.rectangle(
            [left, top, right, ground], fill=_mix(SAND, PAPER, 0.4), outline=INK, width=4
        )
        stripes = 12
        for i in range(stripes):
            sx = left + i * (right - left) / stripes
            draw.polygon(
                [
                    (sx, top + 260),
                    (sx + (right - left) / stripes, top + 260),
                    (sx + (right - left) / stripes - 10, top + 360),
                    (sx - 10, top + 360),
                ],
                fill=RED if i % 2 else PAPER,
                outline=INK,
            )
        draw.rectangle(
            [left + 60, top + 400, right - 320, ground - 40], fill=PALE, outline=INK, width=4
        )
        for i in range(5):
            bx = left + 120 + i * 110
            draw.ellipse([bx, ground - 150, bx + 90, ground - 90], fill=OCHRE, outline=INK, width=3)
        draw.rectangle([right - 260, top + 400, right - 80, ground], fill=DEEP_RED)
        draw.text((left + 60, top + 60), "BAKERY", fill=INK, font=_font(120))
        return (left, top, right - left, ground - top)
    if variant == "plant":
        top = int(h * 0.4)
        draw.rectangle(
            [left, top, right, ground], fill=_mix(SLATE, PAPER, 0.6), outline=INK, width=4
        )
        for i in range(6):
            sx = left + i * (right - left) / 6
            draw.polygon(
                [(sx, top), (sx + (right - left) / 6, top), (sx + (right - left) / 6, top - 120)],
                fill=SLATE,
                outline=INK,
            )
        for i in range(4):
            cx = left + 120 + i * 250
            draw.rounded_rectangle(
                [cx, ground - 260, cx + 120, ground - 40],
                radius=18,
                fill=GREEN,
                outline=INK,
                width=4,
            )
            draw.rectangle([cx + 40, ground - 285, cx + 80, ground - 260], fill=INK)
            draw.line(
                [
                    (cx + 60, ground - 210),
                    (cx + 40, ground - 150),
                    (cx + 75, ground - 150),
                    (cx + 55, ground - 90),
                ],
                fill=SAND,
                width=10,
            )
        return (left, top - 120, right - left, ground - top + 120)
    # A clinic: a low building with a lit sign.
    top = int(h * 0.36)
    draw.rectangle([left, top, right, ground], fill=WHITE, outline=INK, width=4)
    draw.rectangle([left - 30, top - 40, right + 30, top], fill=TEAL)
    for wx in range(left + 60, right - 100, 180):
        draw.rectangle(
            [wx, top + 80, wx + 120, top + 200],
            fill=SAND if variant == "evening" else PALE,
            outline=INK,
            width=3,
        )
    draw.rectangle(
        [w // 2 - 90, ground - 250, w // 2 + 90, ground], fill=PALE, outline=INK, width=4
    )
    cx, cy = w // 2, top - 150
    draw.ellipse([cx - 90, cy - 90, cx + 90, cy + 90], fill=WHITE, outline=TEAL, width=10)
    draw.rectangle([cx - 22, cy - 60, cx + 22, cy + 60], fill=RED)
    draw.rectangle([cx - 60, cy - 22, cx + 60, cy + 22], fill=RED)
    return (left, cy - 100, right - left, ground - cy + 100)


def underground(draw, rng, w, h, variant) -> Box:
    surface = int(h * 0.18)
    _gradient(draw, (0, 0, w, surface), SKY, PALE)
    draw.rectangle([0, surface - 20, w, surface + 10], fill=GREEN)
    layers = [OCHRE, _mix(OCHRE, INK, 0.2), _mix(OCHRE, INK, 0.35), _mix(GREY, INK, 0.3)]
    for i, colour in enumerate(layers):
        top = surface + 10 + i * (h - surface) / len(layers)
        edge = _ridge(rng, w, top, 25)
        draw.polygon([*edge, (w, h), (0, h)], fill=colour)
    if variant == "cave":
        chambers = [
            (w * 0.25, h * 0.6, 260, 120),
            (w * 0.5, h * 0.68, 320, 150),
            (w * 0.75, h * 0.58, 220, 110),
        ]
        for cx, cy, rx, ry in chambers:
            draw.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], fill=INK)
            for k in range(4):
                sx = cx - rx * 0.45 + k * rx * 0.3
                draw.polygon(
                    [
                        (sx - 7, cy - ry * 0.9),
                        (sx + 7, cy - ry * 0.9),
                        (sx, cy - ry * (0.35 + 0.1 * (k % 2))),
                    ],
                    fill=_mix(OCHRE, INK, 0.5),
                )
            draw.ellipse(
                [cx - rx * 0.7, cy + ry * 0.55, cx + rx * 0.7, cy + ry * 0.9],
                fill=_mix(TEAL, INK, 0.4),
            )
        draw.line([(w * 0.25 + 200, h * 0.62), (w * 0.5 - 280, h * 0.68)], fill=INK, width=50)
        draw.line([(w * 0.5 + 280, h * 0.66), (w * 0.75 - 180, h * 0.6)], fill=INK, width=40)
        return (int(w * 0.15), int(h * 0.4), int(w * 0.7), int(h * 0.45))
    # Fungal threads between roots.
    for x in range(150, w, 300):
        draw.line(
            [(x, surface), (x + rng.randint(-60, 60), surface + 300)], fill=DEEP_RED, width=14
        )
    nodes = [(rng.randint(60, w - 60), rng.randint(surface + 80, h - 60)) for _ in range(70)]
    for a in nodes:
        for b in nodes:
            if a < b and math.dist(a, b) < 230:
                draw.line([a, b], fill=PAPER, width=3)
    for x, y in nodes:
        draw.ellipse([x - 9, y - 9, x + 9, y + 9], fill=SAND)
    return (int(w * 0.2), surface, int(w * 0.6), int(h * 0.6))


def stage(draw, rng, w, h, variant) -> Box:
    if variant == "stadium":
        _gradient(draw, (0, 0, w, h), SKY, PALE)
        pitch = int(h * 0.72)
        draw.rectangle([0, pitch, w, h], fill=GREEN)
        for x in range(0, w, 160):
            draw.rectangle([x, pitch, x + 80, h], fill=_mix(GREEN, DARK_GREEN, 0.5))
        left, right, top = int(w * 0.1), int(w * 0.9), int(h * 0.3)
        draw.polygon(
            [(left, pitch), (right, pitch), (right - 60, top), (left + 60, top)],
            fill=_mix(RED, PAPER, 0.15),
        )
        for row in range(7):
            y = top + 30 + row * (pitch - top - 40) / 7
            draw.line([(left + 60 - row * 8, y), (right - 60 + row * 8, y)], fill=DEEP_RED, width=6)
        draw.polygon(
            [(left - 30, top), (right + 30, top), (right - 20, top - 90), (left + 20, top - 90)],
            fill=SLATE,
        )
        return (left, top - 90, right - left, pitch - top + 90)
    _gradient(draw, (0, 0, w, h), NIGHT, DEEP_RED)
    left, right, floor = int(w * 0.2), int(w * 0.8), int(h * 0.62)
    for i in range(6):
        beam = left + i * (right - left) / 5
        draw.polygon(
            [
                (beam - 10, 120),
                (beam + 10, 120),
                (beam + 260 - i * 104, floor),
                (beam - 120 - i * 20, floor),
            ],
            fill=_mix(SAND, NIGHT, 0.55),
        )
    draw.rectangle([left - 40, 100, right + 40, 140], fill=INK)
    draw.rectangle([left, floor, right, floor + 60], fill=INK)
    for i in range(4):
        px = left + 160 + i * 280
        draw.ellipse([px - 30, floor - 240, px + 30, floor - 180], fill=INK)
        draw.rectangle([px - 40, floor - 180, px + 40, floor], fill=INK)
    for _ in range(160):
        x, y = rng.randint(0, w), rng.randint(floor + 80, h)
        r = rng.randint(30, 48)
        draw.ellipse([x - r, y - r, x + r, y + r * 2], fill=_mix(INK, NIGHT, 0.3))
    return (left, 100, right - left, floor - 40)


def weather(draw, rng, w, h, variant) -> Box:
    if variant == "heat":
        _gradient(draw, (0, 0, w, h), SAND, OCHRE)
        cx, cy = int(w * 0.5), int(h * 0.36)
        for r in range(360, 160, -40):
            draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=_mix(SAND, RED, (360 - r) / 400))
        for y in range(int(h * 0.72), h, 24):
            points = [(x, y + math.sin(x / 60 + y) * 8) for x in range(0, w + 1, 30)]
            draw.line(points, fill=_mix(OCHRE, RED, 0.3), width=4)
        x = 0
        while x < w:
            bw, bh = rng.randint(120, 200), rng.randint(140, 300)
            draw.rectangle([x, int(h * 0.72) - bh, x + bw, int(h * 0.72)], fill=DEEP_RED)
            x += bw + 14
        return (cx - 380, cy - 380, 760, 760)
    _gradient(draw, (0, 0, w, h), _mix(SLATE, GREY, 0.5), PALE)
    ground = int(h * 0.72)
    draw.rectangle([0, ground, w, h], fill=WHITE)
    for i in range(6):
        hx = 80 + i * 290
        hy = ground - 200 - (i % 2) * 40
        draw.rectangle(
            [hx, hy, hx + 200, ground], fill=_mix(OCHRE, PAPER, 0.2), outline=INK, width=3
        )
        draw.polygon([(hx - 20, hy), (hx + 100, hy - 110), (hx + 220, hy)], fill=WHITE, outline=INK)
        draw.rectangle([hx + 70, hy + 60, hx + 130, hy + 120], fill=SAND)
    draw.line([(0, ground + 160), (w, ground + 120)], fill=_mix(GREY, WHITE, 0.5), width=50)
    for _ in range(500):
        x, y, r = rng.randint(0, w), rng.randint(0, h), rng.choice((3, 4, 6))
        draw.ellipse([x - r, y - r, x + r, y + r], fill=WHITE)
    return (80, ground - 320, 1800 - 160, 420)


def lab(draw, rng, w, h, variant) -> Box:
    draw.rectangle([0, 0, w, h], fill=_mix(PALE, WHITE, 0.4))
    bench = int(h * 0.74)
    draw.rectangle([0, bench, w, h], fill=SLATE)
    draw.rectangle([0, bench, w, bench + 24], fill=INK)
    # Flasks and vials.
    fx = int(w * 0.3)
    draw.polygon(
        [
            (fx - 40, bench - 420),
            (fx + 40, bench - 420),
            (fx + 40, bench - 260),
            (fx + 180, bench),
            (fx - 180, bench),
            (fx - 40, bench - 260),
        ],
        fill=WHITE,
        outline=INK,
    )
    draw.polygon(
        [(fx - 110, bench - 130), (fx + 110, bench - 130), (fx + 180, bench), (fx - 180, bench)],
        fill=TEAL,
    )
    for i, colour in enumerate((RED, SAND, TEAL, RED, SLATE)):
        vx = int(w * 0.52) + i * 90
        draw.rounded_rectangle(
            [vx, bench - 300, vx + 60, bench], radius=26, fill=WHITE, outline=INK, width=4
        )
        draw.rounded_rectangle(
            [vx + 6, bench - 150 + i * 12, vx + 54, bench - 6], radius=22, fill=colour
        )
        draw.rectangle([vx - 4, bench - 330, vx + 64, bench - 300], fill=INK)
    # A molecule diagram on the wall.
    atoms = [(w * 0.75, h * 0.2), (w * 0.84, h * 0.3), (w * 0.78, h * 0.42), (w * 0.9, h * 0.16)]
    for a, b in zip(atoms, atoms[1:], strict=False):
        draw.line([a, b], fill=INK, width=8)
    for x, y in atoms:
        draw.ellipse(
            [x - 36, y - 36, x + 36, y + 36],
            fill=RED if variant != "vaccine" else TEAL,
            outline=INK,
            width=4,
        )
    return (fx - 200, bench - 440, int(w * 0.52) + 500 - fx, 460)


def fields(draw, rng, w, h, variant) -> Box:
    horizon = int(h * 0.36)
    _gradient(draw, (0, 0, w, horizon), SKY, PALE)
    draw.rectangle([0, horizon, w, h], fill=_mix(GREEN, SAND, 0.35))
    for i in range(-12, 13):
        draw.line([(w / 2 + i * 16, horizon), (w / 2 + i * 260, h)], fill=DARK_GREEN, width=10)
    # A phone held over the crop, checking a leaf.
    px, py = int(w * 0.62), int(h * 0.32)
    draw.rounded_rectangle([px, py, px + 300, py + 560], radius=36, fill=INK)
    draw.rectangle([px + 22, py + 60, px + 278, py + 480], fill=PALE)
    draw.ellipse([px + 60, py + 150, px + 240, py + 390], fill=GREEN, outline=DARK_GREEN, width=6)
    draw.line([(px + 80, py + 370), (px + 220, py + 170)], fill=DARK_GREEN, width=6)
    for sx, sy in ((px + 120, py + 220), (px + 180, py + 300), (px + 150, py + 330)):
        draw.ellipse([sx - 16, sy - 16, sx + 16, sy + 16], fill=OCHRE)
    draw.rectangle([px + 40, py + 410, px + 260, py + 450], fill=RED)
    return (px - 150, py, 600, 560)


def valley_map(draw, rng, w, h, variant) -> Box:
    """A map of the fictional Averley valley: river, roads, the tram line and the town's places."""
    draw.rectangle([0, 0, w, h], fill=_mix(PAPER, GREEN, 0.12))
    for _ in range(9):
        x, y = rng.randint(0, w), rng.randint(0, h)
        draw.ellipse([x - 220, y - 140, x + 220, y + 140], fill=_mix(PAPER, GREEN, 0.25))
    river_line = [(x, h * 0.55 + math.sin(x / 260) * 120) for x in range(-20, w + 40, 20)]
    draw.line(river_line, fill=_mix(TEAL, SKY, 0.4), width=46)
    draw.line([(w * 0.1, 0), (w * 0.3, h * 0.5), (w * 0.35, h)], fill=WHITE, width=26)
    draw.line([(0, h * 0.3), (w * 0.5, h * 0.35), (w, h * 0.2)], fill=WHITE, width=26)
    draw.line([(w * 0.1, 0), (w * 0.3, h * 0.5), (w * 0.35, h)], fill=OCHRE, width=14)
    draw.line([(0, h * 0.3), (w * 0.5, h * 0.35), (w, h * 0.2)], fill=OCHRE, width=14)
    town = (int(w * 0.45), int(h * 0.4))
    draw.ellipse(
        [town[0] - 170, town[1] - 110, town[0] + 170, town[1] + 110], fill=_mix(PAPER, GREY, 0.3)
    )
    places = {
        "tram": [("Millbrook", town), ("East Millbrook", (int(w * 0.8), int(h * 0.3)))],
        "flood": [("Millbrook", town), ("Averley Weir", (int(w * 0.7), int(h * 0.62)))],
        "budget": [("Millbrook", town), ("Eastfields", (int(w * 0.78), int(h * 0.72)))],
    }.get(variant, [("Millbrook", town)])
    if variant == "tram":
        tram_line = [town, (int(w * 0.62), int(h * 0.26)), places[1][1]]
        draw.line(tram_line, fill=RED, width=16)
        for x, y in tram_line:
            draw.ellipse([x - 22, y - 22, x + 22, y + 22], fill=WHITE, outline=RED, width=8)
    if variant == "flood":
        wall = [(x, y - 40) for x, y in river_line if w * 0.35 < x < w * 0.75]
        draw.line(wall, fill=RED, width=14)
    label = _font(44)
    for name, (x, y) in places:
        draw.ellipse([x - 16, y - 16, x + 16, y + 16], fill=INK)
        draw.text((x + 28, y - 30), name, fill=INK, font=label)
    draw.text((60, h - 110), "River Averley", fill=TEAL, font=_font(40))
    # A north arrow and a frame.
    draw.polygon([(w - 120, 80), (w - 150, 180), (w - 90, 180)], fill=INK)
    draw.text((w - 138, 190), "N", fill=INK, font=_font(40))
    draw.rectangle([10, 10, w - 10, h - 10], outline=INK, width=6)
    return (town[0] - 300, town[1] - 250, 800, 600)


def coins(draw, rng, w, h, variant) -> Box:
    _gradient(draw, (0, 0, w, h), PAPER, _mix(SAND, PAPER, 0.5))
    base = int(h * 0.82)
    draw.rectangle([0, base, w, h], fill=_mix(OCHRE, INK, 0.15))
    tallest = 0
    for i in range(6):
        cx = int(w * 0.16) + i * 250
        count = (4 + i * 3) if variant == "rising" else rng.randint(4, 18)
        tallest = max(tallest, count)
        for k in range(count):
            y = base - k * 34
            draw.ellipse(
                [cx - 100, y - 30, cx + 100, y + 16],
                fill=SAND,
                outline=_mix(OCHRE, INK, 0.4),
                width=4,
            )
    top = base - tallest * 34 - 40
    return (int(w * 0.1), top, int(w * 0.8), base - top)


def globe(draw, rng, w, h, variant) -> Box:
    _gradient(draw, (0, 0, w, h), NIGHT, SLATE)
    cx, cy, r = w // 2, h // 2, int(h * 0.38)
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=TEAL)
    for _ in range(14):
        angle = rng.uniform(0, 2 * math.pi)
        d = rng.uniform(0, r * 0.7)
        x, y = cx + math.cos(angle) * d, cy + math.sin(angle) * d
        rx, ry = rng.randint(50, 160), rng.randint(30, 100)
        draw.ellipse([x - rx, y - ry, x + rx, y + ry], fill=_mix(GREEN, SAND, 0.5))
    for k in range(1, 4):
        draw.ellipse([cx - r * k / 4, cy - r, cx + r * k / 4, cy + r], outline=PALE, width=3)
    for k in (-2, -1, 0, 1, 2):
        y = cy + k * r / 3
        half = math.sqrt(max(r * r - (y - cy) ** 2, 0))
        draw.line([(cx - half, y), (cx + half, y)], fill=PALE, width=3)
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=PALE, width=6)
    if variant == "links":
        ends = [
            (cx - r * 0.5, cy - r * 0.2),
            (cx + r * 0.45, cy - r * 0.35),
            (cx + r * 0.1, cy + r * 0.45),
            (cx - r * 0.35, cy + r * 0.3),
        ]
        for a in ends:
            for b in ends:
                if a < b:
                    mid = ((a[0] + b[0]) / 2, min(a[1], b[1]) - 90)
                    draw.line([a, mid, b], fill=RED, width=8, joint="curve")
        for x, y in ends:
            draw.ellipse([x - 18, y - 18, x + 18, y + 18], fill=SAND, outline=INK, width=4)
    return (cx - r, cy - r, 2 * r, 2 * r)


MOTIFS: dict[str, Callable[..., Box]] = {
    "skyline": skyline,
    "pipeline": pipeline,
    "port": port,
    "river": river,
    "night": night,
    "chart": chart,
    "ballot": ballot,
    "tram": tram,
    "building": building,
    "underground": underground,
    "stage": stage,
    "weather": weather,
    "lab": lab,
    "fields": fields,
    "map": valley_map,
    "coins": coins,
    "globe": globe,
}


def picture_draw(
    *, name: str, motif: str, variant: str = "", width: int = WIDTH, height: int = HEIGHT
) -> Picture:
    """Draw the picture `name` with `motif` (and its `variant`), seeded by the name; return it.

    Raises KeyError for an unknown motif. The seed comes from the name, so the same picture is
    drawn identically on every run and every machine with the same Pillow.
    """
    draw_motif = MOTIFS[motif]
    rng = random.Random(zlib.crc32(f"{name}:{motif}:{variant}".encode()))  # noqa: S311 (repeatable demo art, not a secret)
    image = Image.new("RGB", (width, height), PAPER)
    x, y, w, h = draw_motif(ImageDraw.Draw(image), rng, width, height, variant)
    x, y = max(0, min(int(x), width - 1)), max(0, min(int(y), height - 1))
    focal = (x, y, max(1, min(int(w), width - x)), max(1, min(int(h), height - y)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return Picture(data=out.getvalue(), width=width, height=height, focal=focal)


def logo_draw(*, name: str, width: int = 600, height: int = 60) -> bytes:
    """Return the publisher logo as a PNG: the site's name in white on the Courier's red.

    A raster logo (Google asks for one in NewsArticle structured data), drawn with Pillow's
    built-in font, so the project ships no image it did not make.
    """
    image = Image.new("RGB", (width, height), RED)
    draw = ImageDraw.Draw(image)
    size = height - 20
    font = _font(size)
    while size > 12 and draw.textlength(name, font=font) > width - 40:
        size -= 2
        font = _font(size)
    left, top, right, bottom = draw.textbbox((0, 0), name, font=font)
    draw.text(
        ((width - (right - left)) / 2 - left, (height - (bottom - top)) / 2 - top),
        name,
        fill=WHITE,
        font=font,
    )
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()

#!/usr/bin/env python3
"""Says what each tile of a received video composite shows.

Usage: composite_tiles.py FILE.png COLUMNS ROWS [--words]
Prints one JSON object: {"width": w, "height": h, "tiles": ["bars" | "off" | "empty" | "other", ...]}
for a COLUMNS x ROWS grid, row by row (with --words: "bars bars off empty @ 1280x720"):
  bars  - baresip's fakevideo picture (red, green, blue thirds, left to right);
  off   - the compositor's "video off" fill (a participant without pictures: audio only, video off/forbidden);
  empty - the black background of an unused slot.
The PNG (baresip's snapshot module) is turned into RGB by ffmpeg, so no Python packages are needed.
"""
import json
import struct
import subprocess
import sys

BARS = [(235, 16, 16), (16, 233, 16), (16, 16, 235)]
OFF = (42, 47, 61)     # YUV (48, 136, 124) as baresip converts it
EMPTY = (16, 16, 16)   # YUV black


def size(path):
    with open(path, "rb") as f:
        header = f.read(24)
    if header[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path}: not a PNG")
    return struct.unpack(">II", header[16:24])


def close(a, b, tolerance):
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


def main():
    path, columns, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    width, height = size(path)
    rgb = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         check=True, capture_output=True).stdout

    def pixel(x, y):
        i = (int(y) * width + int(x)) * 3
        return tuple(rgb[i:i + 3])

    tiles = []
    tw, th = width / columns, height / rows
    for r in range(rows):
        for c in range(columns):
            x0, y0 = c * tw, r * th
            # Away from borders, labels and the centred name.
            bars = [pixel(x0 + tw * f, y0 + th * 0.3) for f in (1 / 6, 3 / 6, 5 / 6)]
            corners = [pixel(x0 + tw * 0.2, y0 + th * 0.2), pixel(x0 + tw * 0.8, y0 + th * 0.8)]
            if all(close(p, want, 60) for p, want in zip(bars, BARS)):
                tiles.append("bars")
            elif all(close(p, OFF, 16) for p in corners):
                tiles.append("off")
            elif all(close(p, EMPTY, 16) for p in corners):
                tiles.append("empty")
            else:
                tiles.append("other")
    if "--words" in sys.argv[4:]:
        print(" ".join(tiles), "@", f"{width}x{height}")
    else:
        print(json.dumps({"width": width, "height": height, "tiles": tiles}))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Small checks on recordings fetched through the platform, with no extra Python packages.

  media_checks.py probe FILE                 -> JSON: {"duration": s, "streams": [{"codec": .., "type": .., "width": .., "height": ..}]}
  media_checks.py tones FILE FREQ...         -> JSON: {"FREQ": dBFS over the whole file, ..., "rms": dBFS}
  media_checks.py frame FILE SECONDS OUT.png -> writes one decoded video frame as PNG
  media_checks.py raw FOLDER                 -> JSON: {"files": n, "bytes": n, "signatures": [...], "entropy": bits/byte}
                                                 over every file under FOLDER (Azurite's stored blob data)
"""
import json
import math
import os
import struct
import subprocess
import sys


def probe(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration:stream=codec_name,codec_type,width,height",
                          "-of", "json", path], capture_output=True, text=True, check=True).stdout
    data = json.loads(out)
    streams = [{"codec": s.get("codec_name"), "type": s.get("codec_type"), "width": s.get("width"), "height": s.get("height")}
               for s in data.get("streams", [])]
    return {"duration": float(data.get("format", {}).get("duration", 0) or 0), "streams": streams}


def pcm(path, rate=16000):
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-vn", "-ac", "1", "-ar", str(rate), "-f", "s16le", "-"],
                         capture_output=True, check=True).stdout
    return struct.unpack("<%dh" % (len(raw) // 2), raw)


def goertzel_dbfs(samples, rate, freq):
    n = len(samples)
    if n == 0:
        return -120.0
    coeff = 2.0 * math.cos(2.0 * math.pi * freq / rate)
    s1 = s2 = 0.0
    for x in samples:
        s0 = x / 32768.0 + coeff * s1 - s2
        s2, s1 = s1, s0
    power = s1 * s1 + s2 * s2 - coeff * s1 * s2
    amplitude = 2.0 * math.sqrt(max(power, 0.0)) / n
    return 20.0 * math.log10(max(amplitude, 1e-6))


def tones(path, freqs):
    rate = 8000
    samples = pcm(path, rate)
    # The loudest one-second window for each tone: a talker may be heard only part of the time.
    result = {}
    for f in freqs:
        best = -120.0
        for start in range(0, max(1, len(samples) - rate + 1), rate // 2):
            best = max(best, goertzel_dbfs(samples[start:start + rate], rate, float(f)))
        result[str(f)] = round(best, 1)
    rms = math.sqrt(sum(x * x for x in samples) / max(1, len(samples))) / 32768.0
    result["rms"] = round(20.0 * math.log10(max(rms, 1e-6)), 1)
    return result


def frame(path, seconds, out):
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-ss", str(seconds), "-i", path, "-frames:v", "1", out], check=True)
    return {"png": out}


SIGNATURES = {"ogg": b"OggS", "webm": b"\x1a\x45\xdf\xa3", "mp4": b"ftyp", "opus": b"OpusHead"}


def raw(folder):
    counts = [0] * 256
    total = files = 0
    found = set()
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            # Azurite's own metadata (LokiJS databases, logs) is not blob data.
            if "__blobstorage__" not in path:
                continue
            data = open(path, "rb").read()
            files += 1
            total += len(data)
            for key, sig in SIGNATURES.items():
                if sig in data:
                    found.add(key)
            for b in data:
                counts[b] += 1
    entropy = -sum(c / total * math.log2(c / total) for c in counts if c) if total else 0.0
    return {"files": files, "bytes": total, "signatures": sorted(found), "entropy": round(entropy, 3)}


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "probe":
        print(json.dumps(probe(args[0])))
    elif command == "tones":
        print(json.dumps(tones(args[0], args[1:])))
    elif command == "frame":
        print(json.dumps(frame(args[0], args[1], args[2])))
    elif command == "raw":
        print(json.dumps(raw(args[0])))
    else:
        raise SystemExit(__doc__)

#!/usr/bin/env python3
"""Measures how loud given sine tones are in a WAV recording, second by second.

Usage: tone_levels.py FILE.wav FREQ [FREQ...]
Prints one JSON object: {"seconds": n, "levels": {"440": [dBFS per 1 s window], ...}, "rms": [...]}.
A Goertzel filter per frequency and window; pure Python so it needs no extra packages.
"""
import json
import math
import struct
import sys
import wave


def read_mono(path):
    with wave.open(path, "rb") as w:
        rate, channels, width, n = w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes()
        if width != 2:
            raise SystemExit(f"{path}: only 16-bit PCM is supported")
        raw = w.readframes(n)
    samples = struct.unpack("<%dh" % (len(raw) // 2), raw)
    if channels > 1:
        samples = [sum(samples[i:i + channels]) / channels for i in range(0, len(samples), channels)]
    return rate, samples


def goertzel_dbfs(block, rate, freq):
    n = len(block)
    k = round(n * freq / rate)
    coeff = 2.0 * math.cos(2.0 * math.pi * k / n)
    s1 = s2 = 0.0
    for x in block:
        s0 = x + coeff * s1 - s2
        s2, s1 = s1, s0
    power = s1 * s1 + s2 * s2 - coeff * s1 * s2
    amplitude = 2.0 * math.sqrt(max(power, 0.0)) / n  # peak amplitude of that sine
    return 20.0 * math.log10(max(amplitude, 1e-3) / 32768.0)


def rms_dbfs(block):
    if not block:
        return -120.0
    rms = math.sqrt(sum(x * x for x in block) / len(block))
    return 20.0 * math.log10(max(rms, 1e-3) / 32768.0)


def main():
    path, freqs = sys.argv[1], [float(f) for f in sys.argv[2:]]
    rate, samples = read_mono(path)
    windows = [samples[i:i + rate] for i in range(0, len(samples) - rate + 1, rate)]
    out = {
        "seconds": len(windows),
        "rate": rate,
        "levels": {str(int(f)): [round(goertzel_dbfs(w, rate, f), 1) for w in windows] for f in freqs},
        "rms": [round(rms_dbfs(w), 1) for w in windows],
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()

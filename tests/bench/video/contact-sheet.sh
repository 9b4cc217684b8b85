#!/usr/bin/env bash
# Renders docs/layouts/contact-sheet.png and sample-composite.png from the layout catalogue (Sparkle.Video.Layouts).
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$root"
dotnet run --file tests/bench/video/contact-sheet.cs -- "$root/docs/layouts"

#!/usr/bin/env bash
# The README's main job on the shipped example: ingest a listing and a BibTeX file, disambiguate,
# look at the people named "Lei Wang", and audit the claimed profile. Writes only out/demo.db.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../out"
mkdir -p "$out"
db="$out/demo.db"
rm -f "$db" "$db-wal" "$db-shm"
set -x
byline ingest "$here/wang_lei_profile.txt" --owner "Lei Wang" --db "$db"
byline ingest "$here/more_papers.bib" --db "$db"
byline listings --db "$db"
byline disambiguate --db "$db"
byline people --name "Lei Wang" --db "$db"
byline audit "$here/wang_lei_profile.txt" --owner "Lei Wang" --db "$db"

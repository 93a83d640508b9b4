"""Loaded by the extraction pool's fork server only: what every worker needs, made once before
the fork, so each worker starts with it (shared copy-on-write) instead of loading its own.

Measured in scripts/bench_ingest.py: without it each new worker spent ~2.5 s decompressing
py3langid's model, ~1.5 s building justext's stop lists and ~1 s importing the describe job's
modules, the first time a page needed them (again after each recycling).
"""

from __future__ import annotations

import gc

from trafilatura.external import jt_stoplist_init

import news.stories.pagejob  # noqa: F401 - the page job the pipeline runs in the workers
from news.extract.language import _identifier, read_lexicon_words

__all__: list[str] = []

_identifier()
jt_stoplist_init()
for _name in ("stop-en", "stop-ur", "roman-ur"):
    read_lexicon_words(_name)
# What is loaded now stays: the collector never touches (and so never copies) these pages.
gc.collect()
gc.freeze()

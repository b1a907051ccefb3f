"""`subtitles check` sees what was wrong with subtitles timed by recognition on real speech (issue 13).

A Dutch narration from the speech set (espeak-ng voices with known line
starts) and a master nl.srt with the faults the issue measured on human
speech: a cue that starts 0.84 s before the voice, cues that run across the
pause between two script lines, a cue that ends mid-sentence and leaves a
one-word remnant, a line that starts with the last word of the sentence
above, a cue that stays on long after its voice. Each is one located
warning. (tests/test_alignment_accuracy.py shows that the subtitles
`transcribe --align-script` makes of such speech get none of them.)
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import srt

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.speech_set import SpeechSetUnavailable, make_speech_project  # noqa: E402

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (apt-get install espeak-ng)"),
]

TIMING_RULES = ("starts-before-voice", "spans-pause", "lingers", "mid-clause-break", "orphan-word")


@pytest.fixture(scope="module")
def dutch(tmp_path_factory):
    try:
        return make_speech_project(tmp_path_factory.mktemp("dutch-qc"), "nl", seed=0)
    except SpeechSetUnavailable as exc:
        pytest.skip(str(exc))


def check(project) -> list[str]:
    process = subprocess.run(
        [sys.executable, "-m", "pipeline", "subtitles", "check", "nl", "--storyboard", str(project.storyboard)],
        cwd=project.folder, capture_output=True, text=True, timeout=300, check=False,
    )
    assert "Traceback" not in process.stderr, process.stderr
    return [line for line in (process.stdout + process.stderr).splitlines() if line.startswith(("warning:", "error:"))]


def cue(start: float, end: float, text: str) -> srt.Subtitle:
    return srt.Subtitle(0, timedelta(seconds=start), timedelta(seconds=end), text)


def test_check_reports_each_fault_of_recognition_timing_on_its_cue(dutch):
    lines = dutch.lines
    faulty = [
        cue(lines[0].onset - 0.84, lines[0].onset + 2.0, "Een cue die te vroeg begint."),  # 0.84 s before the voice
        cue(lines[1].offset - 1.0, lines[2].onset + 1.0, "Het einde van een regel.\nHet begin van de volgende"),  # across the pause
        cue(lines[3].onset, lines[3].onset + 3.0, "We zullen deze blokjes wat efficiënter\nmoeten stapelen. Laten we eens goed"),
        cue(lines[3].onset + 3.08, lines[3].onset + 4.3, "nadenken."),  # a one-word remnant
        cue(lines[4].onset, lines[4].onset + 3.5, "Haal het laatste stuk er\nuit. Als je een stuk hebt opgelost"),  # orphan at a line start
        cue(lines[-1].offset - 1.0, lines[-1].offset + 2.5, "Een cue die blijft hangen."),  # 2.5 s after the last voice
    ]
    (dutch.folder / "subtitles").mkdir(exist_ok=True)
    text = srt.compose(faulty)
    (dutch.folder / "subtitles" / "nl.srt").write_text(text, encoding="utf-8")
    starts = [index for index, line in enumerate(text.splitlines(), start=1) if line.isdigit()]  # each cue's first line
    found = check(dutch)

    def on(rule_words: str, number: int) -> list[str]:
        return [line for line in found if f"nl.srt:{starts[number - 1]} " in line and rule_words in line]

    assert on("before the voice", 1), found
    early = float(re.search(r"starts (\d+\.\d+) s before the voice", on("before the voice", 1)[0])[1])
    assert early == pytest.approx(0.84, abs=0.05)  # as measured by the voice detector
    assert on("pause of", 2), found
    assert on("ends mid-clause", 3), found
    assert on("alone finishes the sentence", 4), found
    assert on("'uit.'", 5), found
    assert on("after the voice ends", 6), found

"""The release's licence and accessibility statement: the storyboard blocks, LICENSE.txt, the MP4 tags, the dist/ names."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.core.errors import StoryboardError
from pipeline.release.accessibility_statement import (
    COMPLIANCE,
    statement_from_storyboard,
)
from pipeline.release.inputs import DistLayout, LanguageInputs
from pipeline.release.licence import (
    Credit,
    Licence,
    licence_from_storyboard,
    licence_notice,
    mp4_metadata,
)
from pipeline.story.storyboard import OPEN_LICENCES, load_storyboard

REPO = Path(__file__).resolve().parent.parent

HEAD = """\
version: 1
project:
  title: Test
  fps: 25
  resolution: 160x90
  languages: [en]
"""
SCENES = """\
scenes:
  - id: intro
    shots:
      - id: card
        kind: title
        text: Hello
        duration: 2
"""
LICENCE = """\
license:
  id: CC-BY-SA-4.0
  holder: Example School
  year: 2017-2020
  credits:
    - asset: Ubuntu font family
      author: Dalton Maag Ltd
      licence: Ubuntu Font Licence 1.0
      url: https://ubuntu.com/legal/font-licence
"""
STATEMENT = """\
accessibility:
  organisation: Example School
  compliance: partially
  email: access@example.org
  non_accessible:
    - content: The textless master
      reason: No captions, by design.
  enforcement:
    - country: Norway
      body: Digdir (uutilsynet)
      url: https://www.uutilsynet.no/
      lang: nb
"""


def _problems(path: Path) -> list[str]:
    with pytest.raises(StoryboardError) as caught:
        load_storyboard(path)
    return [str(problem) for problem in caught.value.problems]


def test_blocks_load_and_convert(project):
    board = load_storyboard(project.storyboard(HEAD + LICENCE + STATEMENT + SCENES))
    licence = licence_from_storyboard(board.document.license)
    assert licence == Licence(
        "CC-BY-SA-4.0", "Creative Commons Attribution-ShareAlike 4.0 International", "https://creativecommons.org/licenses/by-sa/4.0/",
        "Example School", "2017-2020", (Credit("Ubuntu font family", "Dalton Maag Ltd", "Ubuntu Font Licence 1.0", "https://ubuntu.com/legal/font-licence"),),
    )
    statement = statement_from_storyboard(board.document.accessibility, "2026-01-15")
    assert (statement.organisation, statement.compliance_text, statement.email, statement.prepared) == (
        "Example School", "partially compliant", "access@example.org", "2026-01-15",
    )
    assert statement.enforcement[0].language == "nb" and statement.phone is None and "axe-core" in statement.method


def test_both_blocks_are_optional_and_the_licence_id_defaults_to_cc_by(project):
    board = load_storyboard(project.storyboard(HEAD + SCENES))
    assert board.document.license is None and board.document.accessibility is None
    board = load_storyboard(project.storyboard(HEAD + "license: {holder: X, year: 2020}\n" + SCENES))
    assert board.document.license.id == "CC-BY-4.0"


@pytest.mark.parametrize(
    "block, expected",
    [
        ("license: {id: CC-BY, holder: X, year: 2020}\n", ":7:15: license.id: 'CC-BY' is not an open licence this pipeline knows (did you mean 'CC-BY-4.0'?"),
        ("license: {id: MIT, holder: X, year: 2020}\n", "license.id: 'MIT' is not an open licence"),
        ("license: {holder: X, year: twenty}\n", "license.year: 'twenty' is not a year"),
        ("license: {holder: X, year: 2020, credits: [{asset: a, author: b, licence: c, url: ftp.example}]}\n", "license.credits[0].url: 'ftp.example' is not a web address"),
        ("license: {year: 2020}\n", "license.holder: 'holder' is required"),
        ("accessibility: {organisation: O, compliance: fully, email: nobody}\n", "accessibility.email: 'nobody' is not an e-mail address"),
        ("accessibility: {organisation: O, compliance: mostly, email: a@b.org}\n", "accessibility.compliance: 'mostly' is not allowed"),
        ("accessibility: {organisation: O, compliance: partially, email: a@b.org}\n", "must list the non_accessible content and why"),
        ("accessibility: {organisation: O, compliance: fully, email: a@b.org, enforcement: [{country: NO, body: B, url: uutilsynet}]}\n",
         "accessibility.enforcement[0].url: 'uutilsynet' is not a web address"),
    ],
    ids=["licence-typo", "licence-not-listed", "year", "credit-url", "holder", "email", "compliance", "reasons", "enforcement-url"],
)
def test_malformed_blocks_are_located(project, block, expected):
    found = _problems(project.storyboard(HEAD + block + SCENES))
    assert any(expected in line for line in found), found
    assert all(":7:" in line for line in found), found  # on the block's own line


def test_the_open_licences_are_data():
    assert set(OPEN_LICENCES) == {"CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0"}
    assert all(url.startswith("https://creativecommons.org/") and url.endswith("/") for _, url in OPEN_LICENCES.values())


def test_the_demo_storyboard_has_both_blocks():
    board = load_storyboard(REPO / "storyboards" / "community-co-op.yaml")
    licence = licence_from_storyboard(board.document.license)
    assert licence.spdx == "CC-BY-4.0" and len(licence.credits) >= 4
    assert {"Dalton Maag Ltd for Canonical Ltd", "Natural Earth", "Eurostat, European Union"} <= {c.author for c in licence.credits}
    statement = statement_from_storyboard(board.document.accessibility, "2026-01-15")
    assert statement.compliance in COMPLIANCE and statement.email.endswith("@example.org")
    assert [body.country for body in statement.enforcement] == ["Norway", "Netherlands", "Latvia"]
    text = (REPO / "storyboards" / "community-co-op.yaml").read_text(encoding="utf-8")
    assert text.count("# placeholder") >= 4  # the contacts the producer must fill in are marked


def test_licence_notice_names_title_holder_licence_attribution_and_credits():
    licence = Licence(
        "CC-BY-4.0", OPEN_LICENCES["CC-BY-4.0"][0], OPEN_LICENCES["CC-BY-4.0"][1], "Example School", "2020",
        (Credit("DejaVu Sans", "DejaVu fonts team", "Bitstream Vera licence", "https://dejavu-fonts.github.io/"), Credit("Map", "Natural Earth", "public domain", None)),
    )
    notice = licence_notice(licence, "Community Co-Op")
    assert notice.startswith("Community Co-Op\n===============\n")
    for part in ("Copyright (c) 2020 Example School", "Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/",
                 "How to attribute", "\u201cCommunity Co-Op\u201d by Example School, CC-BY-4.0", "* DejaVu Sans", "by DejaVu fonts team",
                 "licence: Bitstream Vera licence", "https://dejavu-fonts.github.io/", "* Map", "licence notice version 1"):
        assert part in notice, part
    assert "Legal Code" not in notice and len(notice) < 3000  # a notice, not the legal code


def test_cc0_notice_waives_rather_than_claims():
    licence = Licence("CC0-1.0", *OPEN_LICENCES["CC0-1.0"], "Example School", "2020")
    notice = licence_notice(licence, "Film")
    assert "public domain" in notice and "Copyright (c)" not in notice and "Third-party" not in notice


def test_mp4_metadata():
    licence = Licence("CC-BY-4.0", *OPEN_LICENCES["CC-BY-4.0"], "Example School", "2020")
    assert mp4_metadata(licence) == {
        "copyright": "Copyright (c) 2020 Example School",
        "license": "CC-BY-4.0 https://creativecommons.org/licenses/by/4.0/",
        "comment": "Released under Creative Commons Attribution 4.0 International (https://creativecommons.org/licenses/by/4.0/); third-party credits in LICENSE.txt",
    }


def test_dist_layout_names_the_new_files():
    layout = DistLayout("film")
    assert (layout.captions_srt("en"), layout.captions_vtt("en"), layout.descriptions_vtt("nb"), layout.described("en")) == (
        "film_en_captions.srt", "film_en_captions.vtt", "film_nb_descriptions.vtt", "film_en_described.mp4",
    )
    assert (layout.transcript_html("lv"), layout.transcript_txt("lv"), layout.licence, layout.broadcast, layout.results_bundle) == (
        "film_lv_transcript.html", "film_lv_transcript.txt", "LICENSE.txt", "film_broadcast.mp4", "film_results.zip",
    )
    plain = {"video": "film_en.mp4", "poster": "film_en.jpg", "srt": "film_en.srt", "vtt": "film_en.vtt"}
    assert layout.language_files("en") == plain
    entry = LanguageInputs("en", Path("r.mp4"), Path("s.srt"), Path("s.vtt"), 0, captions_vtt=Path("c.vtt"), transcript_txt=Path("t.txt"))
    assert layout.language_files("en", entry) == {**plain, "captions_vtt": "film_en_captions.vtt", "transcript_txt": "film_en_transcript.txt"}

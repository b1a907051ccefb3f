"""What a release with captions, audio description and a licence holds, read back from the files themselves:
the tags in every MP4, the tracks of the multi-language file, LICENSE.txt and the results bundle."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

import av
import pytest

from pipeline.release.inputs import DistLayout
from pipeline.release.publish import make_release
from test_page_accessibility import AWKWARD_FOLDER, _full_project

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bundled(tmp_path_factory, make_media):
    root = tmp_path_factory.mktemp("bundled") / AWKWARD_FOLDER
    inputs = replace(_full_project(root, make_media), results_bundle=True)
    return inputs, make_release(inputs, root / "dist")


def _tags(path: Path) -> dict[str, str]:
    with av.open(str(path)) as container:
        return dict(container.metadata)


def test_every_released_mp4_names_its_licence_and_holder(bundled):
    inputs, dist = bundled
    videos = sorted(dist.glob("*.mp4"))
    assert len(videos) >= 4 + 1 + 1 + 1  # four languages, the multi-language file, the described one, the textless master
    for video in videos:
        tags = _tags(video)
        assert tags.get("copyright") == inputs.licence.copyright_line, (video.name, tags)
        assert tags.get("license") == f"{inputs.licence.spdx} {inputs.licence.url}", (video.name, tags)


def test_the_multi_language_file_carries_captions_and_the_described_sound_marked_for_players(bundled):
    inputs, dist = bundled
    with av.open(str(dist / DistLayout(inputs.name).multi)) as container:
        subtitles = [(s.metadata.get("language"), bool(s.disposition & av.stream.Disposition.hearing_impaired)) for s in container.streams.subtitles]
        audio = [(s.metadata.get("language"), bool(s.disposition & av.stream.Disposition.visual_impaired)) for s in container.streams.audio]
        captions = [packet for packet in container.demux(container.streams.subtitles[0]) if packet.size]
    assert subtitles[0] == ("eng", True) and all(not impaired for _, impaired in subtitles[1:])
    assert audio == [("und", False), ("eng", True)] or audio == [(None, False), ("eng", True)], audio
    # The English track is the captions file: its sound label is in the text players show.
    assert any(b"[soft music]" in bytes(packet) for packet in captions)


def test_the_licence_file_credits_every_third_party_asset(bundled):
    inputs, dist = bundled
    notice = (dist / "LICENSE.txt").read_text(encoding="utf-8")
    assert inputs.licence.name in notice and inputs.licence.url in notice and inputs.licence.holder in notice
    for credit in inputs.licence.credits:
        assert credit.asset in notice and credit.author in notice and credit.licence in notice


def test_the_results_bundle_holds_the_videos_texts_description_and_licence_byte_for_byte(bundled):
    inputs, dist = bundled
    layout = DistLayout(inputs.name)
    with zipfile.ZipFile(dist / layout.results_bundle) as archive:
        names = archive.namelist()
        assert archive.testzip() is None
        description = archive.read("description.txt").decode("utf-8")
        for name in names[1:]:
            assert archive.read(name) == (dist / name).read_bytes(), name
    for entry in inputs.languages:
        assert {layout.render(entry.code), layout.srt(entry.code), layout.transcript_html(entry.code)} <= set(names)
    assert {layout.multi, layout.licence, layout.described("en"), layout.captions_vtt("en")} <= set(names)
    assert inputs.description in description and inputs.licence.name in description and inputs.funding_statement in description

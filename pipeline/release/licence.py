"""The open licence the video is released under: the dist/ licence notice (LICENSE.txt) and the MP4 tags.

The notice is what a re-user needs to attribute the work and its parts: the
title, who holds the copyright and since when, the licence by name and URL,
how to attribute, and every third-party asset with its author, licence and
URL. It is not the legal code: the licence's URL is where that lives.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.story.storyboard import OPEN_LICENCES, LicenceBlock

NOTICE_VERSION = 1  # the notice's layout; written into LICENSE.txt's last line


@dataclass(frozen=True)
class Credit:
    """One third-party asset the video uses (a font, a voice, a data set, the music)."""

    asset: str  # what it is, e.g. "Ubuntu font family"
    author: str  # who made it, as they ask to be named
    licence: str  # its licence by name or SPDX id, e.g. "Ubuntu Font Licence 1.0"
    url: str | None = None  # where it and its licence are published


@dataclass(frozen=True)
class Licence:
    """The video's own licence: an open licence by SPDX id, its name and URL, and who holds the copyright."""

    spdx: str  # "CC-BY-4.0"
    name: str  # "Creative Commons Attribution 4.0 International"
    url: str  # "https://creativecommons.org/licenses/by/4.0/"
    holder: str  # the copyright holder, e.g. the coordinating organisation
    year: str  # "2026", or a range "2019-2020"
    credits: tuple[Credit, ...] = ()

    @property
    def copyright_line(self) -> str:
        return f"Copyright (c) {self.year} {self.holder}" if self.spdx != "CC0-1.0" else f"{self.year} {self.holder}: no rights reserved"

    def attribution(self, title: str) -> str:
        """The attribution a re-user copies (title, author, source, licence: the TASL habit)."""
        return f"\u201c{title}\u201d by {self.holder}, {self.spdx} ({self.url})"


def licence_notice(licence: Licence, title: str) -> str:
    """LICENSE.txt: the title, holder and year, the licence by name and URL, how to attribute, the third-party credits."""
    lines = [title, "=" * min(len(title), 72), ""]
    if licence.spdx == "CC0-1.0":
        lines += [
            f"{licence.holder} ({licence.year}) dedicates this video to the public domain under",
            f"{licence.name} ({licence.spdx}):",
            licence.url,
            "",
            "You may copy, modify and share it, even commercially, without asking.",
            "Naming the source is welcome, though not required:",
        ]
    else:
        lines += [
            licence.copyright_line,
            "",
            f"This video is released under the {licence.name} licence ({licence.spdx}):",
            licence.url,
            "",
            "You may copy, share and adapt it for any purpose, even commercially,",
            "as long as you give appropriate credit, link to the licence and say",
        ]
        if licence.spdx == "CC-BY-SA-4.0":
            lines += ["whether you made changes; adaptations must be shared under the same licence."]
        else:
            lines += ["whether you made changes."]
        lines += ["", "How to attribute it, for example:"]
    lines += ["", f"    {licence.attribution(title)}", ""]
    lines += [
        "The full legal code is at the licence's URL above; this notice is a summary.",
        "",
    ]
    if licence.credits:
        lines += ["Third-party material", "--------------------", "",
                  "These parts are used under their own licences, which continue to apply:", ""]
        for credit in licence.credits:
            lines.append(f"* {credit.asset}")
            lines.append(f"  by {credit.author}")
            lines.append(f"  licence: {credit.licence}")
            if credit.url:
                lines.append(f"  {credit.url}")
            lines.append("")
    lines.append(f"(licence notice version {NOTICE_VERSION}, written by pact-video)")
    return "\n".join(lines) + "\n"


def mp4_metadata(licence: Licence) -> dict[str, str]:
    """The tags written into each released MP4 (ffmpeg `-metadata key=value`): copyright, license, comment."""
    return {
        "copyright": licence.copyright_line,
        "license": f"{licence.spdx} {licence.url}",
        "comment": f"Released under {licence.name} ({licence.url}); third-party credits in LICENSE.txt",
    }


def licence_from_storyboard(block: LicenceBlock) -> Licence:
    """The storyboard's `license:` block (already checked against OPEN_LICENCES) as the release's Licence."""
    name, url = OPEN_LICENCES[block.id]
    credits = tuple(Credit(c.asset, c.author, c.licence, c.url) for c in block.credits)
    return Licence(block.id, name, url, block.holder, str(block.year), credits)

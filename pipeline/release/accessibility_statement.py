"""The accessibility statement published with the download page.

Its fields follow the EU model accessibility statement (Commission
Implementing Decision (EU) 2018/1523): who publishes the page, how far it
complies with EN 301 549 / WCAG 2.1 AA, what is not accessible and why, how
and when the statement was prepared, where to send feedback, and the
enforcement procedure (the body a visitor may turn to if the answer does not
satisfy them).
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.story.storyboard import AccessibilityBlock

# Compliance status as the model statement words it (section "Compliance status").
COMPLIANCE = {
    "fully": "fully compliant",
    "partially": "partially compliant",
    "not": "not compliant",
}
STANDARD = "EN 301 549 V3.2.1 (WCAG 2.1 level AA)"
# What the pipeline does, said as it is: axe-core runs in the pipeline's test suite (on a release with every part
# the page can carry), not on each release a producer makes.
DEFAULT_METHOD = (
    "a self-assessment by the producer; the page's layout is checked by automated tests (axe-core, WCAG 2.0, 2.1 and "
    "2.2 A and AA rules, in headless Chromium) in the tool that makes it"
)


@dataclass(frozen=True)
class NonAccessible:
    """One part of the content that is not accessible, and the reason (non-compliance, disproportionate burden, out of scope)."""

    content: str
    reason: str


@dataclass(frozen=True)
class EnforcementBody:
    """Where a visitor turns if the feedback is not answered satisfactorily, in one country."""

    country: str  # "Norway"
    body: str  # "Digdir, Tilsynet for universell utforming av ikt (uutilsynet)"
    url: str  # "https://www.uutilsynet.no/"
    language: str | None = None  # the language of the body's name, when not the page's ("nb")


@dataclass(frozen=True)
class AccessibilityStatement:
    organisation: str  # the public body (or partner) publishing the page
    compliance: str  # a key of COMPLIANCE: "fully", "partially" or "not"
    email: str  # the feedback contact (required)
    prepared: str  # the date the statement was prepared, ISO 8601 (e.g. the release date)
    non_accessible: tuple[NonAccessible, ...] = ()
    enforcement: tuple[EnforcementBody, ...] = ()
    phone: str | None = None
    address: str | None = None
    method: str = DEFAULT_METHOD
    reviewed: str | None = None  # the date it was last reviewed, ISO 8601; None: not yet
    standard: str = STANDARD

    @property
    def compliance_text(self) -> str:
        return COMPLIANCE[self.compliance]


def statement_from_storyboard(block: AccessibilityBlock, prepared: str) -> AccessibilityStatement:
    """The storyboard's `accessibility:` block as the release's statement; `prepared` (ISO date, e.g. the build date) unless it names one."""
    return AccessibilityStatement(
        organisation=block.organisation,
        compliance=block.compliance,
        email=block.email,
        prepared=block.prepared or prepared,
        non_accessible=tuple(NonAccessible(item.content, item.reason) for item in block.non_accessible),
        enforcement=tuple(EnforcementBody(item.country, item.body, item.url, item.lang) for item in block.enforcement),
        phone=block.phone,
        address=block.address,
        reviewed=block.reviewed,
    )

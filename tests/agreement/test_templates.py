import string

from ehdesk.casework.agreement_templates import (
    LIST_PLACEHOLDERS,
    PLACEHOLDERS,
    all_templates,
    latest_template,
)


def test_shipped_templates_cover_what_the_guidance_asks_and_use_only_known_fields():
    template = latest_template()
    assert template.version >= 1
    headings = " ".join(s.heading for s in template.sections).lower()
    for topic in (
        "your choice",
        "what your worker will do",
        "what your worker won't do",
        "short-term",
        "not an emergency service",
        "we ask of you",
        "sharing",
        "records",
        "unhappy",
        "review",
    ):
        assert topic in headings
    for t in all_templates():
        texts = [t.title, t.intro, t.declaration]
        for s in t.sections:
            texts += [s.heading, *s.paragraphs, *s.bullets]
        used = {name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name}
        known = set(PLACEHOLDERS) | {p.strip("{}") for p in LIST_PLACEHOLDERS}
        assert used <= known, used - known

"""Human renderings of an Answer: terminal text and Markdown for export."""

from __future__ import annotations

import textwrap

from clausetrace.answer.models import CANNOT_ANSWER, Answer, Citation, Duty
from clausetrace.index.lookup import page_label

EXCERPT_CHARS = 4000  # a longer clause (the condition 1 glossary) is shown by the sentences quoted


def pages(citation: Citation) -> str:
    """'p. 447', 'pp. 446-453' or 'page unknown'."""
    return page_label(citation.page_start, citation.page_end)


def citation_line(c: Citation) -> str:
    """'[1] ESL 39.1 — title, version 2025-08-01, pp. 446-453'."""
    flag = " (secondary)" if c.secondary else ""
    return f"[{c.n}] {c.anchor}{flag} — {c.title}, version {c.version}, {pages(c)}"


def duty_line(d: Duty) -> str:
    """'DCC — shall: publish the browsers ... (SEC-N 1.1) [2]'; secondary duties name what they quote."""
    source = f"{d.quoted_from}, as quoted in {d.anchor}" if d.quoted_from else d.anchor
    flag = "secondary: " if d.secondary else ""
    return f"{d.party} — {d.modality}: {d.action} ({flag}{source}) [{d.citation}]"


def excerpt(citation: Citation, answer: Answer, limit: int = EXCERPT_CHARS) -> str:
    """A citation's clause text, or for a clause longer than ``limit`` (the condition 1 glossary) the
    sentences the answer quotes from it, with a pointer to the whole text."""
    if len(citation.text) <= limit:
        return citation.text
    spans = sorted(
        (s.start - citation.start, s.end - citation.start)
        for s in answer.sentences
        if citation.n in s.citations and citation.start <= s.start < s.end <= citation.end
    )
    parts = [citation.text[a:b] for a, b in spans] or [citation.text[:limit]]
    whole = f"({len(citation.text):,} characters in all: clausetrace show '{citation.anchor}')"
    return "… " + " … ".join(dict.fromkeys(parts)) + f" … {whole}"


def answer_text(answer: Answer, width: int = 100) -> str:
    """The answer, then numbered citations with their clause text."""
    understood = [f"Understood: {answer.understood}", ""] if answer.understood else []
    if answer.refused:
        lines = [*understood, f"{CANNOT_ANSWER} {answer.reason}."]
        if answer.possibly_related:
            lines += ["", "Possibly related:"] + [citation_line(c) for c in answer.possibly_related]
        return "\n".join(lines)
    lines = understood + ([f"Who: {', '.join(answer.parties)}", ""] if answer.parties else [])
    if answer.duties:
        lines += ["Who owes what:", *[f"  {duty_line(d)}" for d in answer.duties], ""]
    for s in answer.sentences:
        cites = "".join(f"[{n}]" for n in s.citations)
        lines.append(textwrap.fill(f"{s.text} {cites}", width))
    lines += ["", "Citations:"]
    for c in answer.citations:
        lines += [citation_line(c), textwrap.indent(textwrap.fill(excerpt(c, answer), width - 4), "    "), ""]
    if answer.cross_references:
        lines.append("Cross-references:")
        for r in answer.cross_references:
            where = "in corpus" if r.in_corpus else "not in corpus"
            lines.append(f"  {r.from_anchor} -> {r.target} ({r.relation}; {where})")
    lines += [f"Note: {n}" for n in answer.notes]
    return "\n".join(lines).rstrip()


def answer_markdown(answer: Answer) -> str:
    """Markdown of the answer with its citations, for pasting into drafts."""
    out = [f"**Question:** {answer.question}", ""]
    if answer.refused:
        out.append(f"_{CANNOT_ANSWER} {answer.reason}._")
        return "\n".join(out)
    if answer.parties:
        out += [f"**Who:** {', '.join(answer.parties)}", ""]
    if answer.duties:
        out += ["**Who owes what**", "", *[f"- {duty_line(d)}" for d in answer.duties], ""]
    out += [f"- {s.text} " + "".join(f"[{n}]" for n in s.citations) for s in answer.sentences]
    out += ["", "**Citations**", ""]
    for c in answer.citations:
        link = f" <{c.url}>" if c.url else ""
        out.append(f"{c.n}. **{c.anchor}** — {c.title}, version {c.version}, {pages(c)}{link}")
        out.append(f"   > {excerpt(c, answer)}")
    out += ["", *[f"_Note: {n}_" for n in answer.notes]]
    return "\n".join(out).rstrip() + "\n"

"""The grammar of cross-references: named regex pieces composed into finders (eyecite style).

:mod:`clausetrace.trace.references` runs the finders in priority order and reads relations.
"""

from __future__ import annotations

import re

NUM = r"[A-Z]?\d+[A-Z]?\.\s?\d+[A-Z]?"  # 39.1, 39A.5, 44A.3A, E1.12; '49. 19' is a PDF split
SUB = r"\((?:[a-z]|[ivx]{2,5}|[A-Z])\)"  # (a), (iv), (A)
SUBS = rf"(?:\s?{SUB})+(?:\s*(?:&|and|or|,)\s*{SUB})*"
ITEM = rf"{NUM}(?:{SUBS})?"
SEP = rf"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|to)\s+|\s*[–-]\s*|\s*&\s*|\.\s(?={NUM}\s*(?:,|and|or)))"
LIST = rf"{ITEM}(?:{SEP}{ITEM})*"
TITLE = r"\((?:[^()]|\([^()]*\))*\)"  # '(Matters relating to ...)', one nesting level
LICENCE_NAME = r"(?:[A-Z][A-Za-z]*\s+){1,4}Licence"
COND = r"[A-Z]?\d+[A-Z]?(?:\.\d+[A-Z]?)?"
QUALIFIER = (
    rf"\s+of\s+(?:Part\s+[A-Z]\d?\s+of\s+)?(?:standard\s+)?[Cc]ondition\s+{COND}"
    rf"(?:\s*{TITLE})?(?:\s+of\s+the\s+(?P<licence>{LICENCE_NAME}))?"
)
SEC_ID = r"[A-Z]\d*(?:\.\d+)*\b"  # F, F4, F4.3, Z
SEC_ID_NUMBERED = r"[A-Z]\d+(?:\.\d+)*\b"
SPEC_SECTION = r"\d+(?:\.\d+)*"

PARAGRAPH_RE = re.compile(
    rf"(?:\b(?:[Ss]ub-?)?[Pp]aragrap\s?hs?\s+(?:paragraphs?\s+)?|\bSLC\s+|(?<=in accordance with )"
    rf"(?={NUM}\s?\()|(?<=\band )(?={NUM}\s?\())(?P<list>{LIST})(?P<qual>{QUALIFIER})?"
)
LICENCE_CONDITION_RE = re.compile(rf"\b(?P<dcc>DCC\s+)?Licence\s+Condition\s+(?P<list>{LIST})")
CONDITION_RE = re.compile(
    rf"\b(?:[Ss]tandard\s+)?[Cc]ondition\s+(?P<num>{COND})(?!\.\s?\d)(?:\s*{TITLE})?"
    rf"(?:\s+of\s+the\s+(?P<licence>{LICENCE_NAME}))?"
)
PART_RE = re.compile(
    r"\bParts?\s+(?P<list>[A-Z]\d?(?:\s*(?:,|and)\s*(?:Part\s+)?[A-Z]\d?\b)*)"
    r"(?![\w–-]|\s*[-–:]\s|\s+\d+[A-Z]?\.\d)"  # not a heading: 'Part A: ...', 'Part B - DUTY'
    r"(?P<this>\s+of\s+this\s+[Cc]ondition)?"
)
PART_LEAD_RE = re.compile(r"\b(?:of|at|with|to|in|under|this|and|the)\s+$")
SEC_SECTION_RE = re.compile(
    rf"(?:\bSEC\s+Sections?\s+(?P<a>{SEC_ID}(?:\s*(?:–|-|to|and|,)\s*{SEC_ID_NUMBERED})*)"
    rf"|\bSections?\s+(?P<b>{SEC_ID})\s+of\s+the\s+(?:Smart\s+Energy\s+Code|SEC)\b)"
)
ACT_RE = re.compile(
    r"\b(?:[Ss]ections?\s+(?P<sec>\d+[A-Z]?(?:\(\w+\))*(?:\s+or\s+\d+[A-Z]?(?:\(\w+\))*)?)\s+"
    r"of\s+)?the\s+(?P<act>(?:[A-Z][a-z]+\s+){1,4}Act\s+\d{4})"
)
# The SEC appendices (M, N, P) refer to the main body ('Section L4.5 of the Code', 'in accordance
# with L11.6', 'Sections L11.5 - L11.7 of the SEC'), to its appendices ('Appendix B of the Code', 'SEC
# Appendix M'), to themselves ('Appendix F of this document', 'section 2.3.1.9d) of this document')
# and to one another by name ('the SMKI Interface Design Specification').
SEC_MAIN_ID = r"[A-Z]\d{1,2}(?:\.\d+)*"
THE_CODE = r"(?:the\s+(?:Code|SEC|Smart\s+Energy\s+Code))"
SEC_MAIN_RE = re.compile(
    rf"\b(?:SEC\s+)?Sections?\s+(?P<a>{SEC_MAIN_ID})(?:\s*(?:–|-|to|and)\s*(?P<b>{SEC_MAIN_ID}))?\b"
    rf"(?:\s+of\s+{THE_CODE})?"
    rf"|\b(?P<c>{SEC_MAIN_ID}\.\d+)\s+of\s+{THE_CODE}|(?<=accordance with )(?P<d>[A-Z]\d{{1,2}}\.\d+)\b"
)
SEC_APPENDIX_REF_RE = re.compile(
    rf"\b(?:SEC\s+Appendix\s+(?P<sec>[A-Z])|Appendix\s+(?P<code>[A-Z])\s+(?:of|to)\s+{THE_CODE}"
    r"|Appendix\s+(?P<own>[A-Z])(?:\s+(?:of|to)\s+this\s+document)?)\b"
)
OWN_SECTION_RE = re.compile(
    r"\b[Ss]ections?\s+(?P<num>\d+(?:\.\d+)*)(?P<sub>[a-z]\))?(?:\s+to\s+(?P<to>\d+(?:\.\d+)*))?"
    r"\s+of\s+this\s+document"
)
SEC_APPENDIX_NAMES = {  # longest first: 'SMKI Repository Code of Connection' is not N
    "SMKI Repository Code of Connection": "SEC-P",
    "SMKI Code of Connection": "SEC-N",
    "SMKI Interface Design Specification": "SEC-M",
}
SEC_APPENDIX_NAME_RE = re.compile(
    r"(?<!Repository )\b(?P<name>" + "|".join(map(re.escape, SEC_APPENDIX_NAMES)) + r")\b"
)
SPEC_SECTION_RE = re.compile(
    rf"\b(?P<this>this\s+)?Sections?\s+(?P<num>{SPEC_SECTION})\b\**(?:\s+(?:of|in)\s+(?:the\s+)?"
    r"(?P<of>GBCS|SMETS|CHTS|this\s+document|this\s+guidance(?:\s+note)?))?"
)
SPEC_NAME_RE = re.compile(
    r"\b(?:(?P<part>ESME|GSME|IHD|PPMID|HCALCS|SAPC|CAD|CH)\s?Technical\s+Specifications?"
    r"|(?P<smets>Smart\s+Metering\s+Equipment\s+Technical\s+Specifications?)"
    r"|(?P<chts>Communications\s+Hub\s+Technical\s+Specifications?)"
    r"|(?P<gbcs>(?:GB|Great\s+Britain)\s+Companion\s+Specification))"
)
CODE_RE = re.compile(
    r"\b(?P<code>Smart\s+Energy\s+Code|Retail\s+Energy\s+Code|Balancing\s+and\s+Settlement\s+Code"
    r"|Uniform\s+Network\s+Code)\b"
)
ACRONYM_RE = re.compile(
    r"\b(?P<acr>SMETS|CHTS|GBCS|SEC)\b(?![\d+]|\s+(?:Part(?:y|ies)|Panel|Designated|Modification"
    r"|Schedules?|Sub-Committee))"
)
SUBJECT_TO_RE = re.compile(
    r"(?:\bsubject\s+to|\bexcept\s+in\s+the\s+circumstances\s+(?:described|set\s+out)\s+in)"
    r"\s+(?:the\s+provisions\s+of\s+)?$",
    re.IGNORECASE,
)
NOT_APPLY_RE = re.compile(r"^\s*(?:does|do|shall|will)\s+not\s+(?:apply|have\s+effect)")
COMPLY_RE = re.compile(
    r"(?:\bcompl(?:y|ies|ying|iance)\s+with|\bsatisf(?:y|ies|ying)\s+the\s+requirements"
    r"|\bmeets?\s+the\s+requirements|\b(?:be|become|remain)\s+(?:a\s+)?part(?:y|ies)\s+to"
    r"|\bCompatible\s+with)",
    re.IGNORECASE,
)
MODAL_RE = re.compile(r"\b(?:must|shall|requires?|required|obligations?\s+to|obliged|means)\b", re.IGNORECASE)
HEDGED_RE = re.compile(r"\b(?:may|might|could|otherwise|not)\s+(?:\w+\s+)?$", re.IGNORECASE)
CARVE_OUT_RE = re.compile(r"\b(?:other\s+than|except|excluding)\b", re.IGNORECASE)
SUBJECT_LEAD_RE = re.compile(
    r"\b(?:requirements?|obligations?|duty|duties)\s+(?:in|under|of|at)\s+$", re.IGNORECASE
)
SPEC_SUBJECT_RE = re.compile(r"^\s+(?:sets?\s+out|requires?|states?|includes?|specif(?:y|ies))")
SENTENCE_END_RE = re.compile(r"[.!?]\**\s+(?=[A-Z0-9*])|\n\s*\n")  # blank line: a heading
GAS_CONTEXT_RE = re.compile(r"\bGas\s+Suppl(?:y|ier)\s+Licence", re.IGNORECASE)
ELEC_CONTEXT_RE = re.compile(r"\bElectricity\s+Supply\s+Licence", re.IGNORECASE)
RANGE_PARTS_RE = re.compile(r"^(?P<major>.+?)\.(?P<minor>\d+)$")
RANGE_GAP_RE = re.compile(r"\s*(?:–|-|to)\s*")
CONTINUATION = rf"\s*(?:&|\band\b|\bor\b|,)\s*(?={SUB})"  # '(c) & (d)': a second sub-paragraph

LICENCE_PREFIXES = {
    "Electricity Supply Licence": "ESL",
    "Gas Supply Licence": "GSL",
    "DCC Licence": "DCCL",
}
CODE_PREFIXES = {
    "Smart Energy Code": "SEC",
    "Retail Energy Code": "REC",
    "Balancing and Settlement Code": "BSC",
    "Uniform Network Code": "UNC",
}
SPEC_PARTS = {"CH": "CHTS"}  # every other device specification is a part of SMETS
SPEC_INSTRUMENTS = ("SMETS", "CHTS", "GBCS", "SEC")
MAX_RANGE = 50
MAX_GAP = 80  # chars between "comply with" and the instrument it governs
CONTEXT_CHARS = 1500

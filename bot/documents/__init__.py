"""Letter documents, data in and bytes out: a DOCX to edit and a PDF to send. No Slack, no database.

The caller words everything (headings, labels, footer) in the letter's language; see
:class:`bot.documents.model.LetterDocument`.
"""

from bot.documents.docx import build_docx
from bot.documents.model import Columns, LetterDocument, Paragraph, Run, SignatorySection
from bot.documents.pdf import build_pdf, unprintable_characters
from bot.documents.text import parse_body

__all__ = [
    "Columns",
    "LetterDocument",
    "Paragraph",
    "Run",
    "SignatorySection",
    "build_docx",
    "build_pdf",
    "parse_body",
    "unprintable_characters",
]

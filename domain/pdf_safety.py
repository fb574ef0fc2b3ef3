"""Active content in an uploaded PDF: what a case file must not carry, found with pypdf.

A case file is opened later by other staff, in whatever PDF reader they have. So an outcome PDF is
refused (not silently rebuilt: the caseworker holds the original and can scan or print it again)
when it holds anything a reader could run or unpack:

- JavaScript anywhere (document-level names, actions, form fields, annotations);
- actions that start on their own (`/OpenAction`, `/AA` additional actions on the document, pages,
  fields or annotations) or that reach outside the file (Launch, SubmitForm, ImportData, GoToE,
  GoToR, rich media, renditions);
- embedded files (the `/EmbeddedFiles` name tree, file attachment annotations, `/EmbeddedFile` streams)
  and XFA forms (which carry their own scripts);
- a second format in the same bytes (a polyglot): anything but whitespace after the last `%%EOF`, or a
  zip archive (its end record is found from the end of the file, so a zip reader would open it).

The object graph is walked from the trailer, every dictionary and array once, without decoding a stream.
A plain page-number destination in `/OpenAction` (open at page 1) is allowed: it runs nothing.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

# Action types that run code or reach outside the document.
RISKY_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/GoToR", "/RichMediaExecute", "/Rendition"}
)
TRAILING_OK = b" \t\r\n\x00\x0c"
MAX_OBJECTS = 200_000  # a scanned outcome has hundreds; more than this is not a document but a puzzle

REASONS = {
    "javascript": "contains JavaScript",
    "action": "contains an action that runs when it is opened or reaches outside the file",
    "embedded": "has files embedded in it",
    "xfa": "is an XFA form, which can carry scripts",
    "polyglot": "has another kind of file hidden in it",
    "too_complex": "is too complex to check",
}


def second_format(data: bytes) -> bool:
    """True when the bytes are also another file: data after the last %%EOF, or a readable zip."""
    end = data.rfind(b"%%EOF")
    if end < 0 or data[end + 5 :].strip(TRAILING_OK):
        return True
    return zipfile.is_zipfile(io.BytesIO(data))


def _finding(node: DictionaryObject) -> str | None:
    keys = set(node.keys())
    if "/JS" in keys or "/JavaScript" in keys:
        return "javascript"
    action = node.get("/S")
    if action == "/JavaScript":
        return "javascript"
    if action in RISKY_ACTIONS:
        return "action"
    if "/AA" in keys:
        return "action"
    opening = node.get("/OpenAction")
    if opening is not None and isinstance(opening.get_object(), DictionaryObject):
        return "action"  # an array is a destination (open at a page); a dictionary is an action
    if "/EmbeddedFiles" in keys or node.get("/Type") == "/EmbeddedFile" or node.get("/Subtype") == "/FileAttachment":
        return "embedded"
    if "/XFA" in keys:
        return "xfa"
    if node.get("/Subtype") in ("/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"):
        return "action"
    return None


def active_content(reader: PdfReader) -> str | None:
    """The first kind of active content found in the document (a key of REASONS), or None."""
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    visited = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            ref = (item.idnum, item.generation)
            if ref in seen:
                continue
            seen.add(ref)
            item = item.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            return "too_complex"
        if isinstance(item, DictionaryObject):  # streams too: their dictionary, not their data
            found = _finding(item)
            if found:
                return found
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return None

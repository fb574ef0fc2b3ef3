"""The .docx package of a template, checked before any XML in it is parsed or any Jinja runs.

A template is copied into every letter made from it, so whatever it carries reaches every client:
- size: the file under 2 MB and unpacking to under 3 MB in all (a letter template unpacks to under
  300 KB; the cap refuses a zip bomb and a very large literal template before anything reads them),
  at most 200 parts, styles under 150 KB (big style sheets make every letter slow);
- macros: a `vbaProject.bin` or other VBA part, or a macro-enabled (.docm/.dotm) content type;
  ActiveX controls and embedded OLE objects are refused with them (they run code in Word);
- external entities (XXE) and entity expansion ("billion laughs"): every XML part is parsed with
  defusedxml with document type declarations forbidden, so any DTD is refused in plain words.
"""

from __future__ import annotations

import io
import zipfile

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

MAX_TEMPLATE_BYTES = 2_000_000
MAX_UNPACKED_BYTES = 3_000_000
MAX_PARTS = 200
MAX_STYLES_BYTES = 150_000
NOT_DOCX = "This is not a Word document (.docx). Save it from Word as 'Word Document (*.docx)'."
MACROS = (
    "It contains macros (Visual Basic code), which would be copied into every letter. Save it from Word as "
    "'Word Document (*.docx)', not 'Word Macro-Enabled Document (*.docm)', and upload it again."
)
ACTIVE = (
    "It contains ActiveX controls or embedded objects, which would be copied into every letter. Remove them "
    "in Word and upload it again."
)
DTD = (
    "Part {part} of the file declares its own entities (a document type declaration), which Word never "
    "writes and which can make a server read other files. Save it again from Word and upload that."
)


def _macro_part(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(("vbaproject.bin", "vbadata.xml")) or "/vba" in lower and lower.endswith(".bin")


def package_problems(content: bytes) -> list[str]:
    """Reasons the .docx package itself cannot be a template (empty when it can)."""
    if len(content) > MAX_TEMPLATE_BYTES:
        return [f"The file is {len(content):,} bytes; a letter template must be under {MAX_TEMPLATE_BYTES:,}."]
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            unpacked = sum(info.file_size for info in infos)
            if "word/document.xml" not in names:
                return ["This is not a Word document (.docx): it has no word/document.xml."]
            if len(infos) > MAX_PARTS or unpacked > MAX_UNPACKED_BYTES:
                return [
                    f"The file unpacks to {unpacked:,} bytes in {len(infos)} parts; a letter template must unpack "
                    f"to under {MAX_UNPACKED_BYTES:,} bytes in at most {MAX_PARTS} parts."
                ]
            types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
            if any(_macro_part(n) for n in names) or b"macroEnabled" in types or b"vbaProject" in types:
                return [MACROS]
            if any(n.lower().startswith(("word/activex/", "word/embeddings/")) for n in names):
                return [ACTIVE]
            for info in infos:
                if info.filename.lower().endswith((".xml", ".rels")):
                    try:
                        fromstring(archive.read(info), forbid_dtd=True)
                    except DefusedXmlException:
                        return [DTD.format(part=info.filename)]
                    except Exception:  # noqa: BLE001 - any XML error: the part is not what Word writes
                        return [f"Part {info.filename} of the file is damaged. Save it again from Word."]
            styles = archive.getinfo("word/styles.xml").file_size if "word/styles.xml" in names else 0
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError, KeyError):
        return [NOT_DOCX]
    if styles > MAX_STYLES_BYTES:
        return [
            f"Its styles take {styles:,} bytes (limit {MAX_STYLES_BYTES:,}), which makes every letter slow to "
            "produce. Start from the current version and remove unused styles."
        ]
    return []

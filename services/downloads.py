"""What a download hands the page: the file's name, its media type and its bytes.

One shape for every file a user takes away (a letter, a letter template or its sample, a case file, an email
as .eml, a practice letter), so a page offers each the same way (`st.download_button(d.content, d.file_name,
mime=d.media_type)`). There were three, with the bytes under `content` in one and `data` in the others.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FileDownload:
    file_name: str
    media_type: str
    content: bytes

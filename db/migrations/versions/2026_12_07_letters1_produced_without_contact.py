"""letters.without_contact: a letter to a parent produced while no way to contact us was set

A letter to a parent prints our phone number and postal address from what an administrator sets
(services/letter_contact.py). Produced while neither was set, it prints none, and the caseworker must add them by
hand before sending it; its Download line now says so. That is decided from what was true when it was produced, so
it is recorded then: today's settings say nothing about a letter made last week.

Letters produced before this column existed are read back: the nine letters to a parent print the contact lines
between the sender ("Child Maintenance Service", the first paragraph) and the letter's date, recipient and address
before "Our reference:". Three paragraphs there means none was printed. A .docx laid out otherwise (a template
version policy staff uploaded) is left as not known to lack them, as before this change.

Revision ID: letters1
Revises: refvalues2
Create Date: 2026-12-07 03:00:00
"""

import io
from collections.abc import Sequence

import docx
import sqlalchemy as sa
from alembic import op

revision: str = "letters1"
down_revision: str | None = "refvalues2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The letters to a parent when this migration was written (letters/catalogue.py, TemplateSpec.prints_contact).
TO_A_PARENT = (
    "CMSL5501",
    "CMEL9180",
    "CWGL002",
    "CWGL010",
    "CWGL011",
    "CWGL012",
    "CWGL013",
    "CWGL014",
    "CWGF015",
)
SENDER = "Child Maintenance Service"
# Between the sender and "Our reference:" with no contact line: the date, the recipient's name and address.
HEAD_WITHOUT_CONTACT = 3
BATCH = 500

_letters = sa.table(
    "letters",
    sa.column("id", sa.Integer()),
    sa.column("template_code", sa.String()),
    sa.column("content", sa.LargeBinary()),
    sa.column("without_contact", sa.Boolean()),
)


def printed_no_contact(content: bytes) -> bool:
    """The produced .docx has nothing between its sender and its date: no contact line was printed."""
    try:
        paragraphs = [p.text.strip() for p in docx.Document(io.BytesIO(content)).paragraphs]
    except Exception:  # a file that cannot be read (any way python-docx fails) is not known to lack them
        return False
    if not paragraphs or paragraphs[0] != SENDER:
        return False
    reference = next((i for i, text in enumerate(paragraphs) if text.startswith("Our reference:")), None)
    return reference is not None and reference - 1 == HEAD_WITHOUT_CONTACT


def upgrade() -> None:
    with op.batch_alter_table("letters") as batch:
        batch.add_column(sa.Column("without_contact", sa.Boolean(), server_default=sa.false(), nullable=False))
    conn = op.get_bind()
    produced = conn.execute(
        sa.select(_letters.c.id, _letters.c.content).where(
            _letters.c.template_code.in_(TO_A_PARENT), _letters.c.content.is_not(None)
        )
    )
    lacking = [letter_id for letter_id, content in produced if printed_no_contact(bytes(content))]
    for start in range(0, len(lacking), BATCH):  # a bound parameter each: SQLite allows 32,766 in one statement
        chunk = lacking[start : start + BATCH]
        conn.execute(_letters.update().where(_letters.c.id.in_(chunk)).values(without_contact=True))


def downgrade() -> None:
    with op.batch_alter_table("letters") as batch:
        batch.drop_column("without_contact")

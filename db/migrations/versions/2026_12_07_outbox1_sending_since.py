"""outbound_emails.sending_since: an email claimed by the one sender transmitting it

Sending an email read its status in one transaction, talked to the mail server outside any transaction, then wrote
the outcome. Two senders at the same moment (Send again pressed on two servers, or the outbox command from cron
while a step's own email went out) both found it waiting and both sent it (QA, 7 December, eighth session). A sender
now claims the email first (this column, set in a transaction that takes the write lock) and only the claimer sends.
A claim left by a server that stopped mid-send is never taken over by the command; a person decides (the Outbox says
so).

Revision ID: outbox1
Revises: runs1
Create Date: 2026-12-07 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "outbox1"
down_revision: str | None = "runs1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("outbound_emails", sa.Column("sending_since", db.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE outbound_emails DROP COLUMN sending_since")

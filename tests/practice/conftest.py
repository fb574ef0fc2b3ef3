"""Every change a service commits in these tests must carry an audit event in the same transaction."""

from tests.audit_guard import every_service_change_is_audited

__all__ = ["every_service_change_is_audited"]

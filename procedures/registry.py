"""Every procedure the product guides, by id and version.

A run records the version it started on and always finishes on that version: when a procedure
changes, add the new version here and keep the old one registered until no run uses it.
"""

from __future__ import annotations

from .definition import Procedure
from .p1_csa_information_required import PROCEDURE as P1
from .p2_csa_information_received import PROCEDURE as P2
from .p3_enforcement_lo_check_csa import PROCEDURE as P3
from .p3_enforcement_lo_check_csa import PROCEDURE_V1 as P3_V1
from .p4_manage_client_arrears import PROCEDURE as P4
from .p5a_court_fee_payment import PROCEDURE as P5A
from .p5b_county_court import PROCEDURE as P5B
from .p5b_county_court import PROCEDURE_V1 as P5B_V1
from .p5c_commitment import PROCEDURE as P5C
from .p5c_commitment import PROCEDURE_V1 as P5C_V1
from .p5d_liability_order_routing import PROCEDURE as P5D
from .p5d_liability_order_routing import PROCEDURE_V1 as P5D_V1
from .p5d_liability_order_routing import PROCEDURE_V2 as P5D_V2
from .p5e_face_to_face import PROCEDURE as P5E
from .p5e_face_to_face import PROCEDURE_V1 as P5E_V1

# P5D_V1: runs started before 7 December 2026 (fifth session) finish on it; P5E_V1 and P3_V1, runs started before the
# ninth session; P5B_V1, P5C_V1 and P5D_V2, runs started before a hearing could be moved (8 December). Drop each once
# none is in progress.
_ALL: tuple[Procedure, ...] = (
    P1,
    P2,
    P3_V1,
    P3,
    P4,
    P5A,
    P5B_V1,
    P5B,
    P5C_V1,
    P5C,
    P5D_V1,
    P5D_V2,
    P5D,
    P5E_V1,
    P5E,
)

REGISTRY: dict[tuple[str, str], Procedure] = {(p.id, p.version): p for p in _ALL}


class UnknownProcedure(KeyError):
    pass


def get(procedure_id: str, version: str | None = None) -> Procedure:
    """The procedure at `version`, or its latest version when none is given."""
    if version is not None:
        try:
            return REGISTRY[(procedure_id, version)]
        except KeyError:
            raise UnknownProcedure(f"{procedure_id} version {version} is not registered") from None
    versions = [p for (pid, _), p in REGISTRY.items() if pid == procedure_id]
    if not versions:
        raise UnknownProcedure(f"there is no procedure {procedure_id}")
    return max(versions, key=lambda p: int(p.version))


def latest() -> list[Procedure]:
    """The latest version of every procedure, in id order."""
    ids = sorted({pid for pid, _ in REGISTRY}, key=lambda i: (len(i), i))
    return [get(pid) for pid in ids]


# What a run's step is called when its procedure (or that version of it) no longer has it: the stored state is an
# internal name no user should see (QA: My work and SR detail showed it).
STEP_GONE = "A step no longer in this procedure"


def step_title(procedure_id: str, version: str | None, state: str) -> str:
    """The title of a run's step in the version it runs on, or plain words when that step or procedure is gone."""
    try:
        step = get(procedure_id, version).steps.get(state)
    except UnknownProcedure:
        return STEP_GONE
    return step.title if step is not None else STEP_GONE

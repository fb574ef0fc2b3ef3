"""Users: administrators add people and set their role and team."""

import streamlit as st

import ui
from db.models import ROLES
from domain.clock import uk_local
from services import auth, users
from ui.roles import role_name
from ui.table_data import arrow_rows, moment_column

actor = ui.actor("admin", page="users")
st.title("Users")
rows = ui.attempt(lambda: users.list_users(actor))
if rows is not None:
    st.dataframe(
        arrow_rows(
            [
                {
                    "Username": u.username,
                    "Name": u.display_name,
                    "Role": role_name(u.role),
                    "Team": u.team or "",
                    "Active": u.is_active,
                    "Sign-in": f"Locked until {uk_local(u.locked_until):%H:%M}" if u.locked_until else "",
                    "Last active": u.last_active,
                }
                for u in rows
            ],
            moments=("Last active",),
        ),
        hide_index=True,
        width="stretch",
        placeholder="",
        # Widths that fit 1366 px beside the sidebar with no sideways scrolling (a lock was cut to "Locked until").
        column_config={
            "Username": st.column_config.TextColumn(width=120),
            "Name": st.column_config.TextColumn(width=150),
            "Role": st.column_config.TextColumn(width=96),
            "Active": st.column_config.CheckboxColumn(width=56),
            "Sign-in": st.column_config.TextColumn(
                width=140,
                help="Locked after repeated failed sign-ins, until the time shown (UK time, today). Choose the user "
                "below and Unlock sign-in to lift it now.",
            ),
            "Last active": moment_column(width=140, help="The last time any of their browser sessions did something"),
        },
    )

st.header("Add a user")
with st.form("add_user", clear_on_submit=False):
    username = st.text_input("Username")
    name = st.text_input("Full name")
    email = st.text_input("Email (for organisation sign-in)")
    role = st.selectbox("Role", ROLES, format_func=role_name)
    team = st.selectbox("Team", ["", *users.list_teams()])
    password = st.text_input("Temporary password (at least 10 characters)", type="password")
    if st.form_submit_button("Add user", type="primary"):
        added = ui.attempt(
            lambda: users.add_user(
                actor,
                username=username,
                display_name=name,
                role=role,
                password=password,
                team=team or None,
                email=email or None,
            )
        )
        if added is not None:
            st.success(f"Added {added.username}.")

st.header("Change a user")
if flash := st.session_state.pop("users_flash", None):
    st.success(flash)
st.caption("Each change here ends that user's open sessions: they sign in again to carry on.")
names = {u.username: f"{u.display_name} ({u.username})" for u in rows or []}  # as Home names a locked account (QA)
chosen: str | None = st.selectbox(
    "User", list(names), format_func=names.__getitem__, index=None, placeholder="Choose a user"
)
if chosen is not None:
    who: str = chosen
    user = next(u for u in rows or [] if u.username == chosen)
    if user.locked_until:  # said beside Unlock sign-in, not only in the list above (QA)
        until = uk_local(user.locked_until)
        st.caption(f"Sign-in locked after repeated failed sign-ins, until {until:%H:%M} (UK time).")
    left, middle = st.columns(2)
    if left.button("Unlock sign-in", help="Lift a lock or wait after repeated failed sign-ins"):
        cleared = ui.attempt(lambda: auth.unlock(actor, username=who))
        if cleared is not None:  # said once the list above no longer shows the lock
            said = f"{chosen} can sign in now." if cleared else f"{chosen} had no sign-in lock."
            # QA: it said "can sign in now" of an account that never could (no password, no organisation email)
            if ui.attempt(lambda: users.has_a_way_to_sign_in(actor, who)) is False:
                said = (f"{chosen}'s sign-in lock is lifted." if cleared else said) + (
                    " They have no password and no email for organisation sign-in, so they cannot sign in yet: "
                    f"set a password on the server (`python -m casework users set-password {chosen}`)."
                )
            st.session_state["users_flash"] = said
            st.rerun()
    label = "Deactivate" if user.is_active else "Reactivate"
    if middle.button(label, key="toggle_active"):
        done = ui.attempt(lambda: users.set_active(actor, who, not user.is_active))
        if done is not None:  # a refusal stays on screen; a change is said once the list shows it
            st.session_state["users_flash"] = (
                f"{chosen} can no longer sign in; their open sessions have ended."
                if user.is_active
                else f"{chosen} can sign in again."
            )
            st.rerun()
    with st.form("move_user"):
        new_role = st.selectbox("Role", ROLES, index=ROLES.index(user.role), format_func=role_name)
        teams = ["", *users.list_teams()]
        new_team = st.selectbox("Team", teams, index=teams.index(user.team or ""))
        if st.form_submit_button("Change role or team"):
            moved = ui.attempt(lambda: users.set_role_team(actor, who, role=new_role, team=new_team or None))
            if moved is not None:
                st.success(f"{chosen} is now {role_name(moved.role).lower()}{', ' + moved.team if moved.team else ''}.")

"""Users: administrators add people and set their role and team."""

import streamlit as st

import ui
from db.models import ROLES
from services import users

actor = ui.actor("admin", page="users")
st.title("Users")
rows = ui.attempt(lambda: users.list_users(actor))
if rows is not None:
    st.dataframe(
        [
            {
                "Username": u.username,
                "Name": u.display_name,
                "Role": u.role,
                "Team": u.team or "",
                "Active": u.is_active,
            }
            for u in rows
        ],
        hide_index=True,
        width="stretch",
    )

st.subheader("Add a user")
with st.form("add_user", clear_on_submit=False):
    username = st.text_input("Username")
    name = st.text_input("Full name")
    email = st.text_input("Email (for organisation sign-in)")
    role = st.selectbox("Role", ROLES)
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

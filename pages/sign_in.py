"""Sign in with a local account, or with the organisation's identity provider when one is configured."""

import streamlit as st

import ui
from services import auth
from services.errors import PermissionDenied


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all  # noqa: BLE001
        return False


st.title("Casework Guide")
st.write("Step-by-step guidance for Child Maintenance Service procedures.")
if flash := st.session_state.pop("flash", None):
    st.info(flash)
ui.forget_session_cookie()

if _oidc_configured():
    if st.user.get("is_logged_in"):
        try:
            email = st.user.get("email")
            ui.signed_in(auth.sign_in_oidc(email if isinstance(email, str) else None))
            st.rerun()
        except PermissionDenied as exc:
            st.error(exc.message)
    st.button("Sign in with your organisation account", on_click=st.login, type="primary")
    st.divider()

with st.form("sign_in"):
    username = st.text_input("Username")
    password = st.text_input("Password", type="password")
    submitted = st.form_submit_button("Sign in", type="primary")
if submitted:
    try:
        ui.signed_in(auth.start_session(username, password, address=st.context.ip_address))
    except PermissionDenied as exc:
        ui.error_summary({"password": exc.message})
    except Exception:  # the database is unreachable or read-only: plain words and a log reference
        ui.fault("signing in")
    else:
        st.rerun()

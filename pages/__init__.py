"""Thin Streamlit pages. Each reads state, calls a service, renders; every one is registered in app.py."""

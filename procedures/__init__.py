"""Procedures as code: one strict state machine per published procedure, plus a registry.

Imports only the standard library, python-statemachine and domain/; never Streamlit or the database.
"""

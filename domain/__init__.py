"""Pure domain rules shared by every layer: the SR catalogue, value formats, money, time and working days.

Nothing here touches a database or Streamlit, so every rule is testable in isolation.
"""

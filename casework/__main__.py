from casework.cli import app

app(prog_name="python -m casework")

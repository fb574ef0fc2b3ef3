"""The runnable example of docs/adding-a-procedure.md: a test-only procedure, letter and walk."""

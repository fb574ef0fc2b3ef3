"""Letters and forms: Word templates under letters/templates, context builders, docxtpl rendering."""

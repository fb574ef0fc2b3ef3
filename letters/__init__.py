"""Letters and forms: the template registry (catalogue), field kinds, the .docx templates under
letters/templates (written by build_templates), rendering, and the checks every template passes."""

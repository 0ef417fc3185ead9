"""reportlab documents: agreement, TAF plan, assessment, progress charts."""

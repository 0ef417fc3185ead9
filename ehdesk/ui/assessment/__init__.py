"""Assessment screens: forms rendered from their definitions, and the family's assessments tab."""

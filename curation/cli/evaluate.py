"""(placeholder: commands are added by their issue)."""

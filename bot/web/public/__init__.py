"""The public sign-on page of a letter (README, "The public sign-on page")."""

"""Same story, several outlets: sources, claims and their divergences across articles."""

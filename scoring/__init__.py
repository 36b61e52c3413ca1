"""Pure computation on numpy arrays: scale scores, indices, shares, comparisons
against baselines, and small-cell suppression. Imports numpy and scipy only."""

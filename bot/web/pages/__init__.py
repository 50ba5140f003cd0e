"""The console's pages, one module per feature, named as the feature is in every layer."""

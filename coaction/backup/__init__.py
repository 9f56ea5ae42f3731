"""The operator's full backup (`flask coaction export-all` / `import-all`): no views, never offered for download."""

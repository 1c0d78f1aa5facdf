"""Contract gates over openapi/<product>.yaml: lint, docs, generated SDKs, live and in-process fuzzing."""

"""One module per check family; each exposes ``run(ctx) -> list[Finding]``."""

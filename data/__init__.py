"""Storage and input: the only package that touches files, the environment and SQL."""

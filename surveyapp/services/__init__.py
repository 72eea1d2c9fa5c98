"""Application services: the work behind views and commands, kept out of both."""

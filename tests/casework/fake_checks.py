"""A stand-in closure check (the real ones live in other features' modules)."""


def reading(session, episode_id):
    return "The closing tool reading has not been taken."

"""Council configuration pack and machine-wide settings."""

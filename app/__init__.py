"""Industrial-zone occupancy service."""

"""What the acceptance suite needs and no user does: services, per-scenario databases, builders."""

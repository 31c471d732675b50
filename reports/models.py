"""The reports app only reads; it has no models of its own."""

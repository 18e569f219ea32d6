"""Reading data and writing results."""

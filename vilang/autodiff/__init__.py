"""Reverse-mode differentiation as a compile-time pass: IR in, gradient IR out."""

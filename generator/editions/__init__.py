"""Annual editions: a frozen edition's lock, its archive, the comparison of two editions and
the scaffold of the next one."""

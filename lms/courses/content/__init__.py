"""content/ as files: reading and checking every file without a database (each problem named by
file, line and field), the typed values it yields, and `lms content sync`, which writes them
into the database all or nothing."""

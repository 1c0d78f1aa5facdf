"""Outside providers behind small interfaces, each with an offline default."""

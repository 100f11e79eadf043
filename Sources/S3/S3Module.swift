/// The `S3` module. See README.md for the layering.
public enum S3Module {}

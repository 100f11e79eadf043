/// The `HTTP` module. See README.md for the layering.
public enum HTTPModule {}

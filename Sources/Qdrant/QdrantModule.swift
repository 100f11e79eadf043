/// The `Qdrant` module. See README.md for the layering.
public enum QdrantModule {}

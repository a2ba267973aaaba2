/// Placeholder until the TocsinIngest issue lands.
public enum TocsinIngestModule {}

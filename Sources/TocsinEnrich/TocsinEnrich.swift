/// Placeholder until the TocsinEnrich issue lands.
public enum TocsinEnrichModule {}

import TocsinCore

/// Enrichment steps run on every alert before routing; each lives in its own folder and is a pure function.
public enum Enrichment {}

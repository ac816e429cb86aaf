package io.activitytrail;

/** The formats in which {@link ActivityTrail#export} writes a user's history. */
public enum ExportFormat {
    /** One JSON object per line (UTF-8), oldest first. */
    NDJSON,
    /** RFC 4180 CSV with a header row (UTF-8), oldest first; cells that a spreadsheet would run as formulas are quoted. */
    CSV
}

"""The evidence of a case: the pack sent to Bawaslu / BKN, its report, its WARC records, forwarding."""

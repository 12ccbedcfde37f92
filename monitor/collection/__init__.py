"""Collection: fetch registered accounts through scrapers/ and store what came back, with evidence."""

"""Letters: technical and legal letters from templates with merge fields, as PDF."""
